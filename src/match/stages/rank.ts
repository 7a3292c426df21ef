import { topK as topKRows } from "../../text/index.js";
import { mergeInForce, type EarlierCodes } from "../coded.js";
import type { EngineContext } from "../context.js";
import {
  featuresUsed,
  RANK_MODEL,
  RANK_MODEL_NO_TITLE,
  rankScores,
  sharesOf,
  type FicheFeatures,
  type RankModel,
} from "../rank.js";
import type { Prepared } from "./prepare.js";

/**
 * A fiche of the ranked pool: its row, the child that placed it when it is a lifted parent (or the best of the fiches
 * it absorbed when the list is of earlier codes), its ranking score; `merged`: the fiches created since the earlier
 * referential whose confidences its own includes (lists of earlier codes only).
 */
export interface Pooled {
  row: number;
  parentOf: number | null;
  rankScore: number;
  merged?: number[];
}

/** What ranking gives the later stages: at least ten fiches (more with a larger topK), their confidences and scores. */
export interface Ranking {
  model: RankModel;
  pool: Pooled[];
  /** The earlier referential whose codes the pool lists (`codedAt`, `romeVersion`); null: today's. */
  then: EarlierCodes | null;
  /**
   * Softmax confidence of each pooled fiche, in pool order (a list without lifted parents: each fiche's share of the
   * list with them, so that it sums to less than 1).
   */
  conf: number[];
  /** Per fiche row: the model's score (linear part + interactions) and its interactions part. */
  totals: Float64Array;
  interactions: Float64Array;
}

/** The ranking model `match` uses for a text with or without a title. */
export function modelFor(title: string | undefined): RankModel {
  return (title ?? "").trim() ? RANK_MODEL : RANK_MODEL_NO_TITLE;
}

const usedBy = new Map<RankModel, ReadonlySet<keyof FicheFeatures>>();

/** The features a ranking model reads (computed once per model). */
export function featuresUsedBy(model: RankModel): ReadonlySet<keyof FicheFeatures> {
  let used = usedBy.get(model);
  if (!used) usedBy.set(model, (used = featuresUsed(model)));
  return used;
}

/**
 * Stage 4: the model's scores, the best fiches with the parents their children lift, and their confidences. With
 * `then`, the list is of the codes in force then: fiches created since merge into the code they came from
 * (`mergeInForce`) before parents are lifted. `liftParents` false (a text coded while today's referential was in
 * force, `codedToday`): no parent is lifted, each is listed on its own score only.
 */
export function rank(
  ctx: EngineContext,
  p: Prepared,
  features: FicheFeatures,
  model: RankModel,
  topK: number,
  then: EarlierCodes | null = null,
  liftParents = true,
): Ranking {
  const { ranked, totals, interactions, productsOf } = rankScores(features, model);
  // A text of stopwords only states nothing: "empty", not métiers from the priors and the labelled offers.
  const states = p.titleStems.length + p.stems.reduce((n, x) => n + x.length, 0) > 0;
  const positive = states ? ranked.filter((i) => totals[i]! > 0) : [];
  const size = Math.max(topK, 10);
  const parentOf = (i: number) => ctx.parentRow[i]!;
  const lift = parentLift(model.temperature);
  const candidates = topKRows(positive, totals, size * 2);
  const merged = then ? mergeInForce(candidates, totals, then.rowThen, model.temperature) : null;
  const order = merged?.order ?? candidates;
  const scores = merged?.scores ?? totals;
  const lifted = withParents(order, scores, parentOf, lift).slice(0, size);
  // The lift keeps in sight a code given before the split; whoever coded with today's codes had the children (in the
  // dev offers coded since, matched without memory, lifted parents were the label in 16 of the 861 first-five places
  // they took). Such a list leaves them out, but its confidences stay shares of the lifted list: renormalised without
  // the parents' shares, 2.4 % more dev offers became `confident` at top-1 0.48 (leave-one-source-out).
  const pool = liftParents ? lifted : withParents(order, scores, (i) => i, lift).slice(0, size);
  const conf = sharesOf(
    pool.map((x) => x.rankScore),
    lifted.map((x) => x.rankScore),
    model.temperature,
  );
  if (merged) {
    for (const x of pool) {
      const rows = merged.members.get(x.row);
      if (!rows) continue;
      x.merged = rows;
      // The fiche that placed the code: the best of those it absorbed, when one outscores its own fiche.
      if (totals[rows[0]!]! > totals[x.row]!) x.parentOf = rows[0]!;
    }
  }
  // A parent its child lifted may come from below the reranked fiches: its breakdown gets its products too, so that
  // every shown total is the model's score (its place, and so its confidence, come from the lift).
  const reranked = new Set(ranked);
  for (const { row } of pool) if (!reranked.has(row)) totals[row]! += interactions[row] = productsOf(row);
  return { model, pool, then, conf, totals, interactions };
}

/**
 * ROME 4.0 split fiches into children (`code_rome_parent`); systems and offers coded before a split still use
 * the parent code. So each split fiche of `order` lifts its parent to at least its own score less `lift` (see
 * PARENT_ODDS) and brings it into the list; such a parent is marked `parentOf` (the child that placed it). Returns
 * `order` and those parents by score, ties by row. A lift rather than a parent forced right under every child: that
 * took two of the first five places on average and pushed other fiches out (docs/matching.md).
 */
export function withParents(
  order: readonly number[],
  totals: ArrayLike<number>,
  parentOf: (row: number) => number,
  lift: number,
): Pooled[] {
  const listed = new Map<number, Pooled>();
  for (const i of order) if (!listed.has(i)) listed.set(i, { row: i, parentOf: null, rankScore: totals[i]! });
  for (const i of order) {
    const p = parentOf(i);
    if (p === i) continue;
    const lifted = totals[i]! - lift;
    const entry = listed.get(p);
    if (!entry) listed.set(p, { row: p, parentOf: i, rankScore: Math.max(totals[p]!, lifted) });
    else if (lifted > entry.rankScore) Object.assign(entry, { parentOf: i, rankScore: lifted });
  }
  return [...listed.values()].sort((a, b) => b.rankScore - a.rankScore || a.row - b.row);
}

/**
 * A split fiche lifts its parent to at least 1/PARENT_ODDS of its own fitted probability (a score lift of
 * temperature·ln PARENT_ODDS): high enough that a pre-split code stays in sight, low enough that it does not crowd
 * out other fiches.
 */
export const PARENT_ODDS = 5;

/** The score lift of PARENT_ODDS under a softmax at `temperature` (the tuner's fitted scores are at temperature 1). */
export const parentLift = (temperature: number): number => temperature * Math.log(PARENT_ODDS);
