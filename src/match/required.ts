import type { CoeurMetier, Fiche, Referential } from "../rome/index.js";
import type { ItemChoices } from "./exemplars.js";
import { cmpCode } from "../skills/index.js";

/**
 * What the offer-coding model reads of one candidate item (compétence or savoir of one of the most probable fiches):
 * would a recruiter attach it to this offer? France Travail's recruiters pick an offer's ROME items from its fiche,
 * mostly items the text never states word for word ("Hôte de caisse" → "Procéder à l'encaissement"): so the text's
 * evidence counts, but so do the fiches' core items and what the labelled offers of the same codes, and those most
 * like the text, chose. The fiche features are sums over the fiches that hold the item, each weighted by its
 * confidence: an item the first two fiches share is surer than one of the first alone, and an unsure ranking makes
 * unsure items.
 */
export interface RequiredFeatures {
  /** Best evidence score of the item in the text (open extraction or the targeted pass over the best fiche), 0 if none. */
  evidence: number;
  /** 1 when the text shows the item at all. */
  shown: number;
  /** 1 for a savoir (recruiters pick compétences more often). */
  savoir: number;
  /** ln(1 + labelled offers of any code that chose the item or its macro-compétence). */
  popularity: number;
  /** Σ confidence of the fiches that list the item. */
  inFiches: number;
  /** Σ confidence of the fiches that mark it coeur de métier "Principale". */
  principale: number;
  /** Σ confidence × (labelled offers of the fiche that chose the item or its MC) / (offers of the fiche with items + 1). */
  share: number;
  /** Σ confidence of the fiches that hold it and have labelled offers with items (where `share` says something). */
  coded: number;
  /**
   * Of the labelled offers with items most like the text, whatever their codes, the similarity-weighted share that
   * chose the item or its MC.
   */
  neighbours: number;
}

export const REQUIRED_FEATURES = [
  "evidence",
  "shown",
  "savoir",
  "popularity",
  "inFiches",
  "principale",
  "share",
  "coded",
  "neighbours",
] as const satisfies readonly (keyof RequiredFeatures)[];

/** A logistic model over RequiredFeatures, and which items a match reports. */
export interface RequiredModel {
  bias: number;
  weights: RequiredFeatures;
  /** Candidates are the items of this many of the best-ranked fiches. */
  fiches: number;
  /** Items at least this probable are reported… */
  minProbability: number;
  /** …at most this many. */
  max: number;
}

/**
 * Fitted by `npm run tune:required` (scripts/tune-required.ts) on the dev offers that carry recruiters' ROME items
 * (grouped 5-fold CV, the labelled-offer statistics of each offer's fold): logistic regression over the items of each
 * offer's three best fiches, those they list and those their labelled offers chose (589 offers, 80,752 candidates).
 * What weighs: the confidence-weighted share of the fiches' labelled offers that chose the item (4.5), the share of
 * the ten most similar labelled offers with items that chose it (4.2), the confidence of the fiches that list it
 * (1.4), the text's evidence (1.2); savoirs less (−1.0). How it grew (precision / recall at about 0.7 precision):
 * the best fiche's list alone 0.70 / 0.30; the three best fiches' 0.71 / 0.35 (five: F1 0.506 against 0.512);
 * with the items their labelled offers chose beyond the lists 0.71 / 0.40 (a quarter of the recruiters' items are
 * not in their fiche's list); with the similar offers' choices 0.72 / 0.42. At 0.3: 4.1 items an offer, 72 % of
 * them chosen by the recruiter (or under a macro-compétence the recruiter chose), 42 % of the recruiter's items
 * found (0.15: 0.62 / 0.46, the best F1 by 0.004; 0.2: 0.66 / 0.44; 0.4: 0.75 / 0.39).
 */
export const REQUIRED_MODEL: RequiredModel = {
  bias: -4.3255,
  weights: {
    evidence: 1.2031,
    shown: -0.024,
    savoir: -0.9992,
    popularity: 0.3747,
    inFiches: 1.4438,
    principale: 0.5163,
    share: 4.5049,
    coded: -1.3803,
    neighbours: 4.212,
  },
  fiches: 3,
  minProbability: 0.3,
  max: 10,
};

/**
 * The model without labelled offers that carry items (`LABELLED_OFFERS=none`, or a file without `competences`):
 * `share`, `coded`, `popularity` and `neighbours` are 0, so only the text's evidence and the fiches speak. Fitted by
 * `npm run tune:required -- --uncoded` (the same offers and folds, matched without labelled offers): the text's
 * evidence (1.4), coeur de métier (1.2) and the fiches' confidence (0.9) raise an item, savoirs fall (−1.9). Far
 * weaker than with recruiters' choices: at 0.15, in cross-validation, precision 0.21 / recall 0.18, 4.3 items an
 * offer (0.1: 0.19 / 0.23; 0.2: 0.25 / 0.12); still 4× the precision of the text's evidence alone (0.047).
 */
export const REQUIRED_MODEL_UNCODED: RequiredModel = {
  bias: -3.2718,
  weights: {
    evidence: 1.363,
    shown: 0.1221,
    savoir: -1.9331,
    popularity: 0,
    inFiches: 0.8848,
    principale: 1.1982,
    share: 0,
    coded: 0,
    neighbours: 0,
  },
  fiches: 3,
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
  /** Best evidence score in the text, 0 when the text does not show it. */
  evidence: number;
}

/**
 * One of the best-ranked fiches that holds the item: lists it, or has labelled offers that chose it (a quarter of
 * recruiters' items are not among their fiche's: ROME's lists are not closed, and offers coded before a split name
 * their items under the parent).
 */
export interface ItemHolder {
  /** The fiche's confidence in the ranking. */
  confidence: number;
  /** The fiche lists the item (false: only its labelled offers chose it). */
  listed: boolean;
  /** How the fiche marks the item (null when it does not list it). */
  coeurMetier: CoeurMetier;
  /** How the fiche's labelled offers were coded. */
  choices: ItemChoices;
}

/** A labelled offer with items like the text: what it chose, and how like the text it is (0..1). */
export interface CodedNeighbour {
  items: ReadonlySet<string>;
  weight: number;
}

/**
 * The features of a candidate item held by `holders` (one entry a fiche). `total(code)`: labelled offers of any code
 * that chose an item. An item counts as chosen when it or its macro-compétence was (recruiters often pick the MC
 * itself).
 */
export function requiredFeatures(
  item: RequiredItem,
  holders: readonly ItemHolder[],
  total: (code: string) => number,
  neighbours: readonly CodedNeighbour[] = [],
): RequiredFeatures {
  const mc = item.macroCompetence;
  const x: RequiredFeatures = {
    evidence: item.evidence,
    shown: item.evidence > 0 ? 1 : 0,
    savoir: item.kind === "savoir" ? 1 : 0,
    popularity: Math.log1p(total(item.code) + (mc ? total(mc) : 0)),
    inFiches: 0,
    principale: 0,
    share: 0,
    coded: 0,
    neighbours: 0,
  };
  let mass = 0;
  for (const { items, weight } of neighbours) {
    mass += weight;
    if (items.has(item.code) || (mc !== null && items.has(mc))) x.neighbours += weight;
  }
  if (mass > 0) x.neighbours /= mass;
  for (const { confidence, listed, coeurMetier, choices } of holders) {
    const chosen = (choices.chosen.get(item.code) ?? 0) + (mc ? (choices.chosen.get(mc) ?? 0) : 0);
    if (listed) x.inFiches += confidence;
    if (coeurMetier === "principale") x.principale += confidence;
    x.share += (confidence * chosen) / (choices.offers + 1);
    if (choices.offers > 0) x.coded += confidence;
  }
  return x;
}

/** An item the labelled offers of a fiche chose, for showing how recruiters code it. */
export interface ChosenItem {
  code: string;
  kind: "competence" | "savoir" | "macroCompetence";
  libelle: string;
  /** The fiche lists it (a macro-compétence: one of its compétences). */
  listed: boolean;
  /** Labelled offers of the fiche that chose it, over those that carry items. */
  share: number;
}

/**
 * What the labelled offers of `fiche` chose (`choices`), most chosen first, at most `max`: what recruiters ask for
 * this métier in practice, beside what ROME lists. Codes the referential does not know are left out.
 */
export function chosenItems(referential: Referential, fiche: Fiche, choices: ItemChoices, max = 20): ChosenItem[] {
  const listed = new Set([...fiche.competences, ...fiche.savoirs, ...fiche.macroCompetences].map((l) => l.code));
  for (const mc of referential.ficheMacroCompetences(fiche.code).keys()) listed.add(mc);
  const out: ChosenItem[] = [];
  for (const [code, n] of choices.chosen) {
    const kind = referential.itemKind(code);
    if (kind !== "competence" && kind !== "savoir" && kind !== "macro-competence") continue;
    out.push({
      code,
      kind: kind === "macro-competence" ? "macroCompetence" : kind,
      libelle: referential.itemLabel(code)!,
      listed: listed.has(code),
      share: n / choices.offers,
    });
  }
  return out.sort((a, b) => b.share - a.share || cmpCode(a.code, b.code)).slice(0, max);
}
