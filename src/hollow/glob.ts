// Image globs for `--fail-images` / `--unready-images`: `*` matches any run of characters (slashes
// included, so `*/bad:*` and `*bad*` both work on full image references) and `?` exactly one; the rest is literal.

/** Compiles a glob to a RegExp anchored at both ends. */
export function globToRegExp(glob: string): RegExp {
  let src = "";
  for (const ch of glob) {
    if (ch === "*") src += ".*";
    else if (ch === "?") src += ".";
    else src += ch.replace(/[\\^$.|+(){}[\]]/g, "\\$&");
  }
  return new RegExp(`^${src}$`, "s");
}

/** A predicate true when an image matches any of the globs (false for none). */
export function imageMatcher(globs: readonly string[]): (image: string) => boolean {
  const res = globs.filter((g) => g !== "").map(globToRegExp);
  if (res.length === 0) return () => false;
  return (image) => res.some((re) => re.test(image));
}
