import type { Config } from "../config.js";
import type { Lake } from "../lake/index.js";
import type { Matcher, Engine, FeedbackLearning } from "../match/index.js";
import { Admission } from "./admission.js";
import type { Auth } from "./auth.js";

/** What route modules receive. Optional parts are absent when the service runs without them. */
export interface AppContext {
  config: Config;
  engine: Engine;
  /** Who runs /v1/match and skill extraction: a MatchPool (MATCH_THREADS) or, by default, the engine itself. */
  matcher?: Matcher;
  auth: Auth;
  /** The document lake (offers, CVs); absent when the service runs without it (lake routes answer 503). */
  lake?: Lake;
  /** Feedback learned live (FEEDBACK_REFRESH_SECONDS): verdicts schedule a memory refresh; absent: off. */
  learning?: FeedbackLearning;
  /** Bounded queue of the compute-heavy routes (match, extract, ingest); made from the config when absent. */
  admission?: Admission;
}

/** The context's admission, made once from the config: one slot per match thread (1 in the event-loop thread). */
export function admissionOf(ctx: AppContext): Admission {
  ctx.admission ??= new Admission({
    concurrency: ctx.matcher && ctx.config.matchThreads > 0 ? ctx.config.matchThreads : 1,
    maxWaitMs: ctx.config.matchQueueMs,
    maxQueued: ctx.config.matchQueueMax,
  });
  return ctx.admission;
}
