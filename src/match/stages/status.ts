import type { EngineContext } from "../context.js";
import { matchStatus, type MatchStatus, type StatusReason } from "../status.js";
import type { Evidence } from "./explain.js";
import type { Ranking } from "./rank.js";

/** Stage 7: confident, uncertain or empty, over the whole pool (at least ten fiches), whatever topK shows. */
export function status(
  ctx: EngineContext,
  ranking: Ranking,
  evidence: readonly Evidence[],
): { status: MatchStatus; statusReason: StatusReason | null; margin: number; evidenceLeader: string | null } {
  const codes = ctx.lexicon.ficheCodes;
  return matchStatus(
    ranking.pool.map(({ row }, k) => ({
      code: codes[row]!,
      confidence: ranking.conf[k]!,
      evidence: evidence[k]!.title + evidence[k]!.body,
    })),
  );
}
