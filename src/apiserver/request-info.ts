// Parses a Kubernetes API path into what it names, as upstream's RequestInfoFactory.
import { findResource, type ResourceInfo } from "../api/resources.ts";

export interface RequestInfo {
  group: string;
  version: string;
  /** Set for resource requests; undefined for discovery of a group-version. */
  info?: ResourceInfo;
  /** The resource segment as written (for 404 messages). */
  resource?: string;
  namespace: string;
  name?: string;
  subresource?: string;
}

/** Returns undefined when the path is not under /api or /apis. */
export function parseRequestPath(path: string): RequestInfo | undefined {
  const parts = path.split("/").filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api") {
    if (parts.length < 2) return undefined;
    group = "";
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    if (parts.length < 3) return undefined;
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;
  const out: RequestInfo = { group, version, namespace: "" };
  if (rest.length === 0) return out;
  // /namespaces/{ns}/{resource}/... unless it is the namespace object itself or its subresources.
  if (rest[0] === "namespaces" && rest.length >= 3 && !["status", "finalize"].includes(rest[2])) {
    out.namespace = decodeURIComponent(rest[1]);
    rest = rest.slice(2);
  }
  out.resource = rest[0];
  out.info = findResource(group, version, rest[0]);
  if (rest[1] !== undefined) out.name = decodeURIComponent(rest[1]);
  if (rest[2] !== undefined) out.subresource = rest[2];
  if (rest.length > 3) out.subresource = rest.slice(2).join("/");
  return out;
}
