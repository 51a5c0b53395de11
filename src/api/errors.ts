// Errors carry meaning, not HTTP: every failure loci reports is an ApiError that becomes a Kubernetes
// `Status` object in one place (the API server's error handler). Messages follow upstream apimachinery
// (`k8s.io/apimachinery/pkg/api/errors`, `.../util/validation/field/errors.go`) because clients match on them.

export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid";

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

/** Types whose message never shows the bad value (as upstream's ErrorBody). */
const omitsValue = new Set<FieldErrorType>([
  "FieldValueRequired",
  "FieldValueForbidden",
  "FieldValueTooLong",
  "FieldValueTooMany",
  "InternalError",
]);

const NO_VALUE = Symbol("no value");

/** One field error: `field: <Type text>[: <value>][: <detail>]`. */
export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown = NO_VALUE,
    readonly detail = "",
  ) {}

  /** The part after the field path (upstream `ErrorBody`), also used as the Status cause message. */
  body(): string {
    let s = typeText[this.type];
    if (!omitsValue.has(this.type) && this.badValue !== NO_VALUE) s += `: ${renderValue(this.badValue)}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}

/** Renders a bad value as current upstream does: strings quoted, numbers and booleans bare, others as JSON. */
export function renderValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return JSON.stringify(v);
}

// Constructors named as upstream's field.* helpers.
export const field = {
  required: (path: string, detail = "") => new FieldError("FieldValueRequired", path, NO_VALUE, detail),
  invalid: (path: string, value: unknown, detail = "") => new FieldError("FieldValueInvalid", path, value, detail),
  notSupported: (path: string, value: unknown, valid: string[]) =>
    new FieldError(
      "FieldValueNotSupported",
      path,
      value,
      valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(", ")}` : "",
    ),
  forbidden: (path: string, detail: string) => new FieldError("FieldValueForbidden", path, NO_VALUE, detail),
  duplicate: (path: string, value: unknown) => new FieldError("FieldValueDuplicate", path, value),
  notFound: (path: string, value: unknown) => new FieldError("FieldValueNotFound", path, value),
  tooLong: (path: string, _value: unknown, max: number) =>
    new FieldError("FieldValueTooLong", path, NO_VALUE, `may not be more than ${max} bytes`),
  tooMany: (path: string, _actual: number, max: number) =>
    new FieldError("FieldValueTooMany", path, NO_VALUE, `must have at most ${max} items`),
  typeInvalid: (path: string, value: unknown, detail: string) =>
    new FieldError("FieldValueTypeInvalid", path, value, detail),
  internal: (path: string, detail: string) => new FieldError("InternalError", path, NO_VALUE, detail),
};

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The `metav1.Status` wire shape. */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never> | { resourceVersion?: string };
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toStatus(): Status {
    const s: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      code: this.code,
    };
    // Upstream omits an empty reason (e.g. the 500s of the strategic-merge engine).
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = this.details;
    return s;
  }
}

/** `daemonsets.apps` / `pods`: the qualified resource as upstream prints it. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

/** `DaemonSet.apps` / `Pod`: the qualified kind used in Invalid messages. */
export function qualifiedKind(kind: string, group: string): string {
  return group ? `${kind}.${group}` : kind;
}

export const errors = {
  notFound: (resource: string, group: string, name: string) =>
    new ApiError(404, "NotFound", `${qualifiedResource(resource, group)} "${name}" not found`, {
      name,
      group: group || undefined,
      kind: resource,
    }),
  alreadyExists: (resource: string, group: string, name: string) =>
    new ApiError(409, "AlreadyExists", `${qualifiedResource(resource, group)} "${name}" already exists`, {
      name,
      group: group || undefined,
      kind: resource,
    }),
  conflict: (resource: string, group: string, name: string, why: string) =>
    new ApiError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`,
      {
        name,
        group: group || undefined,
        kind: resource,
      },
    ),
  staleWrite: (resource: string, group: string, name: string) =>
    errors.conflict(
      resource,
      group,
      name,
      "the object has been modified; please apply your changes to the latest version and try again",
    ),
  invalid: (kind: string, group: string, name: string, errs: FieldError[]) => {
    const seen = new Set<string>();
    const unique = errs.filter((e) => {
      const s = e.toString();
      if (seen.has(s)) return false;
      seen.add(s);
      return true;
    });
    const list = unique.map((e) => e.toString());
    const body = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
    return new ApiError(422, "Invalid", `${qualifiedKind(kind, group)} "${name}" is invalid: ${body}`, {
      name,
      group: group || undefined,
      kind,
      causes: unique.map((e) => ({ reason: e.type, message: e.body(), field: e.field })),
    });
  },
  badRequest: (message: string) => new ApiError(400, "BadRequest", message),
  unauthorized: (message = "Unauthorized") => new ApiError(401, "Unauthorized", message),
  forbidden: (message: string, details?: StatusDetails) => new ApiError(403, "Forbidden", message, details),
  methodNotAllowed: (message: string) => new ApiError(405, "MethodNotAllowed", message),
  notAcceptable: (message: string) => new ApiError(406, "NotAcceptable", message),
  gone: (message: string) => new ApiError(410, "Gone", message),
  expired: (message: string) => new ApiError(410, "Expired", message),
  tooLarge: (limit: number) =>
    new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`),
  unsupportedMediaType: (accepted: string[]) =>
    new ApiError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
    ),
  tooManyRequests: (message: string, retryAfterSeconds?: number) =>
    new ApiError(429, "TooManyRequests", message, retryAfterSeconds ? { retryAfterSeconds } : undefined),
  internal: (message: string) => new ApiError(500, "InternalError", `Internal error occurred: ${message}`),
  timeout: (message: string) => new ApiError(504, "Timeout", message),
};
