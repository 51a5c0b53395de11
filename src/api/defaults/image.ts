// The tag of a container image reference, as `pkg/util/parsers.ParseImageName` reports it: a reference
// with neither tag nor digest means "latest".

/** The image tag, "" when only a digest is given, "latest" when neither is. */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = named.lastIndexOf("/");
  const lastColon = named.lastIndexOf(":");
  const tag = lastColon > lastSlash ? named.slice(lastColon + 1) : "";
  if (tag) return tag;
  return at >= 0 ? "" : "latest";
}

/** `Always` for `:latest` (or untagged) images, else `IfNotPresent`. */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  return imageTag(image) === "latest" ? "Always" : "IfNotPresent";
}
