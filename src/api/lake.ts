/** What the lake's routes share: the lake or a 503 when the server runs without it, and database errors as 503s. */
import { CodedError } from "../errors.js";
import { LakeUnavailableError, isConnectionError, type Lake } from "../lake/index.js";

export function lakeOf(ctx: { lake?: Lake }): Lake {
  if (!ctx.lake) throw new CodedError("lake_disabled");
  return ctx.lake;
}

/**
 * Lost connections and timeouts → 503 lake_unavailable (with the batch items written so far); the lake's own
 * coded errors (invalid_document, kind_conflict) pass as they are; everything else stays a 500.
 */
export function lakeError(e: unknown): unknown {
  if (e instanceof CodedError && !(e instanceof LakeUnavailableError)) return e;
  // 57014: statement_timeout (the database is too slow right now), like an outage for the caller: retry later.
  if (e instanceof LakeUnavailableError || isConnectionError(e) || (e as { code?: unknown } | null)?.code === "57014") {
    const items = e instanceof LakeUnavailableError ? e.items : undefined;
    const message = "the document store is unavailable; documents not listed as written were not stored, retry them";
    return new CodedError("lake_unavailable", message, items ? { details: { items } } : {});
  }
  return e;
}

/** A bare date as `to` means the whole day. */
export function endOfDay(s: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T23:59:59.999Z`) : new Date(s);
}
