import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * France Travail's offer format, read once for the engine (labelled offers), the lake and trends.
 */

/** A labelled offer: an offer whose ROME code is known, as the labelled-offer memory reads it. */
export interface LabelledOfferLine {
  id: string;
  title: string;
  text: string;
  romeCode: string;
  /** The ROME items (compétences, macro-compétences, savoirs: code_ogr) the recruiter attached, when the offer has them. */
  competences?: readonly string[];
}

/** One line of an offers file in the format of France Travail's "Offres d'emploi v2" dumps (shared/eval). */
export const FranceTravailOffer = z.object({
  id: z.string(),
  intitule: z.string().nullish(),
  description: z.string().nullish(),
  romeCode: z.string(),
  origineOffre_origine: z.string().nullish(),
  competences: z
    .array(
      z.object({ code: z.coerce.string().nullish(), libelle: z.string().nullish(), exigence: z.string().nullish() }),
    )
    .nullish(),
  dateCreation: z.string().nullish(),
  source_dataset: z.string().nullish(),
});
export type FranceTravailOffer = z.infer<typeof FranceTravailOffer>;

/** Reads a JSONL offers file; a malformed line is an error naming the line. */
export function readOffers(file: string, limit?: number): FranceTravailOffer[] {
  const out: FranceTravailOffer[] = [];
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length && (limit === undefined || out.length < limit); i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
    const r = FranceTravailOffer.safeParse(json);
    if (!r.success)
      throw new Error(`${file}:${i + 1}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    out.push(r.data);
  }
  return out;
}

/** One offer as a memory exemplar: its own code (the one in force when it was coded) and its ROME items. */
export function labelledOfferLine(o: FranceTravailOffer): LabelledOfferLine {
  return {
    id: o.id,
    title: o.intitule ?? "",
    text: o.description ?? "",
    romeCode: o.romeCode,
    competences: (o.competences ?? []).flatMap((c) => (c.code ? [c.code] : [])),
  };
}

/**
 * The labelled-offer memory's exemplars from one or more offers files (LABELLED_OFFERS). Several files make one
 * memory; an id found again (an offer re-coded, e.g. by feedback) keeps its last line.
 */
export function readLabelledOffers(files: readonly string[]): LabelledOfferLine[] {
  return lastById(files.flatMap((file) => readOffers(file).map(labelledOfferLine)));
}

/** One line per id, the last one found, at the place of the first: how several labelled-offer sources make one memory. */
export function lastById<T extends { id: string }>(lines: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const l of lines) byId.set(l.id, l);
  return [...byId.values()];
}
