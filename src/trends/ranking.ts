/**
 * Phrase quality and the final order of the detector's findings (analysis and backtest alike).
 */
import { round } from "../numbers.js";

/**
 * The final order of flagged phrases (analysis and backtest alike):
 * rank = termhood × (salience + trendScore) × stated × whole.
 * Termhood is the phrase's cosine to the nearest label of the referential it was read with: among phrases no
 * label says, those worded like ROME items ("sens du service client") are the candidates for a new item, market
 * wording ("poste à pourvoir", "équipe dynamique") is not. `stated` = (1 + share) / 2, where share is the part of
 * the phrase's documents that say it in a statement also naming a ROME item: a compétence is listed among
 * compétences ("rigueur, sens des responsabilités, esprit d'initiative"), recruiting prose is not ("relever un
 * nouveau challenge", "poste à pourvoir immédiatement"). `whole` = (1 + share) / 2, where share is the part of its
 * documents where one occurrence stands whole in its statement, starting and ending at an item's boundary
 * (documents.ts `wholeKeys`): a compétence is named as an item ("rigueur, esprit d'initiative"), a window cut out of
 * a longer frame is not ("doté d'un bon [relationnel]", "goût du travail [bien fait]"). Salience and trend as in
 * detector.ts.
 */
export const RANKING = {
  /** Termhood of a phrase whose words the model does not know (a new tool's name): neutral, neither kept nor buried. */
  unknownTermhood: 0.5,
  /** Rising phrases (a significant within-source rise) before widespread ones: what "emerging" means when time can be measured. */
  risingFirst: true,
} as const;

/** Termhood from the attacher's nearest-label similarity (0 when the model knows none of the words). */
export function termhoodOf(nearestSimilarity: number | undefined): number {
  return nearestSimilarity === undefined || nearestSimilarity <= 0
    ? RANKING.unknownTermhood
    : Math.min(1, nearestSimilarity);
}

/**
 * The share of a phrase's documents that say it in a statement also naming a ROME item; undefined when the counts
 * hold no statements (offers read without skills: `--no-skills`), which makes the ranking neutral on it.
 */
export function statedShare(
  stated: ReadonlyMap<string, number> | undefined,
  s: { key: string; support: number },
): number | undefined {
  return stated ? (stated.get(s.key) ?? 0) / Math.max(1, s.support) : undefined;
}

/**
 * The share of a phrase's documents where it stands whole in its statement; undefined (a neutral factor) when unknown
 * or when the factor is off. The factor is the config's `trendsWholeFactor` (TRENDS_WHOLE_FACTOR=1), passed by the
 * analysis, the lake's worker and the backtest alike (the lake counts the share either way). Session 26 measured it:
 * it raises p@10 and, at support 10, adds adoptions, but at the default support it moves no p@20 and lowers a
 * held-out half by one of the engine yardstick's artefacts (docs/trends.md), so it is off by default.
 */
export function wholeShare(
  whole: ReadonlyMap<string, number> | undefined,
  s: { key: string; support: number },
  on: boolean,
): number | undefined {
  // The same share of a phrase's documents as statedShare, over the documents where it stands whole.
  return on ? statedShare(whole, s) : undefined;
}

/** (1 + share) / 2: ½ is the floor (a phrase never said so is halved, not dropped); 1 when the share is unknown. */
function shareFactor(share: number | undefined): number {
  return share === undefined ? 1 : (1 + Math.min(1, Math.max(0, share))) / 2;
}

/**
 * The ranking score of a flagged phrase: termhood × (salience + trend) × (1 + statedShare) / 2 × (1 + wholeShare) / 2.
 * An unknown share (no skills were read; documents stored before the lake kept the list) gives the factor 1.
 */
export function rankScore(
  s: { salience: number; trendScore: number },
  termhood: number,
  statedShare?: number,
  wholeShare?: number,
): number {
  return round(termhood * (s.salience + s.trendScore) * shareFactor(statedShare) * shareFactor(wholeShare), 4);
}

/**
 * Phrase quality, before any statistics: every word of the key has at least three characters, one a letter,
 * and does not start with a digit. Truncated or split words ("st", "ca", "ve" of "réactif(ve)"), times and
 * amounts ("12h"), HTML entities ("#039") are artefacts of the texts, never a compétence.
 */
export function wellFormedPhrase(key: string): boolean {
  const stems = key.split(" ");
  return stems.length > 0 && stems.every((w) => w.length >= 3 && /^\p{L}/u.test(w));
}

/** True when the words of `short` appear contiguously, in order, inside `long`. */
export function containsPhrase(long: string, short: string): boolean {
  return ` ${long} `.includes(` ${short} `);
}
