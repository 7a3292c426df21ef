import { dot } from "../embed/index.js";
import type { RomeIndexes, VectorIndex } from "../index/index.js";
import type { Referential } from "../rome/index.js";
import { contentStems, type TextUnit } from "../text/index.js";
import type { Lexicon } from "./lexicon.js";
import type { ExtractedSkill, Span } from "./types.js";

/** Extraction thresholds, tuned on the dev offers' recruiter-chosen compétences (see README "Figures"). */
export const EXTRACTION = {
  /** Minimum combined score for a unit ↔ skill pair. */
  minScore: 0.5,
  /** Weight of the vector cosine in the combined score (the rest is lexical coverage of the label). */
  vectorWeight: 0.45,
  /** A pair with no shared word must have at least this cosine (the static model is weak on paraphrase). */
  vectorOnlyMin: 0.86,
  /** At most this many skills per unit, so that one rich line does not fill the whole profile. */
  perUnit: 3,
  /** Units beyond this are ignored (CVs can be long; the limit is documented). */
  maxUnits: 300,
  vectorK: 8,
  /** HNSW ef for unit → skill search (candidates are re-scored, so a lower recall is cheap). */
  vectorEf: 24,
  lexicalK: 12,
  /** In /v1/match, skills that the best-ranked fiche itself lists get this bonus (recruiters pick from the fiche)… */
  contextBoost: 0.15,
  /** Minimum score for the targeted pass over the best fiche's own items (before the context bonus). */
  ficheItemMin: 0.5,
  /** …and only skills scoring at least this after the bonus are reported, at most `maxReported`. */
  reportMin: 0.75,
  maxReported: 25,
} as const;

/**
 * Re-scores extracted skills in the context of the best-ranked fiches: items a top fiche lists are more
 * likely what the text means ("Accueil" in a hotel offer is hotel reception, not patient reception).
 */
export function rescoreInContext(skills: readonly ExtractedSkill[], ficheItems: ReadonlySet<string>): ExtractedSkill[] {
  return skills
    .map((s) => (ficheItems.has(s.code) || (s.macroCompetence !== null && ficheItems.has(s.macroCompetence)) ? { ...s, score: round(Math.min(1, s.score + EXTRACTION.contextBoost)) } : s))
    .filter((s) => s.score >= EXTRACTION.reportMin)
    .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code))
    .slice(0, EXTRACTION.maxReported);
}

export interface SkillCandidate {
  code: string;
  kind: "competence" | "savoir";
  score: number;
  unit: number;
}

export interface ExtractionContext {
  ref: Referential;
  lex: Lexicon;
  indexes: RomeIndexes;
  /** id → row in the competences / savoirs vector index. */
  rows: { competences: Map<string, number>; savoirs: Map<string, number> };
  skillRow: Map<string, number>;
}

/** Share of a label's IDF mass whose stems appear in the unit: 1 when every word of the label is there (label stems are unique). */
export function lexicalCoverage(labelStems: readonly string[], unitStems: ReadonlySet<string>, idf: (t: string) => number): number {
  let have = 0;
  let total = 0;
  for (const t of labelStems) {
    const w = idf(t) || 0.1;
    total += w;
    if (unitStems.has(t)) have += w;
  }
  return total === 0 ? 0 : have / total;
}

/**
 * Unit ↔ item score: `vectorWeight·cosine + (1 − vectorWeight)·lexical coverage`; null when they share no word
 * and the cosine is below `vectorOnlyMin` (the static model is weak on paraphrase).
 */
export function pairScore(ctx: ExtractionContext, code: string, kind: "competence" | "savoir", unitStems: ReadonlySet<string>, vec: Float32Array | null): number | null {
  const cov = lexicalCoverage(ctx.lex.skillStems[ctx.skillRow.get(code)!]!, unitStems, (t) => ctx.lex.skills.idf(t));
  const index: VectorIndex = kind === "competence" ? ctx.indexes.competences : ctx.indexes.savoirs;
  const row = (kind === "competence" ? ctx.rows.competences : ctx.rows.savoirs).get(code);
  const cos = vec && row !== undefined ? dot(vec, index.vectorAt(row)) : 0;
  if (cov === 0 && cos < EXTRACTION.vectorOnlyMin) return null;
  return EXTRACTION.vectorWeight * cos + (1 - EXTRACTION.vectorWeight) * cov;
}

/** Scores one unit against its vector and lexical neighbours; returns the best few, best first. */
export function scoreUnit(ctx: ExtractionContext, unitIndex: number, stems: string[], vec: Float32Array | null): SkillCandidate[] {
  const set = new Set(stems);
  const cands = new Map<string, "competence" | "savoir">();
  if (vec) {
    for (const h of ctx.indexes.competences.search(vec, EXTRACTION.vectorK, EXTRACTION.vectorEf)) cands.set(h.id, "competence");
    for (const h of ctx.indexes.savoirs.search(vec, EXTRACTION.vectorK, EXTRACTION.vectorEf)) cands.set(h.id, "savoir");
  }
  for (const h of ctx.lex.skills.search(stems, EXTRACTION.lexicalK)) {
    const id = ctx.lex.skillIds[h.doc]!;
    cands.set(id, ctx.ref.competences.has(id) ? "competence" : "savoir");
  }
  const out: SkillCandidate[] = [];
  for (const [code, kind] of cands) {
    const score = pairScore(ctx, code, kind, set, vec);
    if (score !== null && score >= EXTRACTION.minScore) out.push({ code, kind, score, unit: unitIndex });
  }
  out.sort((a, b) => b.score - a.score);
  return out.slice(0, EXTRACTION.perUnit);
}

/**
 * Scores a fiche's own compétences and savoirs against every unit: "which of this métier's skills does the
 * text show", a targeted pass that finds items the open search ranks below its cut.
 */
export function scoreItemsAgainstUnits(ctx: ExtractionContext, items: readonly { code: string; kind: "competence" | "savoir" }[], stems: readonly string[][], vecs: readonly (Float32Array | null)[], minScore: number): SkillCandidate[] {
  const sets = stems.map((s) => new Set(s));
  const out: SkillCandidate[] = [];
  for (const { code, kind } of items) {
    let best: SkillCandidate | null = null;
    for (let u = 0; u < sets.length; u++) {
      const score = pairScore(ctx, code, kind, sets[u]!, vecs[u] ?? null);
      if (score !== null && score >= minScore && (!best || score > best.score)) best = { code, kind, score, unit: u };
    }
    if (best) out.push(best);
  }
  return out;
}

/** Merges per-unit candidates into one list of skills with all their evidence spans, best first. */
export function aggregateSkills(ref: Referential, units: readonly TextUnit[], perUnit: readonly SkillCandidate[][]): ExtractedSkill[] {
  const byCode = new Map<string, ExtractedSkill>();
  perUnit.forEach((cands) => {
    for (const c of cands) {
      const u = units[c.unit]!;
      const span: Span = { start: u.start, end: u.end, text: u.text };
      const prev = byCode.get(c.code);
      if (prev) {
        prev.score = Math.max(prev.score, c.score);
        if (prev.evidence.length < 5) prev.evidence.push(span);
      } else {
        const comp = c.kind === "competence" ? ref.competences.get(c.code)! : null;
        byCode.set(c.code, {
          code: c.code,
          kind: c.kind,
          libelle: comp?.libelle ?? ref.savoirs.get(c.code)!.libelle,
          macroCompetence: comp?.macroCompetence ?? null,
          score: round(c.score),
          evidence: [span],
        });
      }
    }
  });
  return [...byCode.values()].map((s) => ({ ...s, score: round(s.score) })).sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
}

export function unitStems(units: readonly TextUnit[]): string[][] {
  return units.map((u) => contentStems(u.text));
}

const round = (x: number) => Math.round(x * 1000) / 1000;
