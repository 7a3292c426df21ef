import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ExtractedSkill } from "./types.js";

/** One line of an offers file in the format of France Travail's "Offres d'emploi v2" dumps (shared/eval). */
export const EvalOffer = z.object({
  id: z.string(),
  intitule: z.string().nullish(),
  description: z.string().nullish(),
  romeCode: z.string(),
  origineOffre_origine: z.string().nullish(),
  competences: z.array(z.object({ code: z.coerce.string().nullish(), libelle: z.string().nullish(), exigence: z.string().nullish() })).nullish(),
  dateCreation: z.string().nullish(),
  source_dataset: z.string().nullish(),
});
export type EvalOffer = z.infer<typeof EvalOffer>;

/** Reads a JSONL offers file; a malformed line is an error naming the line. */
export function readOffers(file: string, limit?: number): EvalOffer[] {
  const out: EvalOffer[] = [];
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
    const r = EvalOffer.safeParse(json);
    if (!r.success) throw new Error(`${file}:${i + 1}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    out.push(r.data);
  }
  return out;
}

export interface RankRecord {
  gold: string;
  /** 1-based rank of the gold code in the prediction list, or null when absent. */
  rank: number | null;
  origin: string;
}

export interface RankFigures {
  n: number;
  top1: number;
  top3: number;
  top5: number;
  top10: number;
  mrr: number;
}

export function rankOf(predicted: readonly string[], gold: string): number | null {
  const i = predicted.indexOf(gold);
  return i < 0 ? null : i + 1;
}

export function rankFigures(records: readonly RankRecord[]): RankFigures {
  const n = records.length;
  const at = (k: number) => (n ? records.filter((r) => r.rank !== null && r.rank <= k).length / n : 0);
  const mrr = n ? records.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / n : 0;
  return { n, top1: r4(at(1)), top3: r4(at(3)), top5: r4(at(5)), top10: r4(at(10)), mrr: r4(mrr) };
}

/** Top-1 averaged over gold codes, so that the many IT offers do not hide the rest. */
export function macroTop1(records: readonly RankRecord[]): number {
  const by = new Map<string, { hit: number; n: number }>();
  for (const r of records) {
    const e = by.get(r.gold) ?? { hit: 0, n: 0 };
    e.n++;
    if (r.rank === 1) e.hit++;
    by.set(r.gold, e);
  }
  const vals = [...by.values()].map((e) => e.hit / e.n);
  return r4(vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : 0);
}

export function byOrigin(records: readonly RankRecord[]): Record<string, RankFigures> {
  const groups = new Map<string, RankRecord[]>();
  for (const r of records) groups.set(r.origin, [...(groups.get(r.origin) ?? []), r]);
  return Object.fromEntries([...groups.entries()].sort().map(([k, v]) => [k, rankFigures(v)]));
}

/**
 * Skill agreement with the recruiter's chosen ROME items. An extracted compétence matches a gold item when
 * the codes are equal or the gold item is its macro-compétence (recruiters often pick the MC itself).
 * Precision: share of extracted items that match a gold item; recall: share of gold items matched.
 */
export function skillAgreement(extracted: readonly ExtractedSkill[], gold: readonly string[]): { tp: number; predicted: number; goldMatched: number; gold: number } {
  const goldSet = new Set(gold);
  const matches = (s: ExtractedSkill, g: string) => s.code === g || (s.macroCompetence !== null && s.macroCompetence === g);
  const tp = extracted.filter((s) => goldSet.has(s.code) || (s.macroCompetence !== null && goldSet.has(s.macroCompetence))).length;
  const goldMatched = [...goldSet].filter((g) => extracted.some((s) => matches(s, g))).length;
  return { tp, predicted: extracted.length, goldMatched, gold: goldSet.size };
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;
