import type { FranceTravailOffer } from "../sources/index.js";
import {
  findBoilerplate,
  offerText,
  offerToTrendDocument,
  type CoverageChecker,
  type OfferInput,
} from "./documents.js";
import type { StatedTrendDocument } from "./types.js";

export interface OffersToDocumentsOptions {
  checker: CoverageChecker;
  /** ROME skills with evidence spans for an offer text (the engine's `extractSkills`); without it, no item trends. */
  extractSkills?: (text: string) => Promise<{ code: string; evidence: { start: number; end: number }[] }[]>;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Offers from a France Travail JSONL dump → TrendDocuments, the same way the lake would hold them:
 * métiers from the offer's own ROME code, compétences and uncovered phrases from the text pipeline.
 * Offers without a valid date are skipped (a trend needs a date).
 */
export async function offersToTrendDocuments(
  offers: readonly FranceTravailOffer[],
  opts: OffersToDocumentsOptions,
): Promise<StatedTrendDocument[]> {
  const dated = offers.filter((o) => o.dateCreation && !Number.isNaN(Date.parse(o.dateCreation)));
  const inputs: OfferInput[] = dated.map((o) => ({
    id: o.id,
    source: o.source_dataset ?? "unknown",
    date: new Date(o.dateCreation!),
    title: o.intitule ?? "",
    description: o.description ?? "",
    metiers: [o.romeCode.toUpperCase()],
  }));
  const boilerplate = findBoilerplate(inputs.map(offerText));
  const out: StatedTrendDocument[] = [];
  for (const [i, input] of inputs.entries()) {
    const skills = opts.extractSkills ? await opts.extractSkills(offerText(input)) : undefined;
    out.push(offerToTrendDocument({ ...input, ...(skills ? { skills } : {}) }, opts.checker, boilerplate));
    opts.onProgress?.(i + 1, inputs.length);
  }
  return out;
}
