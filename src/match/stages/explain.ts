import { dotEach } from "../../embed/index.js";
import type { EngineContext } from "../context.js";
import { explainFiche } from "../explain.js";
import type { FicheFeatures, RankWeights } from "../rank.js";
import type { ExtractedSkill, MetierMatch } from "../types.js";
import { round } from "../../numbers.js";
import { EXEMPLAR_FEATURES } from "./features.js";
import type { Prepared } from "./prepare.js";
import type { Ranking } from "./rank.js";

/** The features behind each part of the score breakdown (title, body; labelled offers: EXEMPLAR_FEATURES). */
const TITLE_FEATURES = ["titleLex", "titleVec", "titleAppellation"] as const;
const BODY_FEATURES = ["bodyLex", "bodyVec"] as const;

/** The text's own ROME evidence for a pooled fiche: the title and body parts of its breakdown. */
export interface Evidence {
  title: number;
  body: number;
}

/** Why a shown fiche matches. */
export interface Explanation extends Pick<
  MetierMatch,
  "appellation" | "sharedMacroCompetences" | "missingMacroCompetences" | "unusedSkills"
> {
  /** The labelled offers' part of its breakdown. */
  exemplars: number;
}

export interface Explained {
  /** Per pooled fiche, in pool order (the status's conflict test reads them all). */
  evidence: Evidence[];
  /** Per shown fiche (the pool's first topK). */
  metiers: Explanation[];
  /** Frequent phrases of the text that no ROME item covers. */
  uncoveredPhrases: string[];
}

/**
 * Stage 6: the breakdown's parts of the pooled fiches and, for the shown ones, the best appellation, the MCs shared
 * and missing and the unused skills (`full` false: codes and scores only, as the lake asks). Shared MCs read the
 * stated `skills` (as the MC part of the score); `reported` (the answer's skills, the targeted pass's included) keep
 * an MC they show out of the missing ones: a bakery offer's answer listed "Défourner des pains" among its skills and
 * the bakery MC as missing.
 */
export function explain(
  ctx: EngineContext,
  p: Prepared,
  skills: readonly ExtractedSkill[],
  features: FicheFeatures,
  ranking: Ranking,
  topK: number,
  full: boolean,
  reported: readonly ExtractedSkill[] = skills,
): Explained {
  const { weights } = ranking.model;
  const codes = ctx.lexicon.ficheCodes;
  // A code of an earlier referential stands for the fiches it absorbed too: its evidence is the best of theirs.
  const evidence = ranking.pool.map(({ row, merged }) =>
    [row, ...(merged ?? [])]
      .map((r) => ({
        title: partScore(features, weights, TITLE_FEATURES, r),
        body: partScore(features, weights, BODY_FEATURES, r),
      }))
      .reduce((a, b) => (b.title + b.body > a.title + a.body ? b : a)),
  );
  const shown = new Set<string>();
  for (const s of reported) {
    const mc = s.kind === "macro-competence" ? s.code : s.macroCompetence;
    if (mc) shown.add(mc);
  }
  const metiers = ranking.pool.slice(0, topK).map(({ row }): Explanation => {
    const exemplars = partScore(features, weights, EXEMPLAR_FEATURES, row);
    const code = codes[row]!;
    if (full) {
      return {
        exemplars,
        appellation: bestAppellation(ctx, code, p),
        ...explainFiche(ctx.referential, code, skills, shown),
      };
    }
    return { exemplars, appellation: null, sharedMacroCompetences: [], missingMacroCompetences: [], unusedSkills: [] };
  });
  const covered = skills.flatMap((s) => s.evidence);
  return { evidence, metiers, uncoveredPhrases: ctx.coverage(p.units, covered).map((u) => u.key) };
}

/** One part of a fiche's score breakdown: the weighted mean of its features (0..1); 0 when they all weigh 0. */
function partScore(f: FicheFeatures, w: RankWeights, keys: readonly (keyof FicheFeatures)[], i: number): number {
  let sum = 0;
  let weight = 0;
  for (const k of keys) {
    sum += w[k] * f[k][i]!;
    weight += w[k];
  }
  return weight > 0 ? sum / weight : 0;
}

/** The fiche's appellation nearest the title's vector (the body's without a title). */
function bestAppellation(ctx: EngineContext, code: string, p: Prepared): MetierMatch["appellation"] {
  const fiche = ctx.referential.fiches.get(code)!;
  const probe = p.titleVec ?? p.bodyVec;
  if (!probe) return null;
  const codes = fiche.appellations.filter((a) => ctx.appRow.has(a));
  const rows = codes.map((a) => ctx.indexes.appellations.vectorAt(ctx.appRow.get(a)!));
  // Rows two at a time (dotEach): a fiche has 8 appellations on average, the ten fiches of an answer ~130.
  const scores = new Float64Array(rows.length);
  dotEach(probe, rows, scores);
  let best: { code: string; libelle: string; score: number } | null = null;
  codes.forEach((a, j) => {
    const s = scores[j]!;
    // Compared with the rounded best, as shown: of two appellations within rounding, the first listed stays.
    if (!best || s > best.score) {
      best = { code: a, libelle: ctx.referential.appellations.get(a)!.libelle, score: round(s, 3) };
    }
  });
  return best;
}
