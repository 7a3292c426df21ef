import { dot, dotEach, isZero } from "../embed/index.js";
import type { RomeIndexes, VectorIndex } from "../vectors/index.js";
import type { Referential } from "../rome/index.js";
import { postingLists, type TextUnit } from "../text/index.js";
import type { SkillLexicon } from "./lexicon.js";
import type { ExtractedSkill, Span } from "./types.js";
import { round } from "../numbers.js";

/** Extraction thresholds, tuned on the dev offers' recruiter-chosen compétences (see README "Figures"). */
export const EXTRACTION = {
  /** Minimum combined score for a unit ↔ skill pair. */
  minScore: 0.5,
  /**
   * Weight of the vector cosine in the combined score (the rest is lexical coverage of the label). As it is below
   * `minScore`, a pair must share at least one word: the static model is weak on paraphrase.
   */
  vectorWeight: 0.45,
  /** Labels re-scored per unit: the best covered (a pair scores at most vectorWeight + (1 − vectorWeight)·coverage). */
  candidates: 12,
  /**
   * Labels less covered than this are not candidates: on the dev offers 99 % of accepted pairs have coverage ≥ 0.3,
   * and the cut saves about a sixth of the extraction time.
   */
  minCoverage: 0.25,
  /** At most this many skills per unit, so that one rich line does not fill the whole profile. */
  perUnit: 3,
  /** Units beyond this are ignored (CVs can be long; the limit is documented). */
  maxUnits: 300,
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
    .map((s) =>
      ficheItems.has(s.code) || (s.macroCompetence !== null && ficheItems.has(s.macroCompetence))
        ? { ...s, score: round(Math.min(1, s.score + EXTRACTION.contextBoost), 3) }
        : s,
    )
    .filter((s) => s.score >= EXTRACTION.reportMin)
    .sort((a, b) => b.score - a.score || cmpCode(a.code, b.code))
    .slice(0, EXTRACTION.maxReported);
}

export interface SkillCandidate {
  code: string;
  kind: "competence" | "savoir";
  score: number;
  unit: number;
}

export interface ExtractionContext {
  lex: SkillLexicon;
  /** Row of `lex.skillIds` → the label's vector (null when the embedder knows none of its words). */
  skillVectors: readonly (Float32Array | null)[];
  /** Skill code → row of `lex.skillIds`. */
  skillRow: ReadonlyMap<string, number>;
}

/** `indexes` null: a context without vectors (lexical evidence only, e.g. resolving profile labels). */
export function createExtractionContext(lex: SkillLexicon, indexes: RomeIndexes | null): ExtractionContext {
  if (!indexes)
    return { lex, skillVectors: lex.skillIds.map(() => null), skillRow: new Map(lex.skillIds.map((id, i) => [id, i])) };
  const rowOf = (index: VectorIndex) => new Map(index.ids.map((id, i) => [id, i]));
  const comp = rowOf(indexes.competences);
  const sav = rowOf(indexes.savoirs);
  const skillVectors = lex.skillIds.map((id, i) => {
    const [index, row] = i < lex.competenceCount ? [indexes.competences, comp.get(id)] : [indexes.savoirs, sav.get(id)];
    if (row === undefined) return null;
    const v = index.vectorAt(row);
    return isZero(v) ? null : v;
  });
  return { lex, skillVectors, skillRow: new Map(lex.skillIds.map((id, i) => [id, i])) };
}

/** Unit ↔ label score: `vectorWeight·cosine + (1 − vectorWeight)·lexical coverage`. */
export function pairScore(coverage: number, cosine: number): number {
  return EXTRACTION.vectorWeight * cosine + (1 - EXTRACTION.vectorWeight) * coverage;
}

/** Lowest coverage that can still reach `min` (with a cosine of 1). */
const coverageFloor = (min: number) => Math.max(0, (min - EXTRACTION.vectorWeight) / (1 - EXTRACTION.vectorWeight));

function rowScore(ctx: ExtractionContext, row: number, coverage: number, vec: Float32Array | null): number {
  const sv = ctx.skillVectors[row];
  return pairScore(coverage, vec && sv ? dot(vec, sv) : 0);
}

/** Rows of `lex.skillIds` of a fiche's compétences and savoirs, in the fiche's order (those the lexicon has). */
export function ficheItemRows(
  ctx: ExtractionContext,
  fiche: { competences: readonly { code: string }[]; savoirs: readonly { code: string }[] },
): Int32Array {
  return Int32Array.from(
    [...fiche.competences, ...fiche.savoirs]
      .map((l) => ctx.skillRow.get(l.code))
      .filter((r): r is number => r !== undefined),
  );
}

/** Cosine of a unit with each label (0 without vectors), the labels' rows read two at a time (see `dotPair`). */
function labelCosines(
  ctx: ExtractionContext,
  hits: readonly { doc: number }[],
  vec: Float32Array | null,
): Float64Array {
  const out = new Float64Array(hits.length);
  if (!vec) return out;
  const at = hits.flatMap((h, i) => (ctx.skillVectors[h.doc] ? [i] : []));
  const cos = new Float64Array(at.length);
  dotEach(
    vec,
    at.map((i) => ctx.skillVectors[hits[i]!.doc]!),
    cos,
  );
  at.forEach((i, j) => (out[i] = cos[j]!));
  return out;
}

function candidate(ctx: ExtractionContext, row: number, score: number, unit: number): SkillCandidate {
  return { code: ctx.lex.skillIds[row]!, kind: row < ctx.lex.competenceCount ? "competence" : "savoir", score, unit };
}

/** Scores one unit against the labels it covers best; returns the best few, best first. */
export function scoreUnit(
  ctx: ExtractionContext,
  unitIndex: number,
  stems: ReadonlySet<string>,
  vec: Float32Array | null,
): SkillCandidate[] {
  const out: SkillCandidate[] = [];
  const hits = ctx.lex.skills.search(
    stems,
    EXTRACTION.candidates,
    Math.max(EXTRACTION.minCoverage, coverageFloor(EXTRACTION.minScore)),
  );
  const cosines = labelCosines(ctx, hits, vec);
  hits.forEach((h, i) => {
    const score = pairScore(h.coverage, cosines[i]!);
    if (score >= EXTRACTION.minScore) out.push(candidate(ctx, h.doc, score, unitIndex));
  });
  out.sort((a, b) => b.score - a.score || cmpCode(a.code, b.code));
  return out.slice(0, EXTRACTION.perUnit);
}

/**
 * Scores a fiche's own compétences and savoirs against every unit: "which of this métier's skills does the
 * text show", a targeted pass that finds items the open search ranks below its cut. `rows` are the items' rows
 * of `lex.skillIds` (see `ficheItemRows`).
 */
export function scoreItemsAgainstUnits(
  ctx: ExtractionContext,
  rows: ArrayLike<number>,
  stems: readonly ReadonlySet<string>[],
  vecs: readonly (Float32Array | null)[],
  minScore: number,
  /** `postingLists(stems)`, when the caller has it already (a match reads it twice). */
  unitsWith: ReadonlyMap<string, readonly number[]> = postingLists(stems),
): SkillCandidate[] {
  const floor = coverageFloor(minScore);
  const out: SkillCandidate[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let best: SkillCandidate | null = null;
    // Best covered units first: once even a cosine of 1 could not beat the best so far, the rest cannot either
    // (ties go to the earlier unit, as in a walk in text order).
    const across = ctx.lex.skills
      .coverageAcross(row, unitsWith)
      .sort((a, b) => b.coverage - a.coverage || a.set - b.set);
    for (const { set: u, coverage: cov } of across) {
      if (cov < floor || pairScore(cov, 1) + 1e-6 < (best?.score ?? minScore)) break; // 1e-6: a float32 cosine can pass 1 by ~1e-7
      const score = rowScore(ctx, row, cov, vecs[u] ?? null);
      if (score >= minScore && (!best || score > best.score || (score === best.score && u < best.unit)))
        best = candidate(ctx, row, score, u);
    }
    if (best) out.push(best);
  }
  return out;
}

/**
 * The units whose open search (`scoreUnit`) may read one of the labels `rows`: those that cover one of them at the
 * search's floor with a pair score at `minScore`. Any other unit's readings hold none of them, so a caller that needs
 * only those labels skips its search (it walks every posting of every stem; this walks the labels' few terms).
 */
export function unitsThatMayRead(
  ctx: ExtractionContext,
  rows: Iterable<number>,
  stems: readonly ReadonlySet<string>[],
  vecs: readonly (Float32Array | null)[],
  /** `postingLists(stems)`, when the caller has it already. */
  unitsWith: ReadonlyMap<string, readonly number[]> = postingLists(stems),
): Uint8Array {
  const floor = Math.max(EXTRACTION.minCoverage, coverageFloor(EXTRACTION.minScore));
  const may = new Uint8Array(stems.length);
  for (const row of rows)
    for (const { set: u, coverage } of ctx.lex.skills.coverageAcross(row, unitsWith))
      // 1e-6: the search's cosines are summed in another order (`dotEach`), a last bit apart.
      if (!may[u] && coverage >= floor && rowScore(ctx, row, coverage, vecs[u] ?? null) >= EXTRACTION.minScore - 1e-6)
        may[u] = 1;
  return may;
}

/** Merges per-unit candidates into one list of skills with all their evidence spans, best first. */
export function aggregateSkills(
  ref: Referential,
  units: readonly TextUnit[],
  perUnit: readonly SkillCandidate[][],
): ExtractedSkill[] {
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
          score: round(c.score, 3),
          evidence: [span],
        });
      }
    }
  });
  return [...byCode.values()]
    .map((s) => ({ ...s, score: round(s.score, 3) }))
    .sort((a, b) => b.score - a.score || cmpCode(a.code, b.code));
}

/** Code order for ties (codes are ASCII: a plain comparison, not the much slower locale collation). */
export const cmpCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
