import type { ErrorRequestHandler, RequestHandler } from "express";
import { z } from "zod";
import { ClientGoneError, OverloadedError } from "./admission.js";

/** The one error shape every endpoint returns: `{ error: { status, code, message, details? } }`. */
export const ErrorBody = z.object({
  error: z.object({
    status: z.number().int(),
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds, sent as Retry-After (429, 503). */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

export const notFound = (what: string, code: string) => new HttpError(404, "not_found", `${what} ${code} does not exist in this ROME version`);

/** Parses with a zod schema or throws a 400 listing every problem with its path. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  // Unknown query parameters are refused on every route alike (a misspelt filter must not be silently ignored).
  const checked = (where === "query" && schema instanceof z.ZodObject ? schema.strict() : schema) as S;
  const r = checked.safeParse(value);
  if (!r.success) {
    throw new HttpError(400, "invalid_request", `invalid ${where}`, r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  return r.data;
}

export const unknownRoute: RequestHandler = (req, _res, next) => next(new HttpError(404, "not_found", `no route ${req.method} ${req.path}`));

/** Maps body-parser errors (bad JSON, too large, bad charset) and our HttpErrors to JSON; anything else is a 500 without internals. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  // Nobody to answer (the client left, or the answer is already under way): nothing more to send.
  if (err instanceof ClientGoneError || res.headersSent) {
    if (!res.headersSent && !res.destroyed) res.status(499).end();
    return;
  }
  let e: HttpError;
  if (err instanceof HttpError) e = err;
  else if (err instanceof OverloadedError) e = new HttpError(err.status, "overloaded", err.message, undefined, err.retryAfterS);
  else if (err?.type === "entity.too.large") e = new HttpError(413, "payload_too_large", `request body exceeds the ${err.limit} byte limit`);
  else if (err?.type === "entity.parse.failed") e = new HttpError(400, "invalid_json", "request body is not valid JSON");
  else if (err?.type === "encoding.unsupported" || err?.type === "charset.unsupported") e = new HttpError(415, "unsupported_encoding", String(err.message));
  else if (typeof err?.status === "number" && err.status >= 400 && err.status < 500) e = new HttpError(err.status, "bad_request", String(err.message));
  else {
    // Never the error object: a database error's detail, query and parameters may hold personal data.
    // A database error's message may quote a value ('invalid input syntax …: "…"'): its SQLSTATE only.
    const code = (err as { code?: unknown } | null)?.code;
    console.error(`internal error: ${typeof code === "string" ? `database error ${code}` : err instanceof Error ? `${err.name}: ${err.message}` : typeof err}`);
    e = new HttpError(500, "internal_error", "internal error");
  }
  if (e.retryAfterS !== undefined) res.setHeader("Retry-After", String(e.retryAfterS));
  res.status(e.status).json({ error: { status: e.status, code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } });
};
