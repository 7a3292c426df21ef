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

/** Probability that a recruiter attaches the item, under `model`. */
export function requiredProbability(x: RequiredFeatures, model: RequiredModel): number {
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
