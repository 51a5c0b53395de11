// Runs real kubectl binaries against a throwaway HTTP server that serves only discovery, the OpenAPI
// documents and a DaemonSet create, to prove kubectl can decode the documents: 1.27 reads the v2
// protobuf, 1.33 the v3 documents, for `explain` and for `apply`'s fieldValidation check.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { GROUP_ORDER, groupVersion, RESOURCES } from "../../api/resources.ts";
import { OPENAPI_V2_PROTOBUF_RESPONSE_CONTENT_TYPE, servedOpenApiV2Protobuf } from "./protobuf.ts";
import { servedOpenApiV2 } from "./v2.ts";
import { buildOpenApiV3Index, servedOpenApiV3 } from "./v3.ts";

const run = promisify(execFile);

function kubectlBinary(minor: number): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const candidate = join(dir, "kubectl");
    if (!existsSync(candidate)) continue;
    const versioned = join(dirname(realpathSync(candidate)), `kubectl.1.${minor}`);
    return existsSync(versioned) ? versioned : undefined;
  }
  return undefined;
}

/** Legacy discovery: enough for kubectl's REST mapper to resolve `pods` and `daemonsets`. */
function resourceList(gv: string) {
  const resources = RESOURCES.filter((r) => groupVersion(r) === gv).flatMap((r) => [
    {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      shortNames: r.shortNames,
      categories: r.categories,
    },
    ...r.subresources.map((s) => ({
      name: `${r.resource}/${s.name}`,
      singularName: "",
      namespaced: r.namespaced,
      kind: s.kind ?? r.kind,
      verbs: s.verbs,
    })),
  ]);
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources };
}

function groupList() {
  const groups = GROUP_ORDER.filter((g) => g && RESOURCES.some((r) => r.group === g)).map((name) => {
    const versions = [...new Set(RESOURCES.filter((r) => r.group === name).map((r) => r.version))].map((version) => ({
      groupVersion: `${name}/${version}`,
      version,
    }));
    return { name, versions, preferredVersion: versions[0] };
  });
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

let server: Server;
let url = "";
let workDir = "";
const requests: string[] = [];
const writes: string[] = [];

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "loci-openapi-"));
  writeFileSync(join(workDir, "kubeconfig"), "apiVersion: v1\nkind: Config\n");
  server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0]!;
    requests.push(`${path} ${req.headers.accept ?? ""}`);
    if (req.method !== "GET") {
      writes.push(`${req.method} ${req.url}`);
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const obj = JSON.parse(Buffer.concat(chunks).toString());
        obj.metadata = { ...obj.metadata, uid: "6f1c0d1e-0000-4000-8000-000000000001", resourceVersion: "1" };
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify(obj));
      });
      return;
    }
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (path === "/version") return json({ major: "1", minor: "33", gitVersion: "v1.33.0" });
    if (path === "/api") return json({ kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
    if (path === "/apis") return json(groupList());
    if (path === "/api/v1") return json(resourceList("v1"));
    const apis = path.match(/^\/apis\/([^/]+)\/([^/]+)$/);
    if (apis) return json(resourceList(`${apis[1]}/${apis[2]}`));
    if (path === "/openapi/v2") {
      if ((req.headers.accept ?? "").includes("protobuf")) {
        res.writeHead(200, { "content-type": OPENAPI_V2_PROTOBUF_RESPONSE_CONTENT_TYPE });
        return res.end(servedOpenApiV2Protobuf().bytes);
      }
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(servedOpenApiV2().json);
    }
    if (path === "/openapi/v3") return json(buildOpenApiV3Index());
    const v3 = path.startsWith("/openapi/v3/") ? servedOpenApiV3(path.slice("/openapi/v3/".length)) : undefined;
    if (v3) {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(v3.json);
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const explain = (minor: number, what: string, ...flags: string[]) => kubectl(minor, "explain", what, ...flags);

async function kubectl(minor: number, ...args: string[]): Promise<string> {
  const global = ["--server", url, "--kubeconfig", join(workDir, "kubeconfig"), "--cache-dir", join(workDir, "cache")];
  const { stdout } = await run(kubectlBinary(minor)!, [...global, ...args], { timeout: 60_000 });
  return stdout;
}

const FIELDS = ["host", "httpHeaders", "path", "port", "scheme"];

// kubectl 1.27 fetches and parses the v2 protobuf for every explain; the openapiv2 output renders from it alone.
test("kubectl 1.27 explains a nested Pod field from the v2 protobuf", { skip: !kubectlBinary(27) }, async () => {
  requests.length = 0;
  const out = await explain(27, "pods.spec.containers.livenessProbe.httpGet", "--output=plaintext-openapiv2");
  assert.match(out, /KIND:\s+Pod/);
  for (const f of FIELDS) assert.match(out, new RegExp(`^\\s+${f}\\b`, "m"), f);
  assert.match(out, /port\s+<string> -required-/);
  assert.ok(
    requests.some((r) => r.startsWith("/openapi/v2 ") && r.includes("protobuf")),
    `kubectl 1.27 fetched the v2 protobuf: ${requests.join(", ")}`,
  );
  assert.ok(!requests.some((r) => r.startsWith("/openapi/v3")), "the v2 output reads no v3 document");
});

test("kubectl 1.27 explains DaemonSet fields from v2 and from v3", { skip: !kubectlBinary(27) }, async () => {
  for (const flags of [["--output=plaintext-openapiv2"], []]) {
    const out = await explain(27, "daemonsets.spec.updateStrategy.rollingUpdate", ...flags);
    assert.match(out, /KIND:\s+DaemonSet/);
    assert.match(out, /maxUnavailable/);
    assert.match(out, /maxSurge/);
  }
  assert.match(await explain(27, "daemonsets.spec.updateStrategy.rollingUpdate"), /maxSurge\s+<IntOrString>/);
});

test("kubectl 1.33 explains the same field from the v3 documents", { skip: !kubectlBinary(33) }, async () => {
  requests.length = 0;
  const out = await explain(33, "pods.spec.containers.livenessProbe.httpGet");
  assert.match(out, /KIND:\s+Pod/);
  for (const f of FIELDS) assert.match(out, new RegExp(`^\\s+${f}\\b`, "m"), f);
  assert.match(out, /port\s+<IntOrString> -required-/);
  assert.ok(
    requests.some((r) => r.startsWith("/openapi/v3/api/v1 ")),
    `kubectl 1.33 fetched the v1 v3 document: ${requests.join(", ")}`,
  );
});

const DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: default
spec:
  notAField: 1
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: busybox
`;

for (const minor of [27, 33]) {
  // Had kubectl not found `fieldValidation` on the DaemonSet PATCH, it would validate client-side against
  // the v2 schemas and reject `spec.notAField` itself; finding it, it leaves strict decoding to the server.
  test(`kubectl 1.${minor} apply finds fieldValidation in the OpenAPI and leaves validation to the server`, {
    skip: !kubectlBinary(minor),
  }, async () => {
    const file = join(workDir, "ds.yaml");
    writeFileSync(file, DAEMONSET);
    requests.length = 0;
    writes.length = 0;
    const out = await kubectl(minor, "apply", "-f", file);
    assert.match(out, /daemonset.apps\/agent created/);
    assert.equal(writes.length, 1, writes.join(", "));
    assert.match(writes[0]!, /^POST \/apis\/apps\/v1\/namespaces\/default\/daemonsets\?.*fieldValidation=Strict/);
    const fetched = minor === 27 ? "/openapi/v2 " : "/openapi/v3/apis/apps/v1 ";
    assert.ok(
      requests.some((r) => r.startsWith(fetched)),
      `fetched ${fetched}: ${requests.join(", ")}`,
    );
  });
}
