import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { z } from "zod";
import { CodedError, ERROR_CODES, ERRORS } from "../errors.js";
import { ClientGoneError, OverloadedError } from "./admission.js";

/** The one error shape every endpoint returns: `{ error: { status, code, message, details? } }`. */
export const ErrorBody = z.object({
  error: z.object({
    status: z.number().int(),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export const notFound = (what: string, code: string) =>
  new CodedError("not_found", `${what} ${code} does not exist in this ROME version`);

/** zod issues as the error's details: each problem with its path. */
export const issuesOf = (e: z.ZodError) => e.issues.map((i) => ({ path: i.path.join("."), message: i.message }));

/** Parses with a zod schema or throws a 400 listing every problem with its path (`where`: what was parsed). */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new CodedError("invalid_request", `invalid ${where}`, { details: issuesOf(r.error) });
  return r.data;
}

export const unknownRoute: RequestHandler = (req, _res, next) =>
  next(new CodedError("not_found", `no route ${req.method} ${req.path}`));

/** body-parser's error types → catalogue codes. */
const BODY_PARSER: Record<string, "payload_too_large" | "invalid_json" | "unsupported_encoding"> = {
  "entity.too.large": "payload_too_large",
  "entity.parse.failed": "invalid_json",
  "encoding.unsupported": "unsupported_encoding",
  "charset.unsupported": "unsupported_encoding",
};

/** The catalogue error an error stands for; anything unknown is a 500 without internals. */
function coded(err: unknown): CodedError {
  if (err instanceof CodedError) return err;
  if (err instanceof OverloadedError)
    return new CodedError("overloaded", err.message, { status: err.status, retryAfterS: err.retryAfterS });
  const e = err as { type?: unknown; status?: unknown; limit?: unknown; message?: unknown; code?: unknown } | null;
  const parser = typeof e?.type === "string" ? BODY_PARSER[e.type] : undefined;
  if (parser === "payload_too_large") return new CodedError(parser, `request body exceeds the ${e!.limit} byte limit`);
  if (parser === "invalid_json") return new CodedError(parser);
  if (parser) return new CodedError(parser, String(e!.message));
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500)
    return new CodedError("bad_request", String(e.message), { status: e.status });
  // Never the error object: a database error's detail, query and parameters may hold personal data.
  // A database error's message may quote a value ('invalid input syntax …: "…"'): its SQLSTATE only.
  const code = e?.code;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : typeof err;
  console.error(`internal error: ${typeof code === "string" ? `database error ${code}` : what}`);
  return new CodedError("internal_error");
}

/** Maps body-parser errors, catalogue errors and overload to the error envelope. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  // Nobody to answer (the client left, or the answer is already under way): nothing more to send.
  if (err instanceof ClientGoneError || res.headersSent) {
    if (!res.headersSent && !res.destroyed) res.status(499).end();
    return;
  }
  const e = coded(err);
  if (e.retryAfterS !== undefined) res.setHeader("Retry-After", String(e.retryAfterS));
  const body = { status: e.status, code: e.code, message: e.message };
  res.status(e.status).json({ error: e.details !== undefined ? { ...body, details: e.details } : body });
};

/**
 * Errors Node's HTTP parser meets before any route (malformed request, headers over 16 KB, a request that did not
 * arrive in time), answered in the error envelope: Node's own answer is a bare status line without a body.
 */
export function clientErrorCode(err: { code?: unknown }): "bad_request" | "request_timeout" | "headers_too_large" {
  if (err.code === "HPE_HEADER_OVERFLOW") return "headers_too_large";
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return "request_timeout";
  return "bad_request";
}

/** The raw HTTP answer to a client error: the error envelope, then the connection closed. */
export function clientErrorResponse(code: ReturnType<typeof clientErrorCode>): string {
  const { status, message } = ERRORS[code];
  const body = JSON.stringify({ error: { status, code, message } });
  const reason = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" }[status];
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Answers the HTTP parser's client errors with the error envelope, as Node would (only when no answer to this socket
 * has started: a half-sent answer must not be followed by another), then closes the socket.
 */
export function answerClientErrors(server: Server): void {
  server.on("clientError", (err: Error & { code?: unknown }, socket: Duplex & { _httpMessage?: unknown }) => {
    const inFlight = socket._httpMessage as { headersSent?: boolean } | null | undefined;
    if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    socket.end(clientErrorResponse(clientErrorCode(err)), () => socket.destroy());
  });
}
