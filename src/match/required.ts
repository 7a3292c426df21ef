import type { CoeurMetier } from "../rome/index.js";
import type { ItemChoices } from "./exemplars.js";

/**
 * What the offer-coding model reads of one item (compétence or savoir) of the best-ranked fiche: would a recruiter
 * attach it to this offer? France Travail's recruiters pick an offer's ROME items from its fiche, mostly items the
 * text never states word for word ("Hôte de caisse" → "Procéder à l'encaissement"): so the text's evidence counts, but
 * so do the fiche's core items and what the labelled offers of the same code chose.
 */
export interface RequiredFeatures {
  /** Best evidence score of the item in the text (open extraction or the targeted pass over the fiche), 0 if none. */
  evidence: number;
  /** 1 when the text shows the item at all. */
  shown: number;
  /** 1 when the fiche marks the item coeur de métier "Principale". */
  principale: number;
  /** 1 for a savoir (recruiters pick compétences more often). */
  savoir: number;
  /** Labelled offers of the fiche that chose the item or its macro-compétence, over (offers of the fiche with items + 1). */
  share: number;
  /** ln(1 + labelled offers of any code that chose the item or its macro-compétence). */
  popularity: number;
  /** 1 when some labelled offer of the fiche carries ROME items (else `share` says nothing). */
  coded: number;
  /** The fiche's confidence (first of the list): items of an unsure fiche are unsure too. */
  confidence: number;
}

export const REQUIRED_FEATURES = ["evidence", "shown", "principale", "savoir", "share", "popularity", "coded", "confidence"] as const satisfies readonly (keyof RequiredFeatures)[];

/** A logistic model over RequiredFeatures, and which items a match reports. */
export interface RequiredModel {
  bias: number;
  weights: RequiredFeatures;
  /** Items at least this probable are reported… */
  minProbability: number;
  /** …at most this many. */
  max: number;
}

/**
 * Fitted by `npm run tune:required` (scripts/tune-required.ts) on the dev offers that carry recruiters' ROME items
 * (grouped 5-fold CV, the labelled-offer statistics of each offer's fold): logistic regression over each best
 * fiche's items (589 offers, 29,866 items). What weighs: the share of the fiche's labelled offers that chose the item
 * (5.4 per unit of share), the text's evidence (1.1), the fiche's confidence (1.4); savoirs less (−0.8). At 0.15, the
 * best F1 in cross-validation (0.1: P 0.48 / R 0.34; 0.2: 0.69 / 0.29; 0.3: 0.78 / 0.28): 3.0 items an offer, 61 %
 * of them chosen by the recruiter (or under a macro-compétence the recruiter chose), 31 % of the recruiter's items
 * found.
 */
export const REQUIRED_MODEL: RequiredModel = {
  bias: -3.7806,
  weights: { evidence: 1.1473, shown: -0.0158, principale: 0.3646, savoir: -0.8312, share: 5.3694, popularity: 0.4018, coded: -1.4995, confidence: 1.3919 },
  minProbability: 0.15,
  max: 10,
};

/** Probability that a recruiter attaches the item, under `model`. */
export function requiredProbability(x: RequiredFeatures, model: RequiredModel = REQUIRED_MODEL): number {
  let z = model.bias;
  for (const k of REQUIRED_FEATURES) z += model.weights[k] * x[k];
  return 1 / (1 + Math.exp(-z));
}

/** One candidate item as the model sees it. */
export interface RequiredItem {
  code: string;
  kind: "competence" | "savoir";
  /** A compétence's macro-compétence; null for a savoir. */
  macroCompetence: string | null;
  coeurMetier: CoeurMetier;
  /** Best evidence score in the text, 0 when the text does not show it. */
  evidence: number;
}

/**
 * The features of an item of the best fiche. `choices`: how the fiche's labelled offers were coded; `total(code)`:
 * labelled offers of any code that chose an item. An item counts as chosen when it or its macro-compétence was
 * (recruiters often pick the MC itself).
 */
export function requiredFeatures(item: RequiredItem, choices: ItemChoices, total: (code: string) => number, confidence: number): RequiredFeatures {
  const mc = item.macroCompetence;
  const chosen = (choices.chosen.get(item.code) ?? 0) + (mc ? (choices.chosen.get(mc) ?? 0) : 0);
  const anywhere = total(item.code) + (mc ? total(mc) : 0);
  return {
    evidence: item.evidence,
    shown: item.evidence > 0 ? 1 : 0,
    principale: item.coeurMetier === "principale" ? 1 : 0,
    savoir: item.kind === "savoir" ? 1 : 0,
    share: chosen / (choices.offers + 1),
    popularity: Math.log1p(anywhere),
    coded: choices.offers > 0 ? 1 : 0,
    confidence,
  };
}
