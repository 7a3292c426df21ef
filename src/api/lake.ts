/** What the lake's routes share: the lake or a 503 when the server runs without it, and database errors as HTTP errors. */
import type { RequestHandler } from "express";
import type { AppContext } from "./app.js";
import { HttpError } from "./errors.js";
import { LakeConflictError, LakeInputError, LakeUnavailableError, isConnectionError, type Lake } from "../lake/index.js";

export function lakeOf(ctx: AppContext): Lake {
  if (!ctx.lake) throw new HttpError(503, "lake_disabled", "this server runs without the document lake");
  return ctx.lake;
}

/** Database errors → 503 (lake unreachable) or 400 (input the lake refuses); everything else stays a 500. */
export function lakeError(e: unknown): unknown {
  // 57014: statement_timeout (the database is too slow right now), like an outage for the caller: retry later.
  if (e instanceof LakeUnavailableError || isConnectionError(e) || (e as { code?: unknown } | null)?.code === "57014") {
    const items = e instanceof LakeUnavailableError ? e.items : undefined;
    return new HttpError(503, "lake_unavailable", "the document store is unavailable; documents not listed as written were not stored, retry them", items ? { items } : undefined);
  }
  if (e instanceof LakeInputError) return new HttpError(400, "invalid_document", e.message);
  if (e instanceof LakeConflictError) return new HttpError(409, "kind_conflict", e.message);
  return e;
}

/** An async lake handler whose errors reach express as `lakeError` gives them. */
export const lakeHandler =
  (fn: RequestHandler): RequestHandler =>
  async (req, res, next) => {
    try {
      await fn(req, res, next);
    } catch (e) {
      next(lakeError(e));
    }
  };

/** A bare date as `to` means the whole day. */
export function endOfDay(s: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T23:59:59.999Z`) : new Date(s);
}
