// Upstream prints bad values that implement fmt.Stringer (resource.Quantity) without quotes, e.g.
// `Invalid value: 1500m: must be an integer`. FieldError quotes every string, so this subclass renders the
// value text as given.
import { FieldError } from "../errors.ts";

class BareValueFieldError extends FieldError {
  constructor(
    path: string,
    private readonly text: string,
    detail: string,
  ) {
    super("FieldValueInvalid", path, text, detail);
  }

  override body(): string {
    return `Invalid value: ${this.text}${this.detail ? `: ${this.detail}` : ""}`;
  }
}

/** `field.Invalid(path, quantity, detail)` where the value prints bare. */
export function invalidBare(path: string, text: string, detail: string): FieldError {
  return new BareValueFieldError(path, text, detail);
}
