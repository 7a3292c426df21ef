/**
 * The error catalogue: every error code the service answers with, the HTTP status it maps to and what it means.
 * Domain errors (lake, passerelles) and the API throw `CodedError`s with one of these codes, so a code is spelt
 * once and its status is decided here, not where it is thrown. docs/api.md lists the table.
 */
export const ERRORS = {
  invalid_request: { status: 400, message: "the request does not follow the route's schema" },
  invalid_json: { status: 400, message: "request body is not valid JSON" },
  invalid_string: { status: 400, message: "a string holds a NUL character or a lone UTF-16 surrogate" },
  invalid_document: { status: 400, message: "a document the lake cannot store as sent" },
  invalid_filter: { status: 400, message: "a passerelles filter names unknown codes or contradicts itself" },
  unknown_code: { status: 400, message: "a ROME code that is not a fiche of the version that answers" },
  empty_profile: { status: 400, message: "a profile with neither codes nor labels" },
  bad_request: { status: 400, message: "a malformed HTTP request" },
  request_timeout: { status: 408, message: "the request's headers or body took too long to arrive" },
  headers_too_large: { status: 431, message: "the request line and headers exceed 16 KB (a URL too long)" },
  unauthorized: { status: 401, message: "no API key, or an unknown one" },
  forbidden: { status: 403, message: "the API key lacks the role the route needs" },
  not_found: { status: 404, message: "no such route, code or document" },
  kind_conflict: { status: 409, message: "the document exists with the other kind (offer ↔ CV)" },
  payload_too_large: { status: 413, message: "request body over the byte limit" },
  unsupported_encoding: { status: 415, message: "request body in an encoding or charset the server does not read" },
  overloaded: { status: 429, message: "too much work queued; retry after Retry-After", also: 503 },
  client_gone: { status: 499, message: "the client closed the connection; nothing is sent" },
  internal_error: { status: 500, message: "internal error" },
  match_failed: { status: 500, message: "matching a document failed (batch items only)" },
  write_failed: { status: 500, message: "the database refused a document (batch items only)" },
  lake_disabled: { status: 503, message: "this server runs without the document lake" },
  lake_unavailable: { status: 503, message: "the document store is unreachable or too slow; retry" },
  esco_disabled: { status: 503, message: "this server runs without the ESCO crosswalk (ESCO_CROSSWALK)" },
} as const satisfies Record<string, { status: number; message: string; also?: number }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/**
 * An error with a catalogue code; its HTTP status comes from the catalogue. `status` overrides it only where the
 * catalogue says `also` (overloaded: 503 when a queued request's wait ran out).
 */
export class CodedError extends Error {
  readonly status: number;
  readonly details?: unknown;
  /** Seconds, sent as Retry-After (429, 503). */
  readonly retryAfterS?: number;
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    options: { details?: unknown; status?: number; retryAfterS?: number } = {},
  ) {
    super(message);
    this.status = options.status ?? ERRORS[code].status;
    if (options.details !== undefined) this.details = options.details;
    if (options.retryAfterS !== undefined) this.retryAfterS = options.retryAfterS;
  }
}
