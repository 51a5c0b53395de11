// Turns an `application/vnd.kubernetes.protobuf` request body into the JSON object a JSON client would have
// sent, so it continues through the normal decode, defaulting and validation path.
import { errors } from "../errors.ts";
import { groupVersion, RESOURCES, SUBRESOURCE_ONLY_KINDS } from "../resources.ts";
import { DeleteOptions } from "../schema/meta.ts";
import type { ObjectSchema } from "../schema/schema.ts";
import { readEnvelope } from "./envelope.ts";
import { decodeMessage } from "./message.ts";
import { ProtobufDecodeError } from "./protobuf-error.ts";

/** The struct a protobuf body of this type decodes as, or undefined when loci has no such kind. */
export function protobufKindSchema(apiVersion: string, kind: string): ObjectSchema | undefined {
  // DeleteOptions is registered in every group version (and meta.k8s.io/v1).
  if (kind === "DeleteOptions") return DeleteOptions;
  const served = RESOURCES.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
  if (served) return served.schema();
  for (const schemaOf of Object.values(SUBRESOURCE_ONLY_KINDS)) {
    const s = schemaOf();
    if (s.gvk?.some((g) => groupVersion(g) === apiVersion && g.kind === kind)) return s;
  }
  return undefined;
}

/** Upstream's summary of an undecodable body: hex, cut at 30 bytes. */
function summarize(body: Uint8Array): string {
  if (body.length === 0) return "<empty>";
  const hex = Buffer.from(body.subarray(0, 30)).toString("hex");
  return body.length > 30 ? `${hex} ...` : hex;
}

/**
 * Decodes a protobuf body into a JSON object with apiVersion and kind set. `expectedKind` names the kind the
 * endpoint takes, for upstream's error wording. Throws a 400 ApiError when the body cannot be read.
 */
export function decodeProtobufBody(body: Uint8Array, expectedKind = "Object"): Record<string, unknown> {
  let env: ReturnType<typeof readEnvelope>;
  try {
    env = readEnvelope(body);
  } catch (e) {
    throw errors.badRequest(
      `the object provided is unrecognized (must be of type ${expectedKind}): ${(e as Error).message} (${summarize(body)})`,
    );
  }
  const version = env.apiVersion.slice(env.apiVersion.indexOf("/") + 1);
  const cannotHandle = (why: string) =>
    errors.badRequest(`${env.kind} in version "${version}" cannot be handled as a ${expectedKind}: ${why}`);
  if (env.contentEncoding !== "") throw cannotHandle(`unsupported content encoding "${env.contentEncoding}"`);
  if (env.contentType !== "" && env.contentType !== "application/vnd.kubernetes.protobuf")
    throw cannotHandle(`unsupported content type "${env.contentType}"`);
  const schema = protobufKindSchema(env.apiVersion, env.kind);
  if (!schema)
    throw cannotHandle(
      `no kind "${env.kind}" is registered for version "${env.apiVersion}" in scheme "pkg/runtime/scheme.go:100"`,
    );
  try {
    return { apiVersion: env.apiVersion, kind: env.kind, ...decodeMessage(env.raw, schema) };
  } catch (e) {
    throw cannotHandle(ProtobufDecodeError.from(e).message);
  }
}
