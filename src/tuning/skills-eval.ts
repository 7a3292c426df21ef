import { z } from "zod";
import { round } from "../numbers.js";

/**
 * Scoring of stated-skill extraction against a gold set annotated with `../shared/eval/skills-gold-guide.md`:
 * item, macro-compétence (MC) and relaxed levels, micro-averaged over texts.
 */

export const GoldItem = z.object({
  code: z.string().regex(/^\d+$/, "a ROME code_ogr is digits"),
  kind: z.enum(["competence", "macro-competence", "savoir"]),
  label: z.string().min(1),
  macro: z.string().nullable(),
  span: z.string().min(1),
  confidence: z.enum(["high", "medium"]),
  alternatives: z.array(z.string()).default([]),
});
export type GoldItem = z.infer<typeof GoldItem>;

export const GoldText = z.object({
  id: z.string().min(1),
  kind: z.enum(["offer", "cv"]),
  title: z.string().nullable().optional(),
  /** Optional only when the texts come from elsewhere (`--texts`). */
  text: z.string().optional(),
  items: z.array(GoldItem),
  unmapped: z.array(z.object({ span: z.string(), note: z.string() })).default([]),
});
export type GoldText = z.infer<typeof GoldText>;

/** What the scorer needs of an extracted skill (the shape `POST /v1/skills/extract` returns). */
export interface PredictedSkill {
  code: string;
  libelle: string;
  /** For a compétence, its macro-compétence; null for a savoir. */
  macroCompetence: string | null;
  evidence: readonly { start: number; end: number }[];
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

/** Counts of one text (or summed over texts) at one level. */
export interface LevelCounts {
  /** Predictions (or prediction units) judged right… */
  right: number;
  predicted: number;
  /** …and gold items (or units) found. */
  found: number;
  gold: number;
}

export interface TextCounts {
  item: LevelCounts;
  mc: LevelCounts;
  relaxed: LevelCounts;
}

const STOPWORDS = new Set(
  "a au aux avec ce ces d dans de des du en et l la le les leur leurs ou par pour sur un une vos votre".split(" "),
);

/** The guide's label key: lowercase, no accents, words of ≥ 2 letters or digits but stopwords, cut to 5 letters. */
export function labelKey(label: string): Set<string> {
  const plain = label.toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae").normalize("NFD").replace(/\p{M}/gu, "");
  const words = plain.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1 && !STOPWORDS.has(w));
  return new Set(words.map((w) => w.slice(0, 5)));
}

/** Near labels: their keys share at least half of the smaller key (and at least one word). */
export function labelsNear(a: string, b: string): boolean {
  const ka = labelKey(a);
  const kb = labelKey(b);
  const smaller = Math.min(ka.size, kb.size);
  if (smaller === 0) return false;
  let shared = 0;
  for (const w of ka) if (kb.has(w)) shared++;
  return shared * 2 >= smaller;
}

/** The unit an item stands for at MC level: a compétence its macro-compétence; a savoir or an MC itself. */
export function goldUnit(g: Pick<GoldItem, "code" | "kind" | "macro">): string {
  return g.kind === "competence" && g.macro ? g.macro : g.code;
}

export function predictedUnit(p: Pick<PredictedSkill, "code" | "macroCompetence">): string {
  return p.macroCompetence ?? p.code;
}

/** Character range of a gold span: its first occurrence in the text; null when it does not occur. */
export function spanRange(text: string, span: string): { start: number; end: number } | null {
  const start = text.indexOf(span);
  return start < 0 ? null : { start, end: start + span.length };
}

export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

const itemRight = (p: PredictedSkill, g: GoldItem) => p.code === g.code || g.alternatives.includes(p.code);

/** Right for a gold item at the relaxed level: right at item or MC level, or overlapping spans and near labels. */
export function relaxedRight(p: PredictedSkill, g: GoldItem, text: string): boolean {
  if (itemRight(p, g) || predictedUnit(p) === goldUnit(g)) return true;
  const range = spanRange(text, g.span);
  return range !== null && p.evidence.some((e) => overlaps(e, range)) && labelsNear(p.libelle, g.label);
}

/** Predictions with the same code count once (the first). */
function distinctByCode(predicted: readonly PredictedSkill[]): PredictedSkill[] {
  const seen = new Set<string>();
  return predicted.filter((p) => !seen.has(p.code) && seen.add(p.code));
}

/** Item, MC and relaxed counts of one text. */
export function scoreText(text: string, gold: readonly GoldItem[], predictions: readonly PredictedSkill[]): TextCounts {
  const preds = distinctByCode(predictions);
  const item: LevelCounts = {
    right: preds.filter((p) => gold.some((g) => itemRight(p, g))).length,
    predicted: preds.length,
    found: gold.filter((g) => preds.some((p) => itemRight(p, g))).length,
    gold: gold.length,
  };
  const goldUnits = new Set(gold.map(goldUnit));
  const predUnits = new Set(preds.map(predictedUnit));
  const mc: LevelCounts = {
    right: [...predUnits].filter((u) => goldUnits.has(u)).length,
    predicted: predUnits.size,
    found: [...goldUnits].filter((u) => predUnits.has(u)).length,
    gold: goldUnits.size,
  };
  const relaxed: LevelCounts = {
    right: preds.filter((p) => gold.some((g) => relaxedRight(p, g, text))).length,
    predicted: preds.length,
    found: gold.filter((g) => preds.some((p) => relaxedRight(p, g, text))).length,
    gold: gold.length,
  };
  return { item, mc, relaxed };
}

/** What one text's relaxed scoring found and missed, for reading errors (`eval:skills --details`). */
export interface TextDetails {
  missed: { code: string; label: string; span: string }[];
  wrong: { code: string; libelle: string; evidence: string[] }[];
}

export function textDetails(
  text: string,
  gold: readonly GoldItem[],
  predictions: readonly PredictedSkill[],
): TextDetails {
  const preds = distinctByCode(predictions);
  const evidence = (p: PredictedSkill) => p.evidence.map((e) => text.slice(e.start, e.end));
  return {
    missed: gold
      .filter((g) => !preds.some((p) => relaxedRight(p, g, text)))
      .map(({ code, label, span }) => ({ code, label, span })),
    wrong: preds
      .filter((p) => !gold.some((g) => relaxedRight(p, g, text)))
      .map((p) => ({ code: p.code, libelle: p.libelle, evidence: evidence(p) })),
  };
}

export function addCounts(a: LevelCounts, b: LevelCounts): LevelCounts {
  return {
    right: a.right + b.right,
    predicted: a.predicted + b.predicted,
    found: a.found + b.found,
    gold: a.gold + b.gold,
  };
}

/**
 * Precision, recall and F1 of summed counts. With nothing predicted precision is 1 when there was nothing to find
 * and 0 otherwise; with nothing to find recall is 1 when nothing was predicted and 0 otherwise.
 */
export function prf(c: LevelCounts): Prf {
  const precision = c.predicted ? c.right / c.predicted : c.gold ? 0 : 1;
  const recall = c.gold ? c.found / c.gold : c.predicted ? 0 : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision: round(precision, 4), recall: round(recall, 4), f1: round(f1, 4) };
}

export interface LevelFigures {
  n: number;
  item: Prf;
  mc: Prf;
  relaxed: Prf;
  /** Mean distinct predictions and gold items a text. */
  predictedPerText: number;
  goldPerText: number;
}

export interface SkillsEvalFigures extends LevelFigures {
  by_kind: Partial<Record<"offer" | "cv", LevelFigures>>;
}

const ZERO: LevelCounts = { right: 0, predicted: 0, found: 0, gold: 0 };

/** Micro-averaged figures over texts' counts. */
export function levelFigures(counts: readonly TextCounts[]): LevelFigures {
  const sum = (k: keyof TextCounts) => counts.reduce((s, c) => addCounts(s, c[k]), ZERO);
  const item = sum("item");
  const n = counts.length;
  return {
    n,
    item: prf(item),
    mc: prf(sum("mc")),
    relaxed: prf(sum("relaxed")),
    predictedPerText: n ? round(item.predicted / n, 4) : 0,
    goldPerText: n ? round(item.gold / n, 4) : 0,
  };
}

/** Overall and by-kind figures of scored texts. */
export function skillsEvalFigures(scored: readonly { kind: "offer" | "cv"; counts: TextCounts }[]): SkillsEvalFigures {
  const by_kind: SkillsEvalFigures["by_kind"] = {};
  for (const kind of ["offer", "cv"] as const) {
    const of = scored.filter((s) => s.kind === kind).map((s) => s.counts);
    if (of.length) by_kind[kind] = levelFigures(of);
  }
  return { ...levelFigures(scored.map((s) => s.counts)), by_kind };
}

/** A text to score: from its gold line, or from a texts file by id (offers-dev's `description`/`intitule` too). */
export const TextLine = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string().nullish(),
  description: z.string().nullish(),
  title: z.string().nullable().optional(),
  intitule: z.string().nullable().optional(),
  kind: z.enum(["offer", "cv"]).optional(),
});
export type TextLine = z.infer<typeof TextLine>;

/** The text of a gold line: its own, or the texts file's line with the same id; null when neither has one. */
export function textOf(gold: GoldText, texts: ReadonlyMap<string, TextLine>): string | null {
  if (gold.text !== undefined) return gold.text;
  const t = texts.get(gold.id);
  return t?.text ?? t?.description ?? null;
}

/** What the guide rules out: spans not in the text, the same code twice, a compétence without its MC. */
export function goldProblems(gold: GoldText, text: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const g of gold.items) {
    const span = JSON.stringify(g.span);
    if (!text.includes(g.span)) problems.push(`${gold.id}: ${g.code}'s span not in the text: ${span}`);
    if (seen.has(g.code)) problems.push(`${gold.id}: ${g.code} annotated twice`);
    seen.add(g.code);
    if (g.kind === "competence" && !g.macro) problems.push(`${gold.id}: compétence ${g.code} without its macro`);
    if (g.kind !== "competence" && g.macro) problems.push(`${gold.id}: ${g.kind} ${g.code} with a macro`);
  }
  for (const u of gold.unmapped) {
    if (!text.includes(u.span)) problems.push(`${gold.id}: unmapped span not in the text: ${JSON.stringify(u.span)}`);
  }
  return problems;
}

/** What checking a gold item against ROME needs (a `Referential` has it). */
export interface ItemLookup {
  competences: ReadonlyMap<string, { libelle: string; macroCompetence: string }>;
  macroCompetences: ReadonlyMap<string, { libelle: string }>;
  savoirs: ReadonlyMap<string, { libelle: string }>;
}

/** Gold items whose code, kind, label or macro disagree with ROME; alternatives that are no ROME item. */
export function referentialProblems(gold: GoldText, rome: ItemLookup): string[] {
  const problems: string[] = [];
  const exists = (c: string) => rome.competences.has(c) || rome.macroCompetences.has(c) || rome.savoirs.has(c);
  const tables = { competence: rome.competences, savoir: rome.savoirs, "macro-competence": rome.macroCompetences };
  for (const g of gold.items) {
    const row = tables[g.kind].get(g.code);
    if (!row) problems.push(`${gold.id}: ${g.code} is no ROME ${g.kind}`);
    else if (row.libelle !== g.label) {
      problems.push(`${gold.id}: ${g.code} is ${JSON.stringify(row.libelle)}, not ${JSON.stringify(g.label)}`);
    }
    const macro = g.kind === "competence" ? (rome.competences.get(g.code)?.macroCompetence ?? null) : null;
    if (row && g.macro !== macro) problems.push(`${gold.id}: ${g.code}'s macro is ${macro}, not ${g.macro}`);
    for (const a of g.alternatives) {
      if (!exists(a)) problems.push(`${gold.id}: alternative ${a} of ${g.code} is no ROME item`);
      if (a === g.code) problems.push(`${gold.id}: ${g.code} is its own alternative`);
    }
  }
  return problems;
}
