// How kube-apiserver's PATCH handler (`endpoints/handlers/patch.go`) turns patch-engine failures into
// Status responses: a few known sentinel errors become 400/422, everything else is a plain Go error that
// the response writer reports as code 500 with an empty reason and the error text as message.
import { ApiError, errors } from "../errors.ts";

/** A plain (non-Status) Go error: 500, reason "" (StatusReasonUnknown), message = error text. */
export function plainError(message: string): ApiError {
  return new ApiError(500, "", message);
}

/** 400 BadRequest with the error text. */
export function badRequest(message: string): ApiError {
  return errors.badRequest(message);
}

/**
 * `errors.NewGenericServerResponse(422, "", GroupResource{}, "", msg, 0, false)`: the detail text is dropped
 * (only unexpected responses keep it as a cause), leaving a fixed message and empty details.
 */
export function unprocessable(): ApiError {
  return new ApiError(422, "Invalid", "the server rejected our request due to an error in our request", {});
}
