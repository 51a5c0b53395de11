// The cluster's certificate authority and serving certificate, created on first start and reused later.
// ECDSA P-256 keys: fast to generate, accepted by kubectl and client-go.
import { createHash, randomBytes, webcrypto, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface Pki {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** `sha256:<hex>` of the CA's SubjectPublicKeyInfo, as kubeadm's discovery-token-ca-cert-hash. */
  caHash: string;
  adminToken: string;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key as webcrypto.CryptoKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END PRIVATE KEY-----\n`.replace(
    "\n\n",
    "\n",
  );
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  return (await webcrypto.subtle.importKey("pkcs8", der, alg, true, ["sign"])) as unknown as CryptoKey;
}

export function caHashOf(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: "spki", format: "der" });
  return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}

/** IPv6 written out in full (8 groups of 4 hex digits), so names from the OS and from a certificate compare equal. */
function canonicalIp(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const [head, tail = ""] = ip.toLowerCase().split("::");
  const h = head ? head.split(":") : [];
  const t = ip.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = ip.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return groups.map((g) => g.padStart(4, "0")).join(":");
}

/** Every name and address the serving certificate must cover. */
export function servingNames(extra: string[]): { dns: string[]; ips: string[] } {
  const dns = new Set(["localhost", hostname().toLowerCase()]);
  const ips = new Set(["127.0.0.1", canonicalIp("::1")]);
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) ips.add(canonicalIp(a.address.replace(/%.*$/, "")));
  }
  for (const name of extra) {
    if (/^[0-9.]+$/.test(name) || name.includes(":")) ips.add(canonicalIp(name));
    else dns.add(name.toLowerCase());
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

function sanKey(names: { dns: string[]; ips: string[] }): string {
  return JSON.stringify(names);
}

/** Reads the DNS names and IPs of an existing certificate, normalised like `servingNames`. */
function certNames(certPem: string): { dns: string[]; ips: string[] } {
  const cert = new x509.X509Certificate(certPem);
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const dns: string[] = [];
  const ips: string[] = [];
  for (const n of ext?.names.items ?? []) {
    if (n.type === "dns") dns.push(n.value);
    if (n.type === "ip") ips.push(n.value);
  }
  return { dns: [...new Set(dns)].sort(), ips: [...new Set(ips.map(canonicalIp))].sort() };
}

async function issueServing(caCertPem: string, caKey: CryptoKey, names: { dns: string[]; ips: string[] }) {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const ca = new x509.X509Certificate(caCertPem);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString("hex"),
    subject: "CN=loci-apiserver",
    issuer: ca.subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + YEAR_MS),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: "dns" as const, value })),
        ...names.ips.map((value) => ({ type: "ip" as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await exportKeyPem(keys.privateKey) };
}

/**
 * Loads the PKI under `dir/pki`, creating what is missing. The serving certificate is re-issued (CA kept)
 * when the set of names it must cover changed.
 */
export async function ensurePki(dir: string, tlsSans: string[]): Promise<Pki> {
  const pki = join(dir, "pki");
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  const f = (n: string) => join(pki, n);
  if (!existsSync(f("ca.crt")) || !existsSync(f("ca.key"))) {
    const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
    const now = Date.now();
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomBytes(8).toString("hex"),
      name: "CN=loci-ca",
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + 10 * YEAR_MS),
      signingAlgorithm: alg,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    writeFileSync(f("ca.key"), await exportKeyPem(keys.privateKey), { mode: 0o600 });
    writeFileSync(f("ca.crt"), ca.toString("pem"));
  }
  const caPem = readFileSync(f("ca.crt"), "utf8");
  const names = servingNames(tlsSans);
  const current = existsSync(f("server.crt")) ? readFileSync(f("server.crt"), "utf8") : undefined;
  if (!current || !existsSync(f("server.key")) || sanKey(certNames(current)) !== sanKey(names)) {
    const caKey = await importKeyPem(readFileSync(f("ca.key"), "utf8"));
    const issued = await issueServing(caPem, caKey, names);
    writeFileSync(f("server.key"), issued.keyPem, { mode: 0o600 });
    writeFileSync(f("server.crt"), issued.certPem);
  }
  if (!existsSync(f("admin.token"))) writeFileSync(f("admin.token"), randomBytes(32).toString("hex"), { mode: 0o600 });
  return {
    caPem,
    certPem: readFileSync(f("server.crt"), "utf8"),
    keyPem: readFileSync(f("server.key"), "utf8"),
    caHash: caHashOf(caPem),
    adminToken: readFileSync(f("admin.token"), "utf8").trim(),
  };
}
