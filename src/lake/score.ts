/**
 * Pure scoring of one stored document against another: vector similarity, IDF-weighted macro-compétence overlap and
 * the agreement of their predicted métiers, with the explanation (shared / missing MCs) in the same shape as /v1/match.
 */
import type { MacroCompetenceEvidence, MissingMacroCompetence } from "../match/index.js";
import type { DocumentKind, StoredCompetence, StoredMetier } from "./types.js";
import { round } from "../numbers.js";

/**
 * Weights of the combined score. Vector similarity finds the neighbourhood (and works when extraction found
 * nothing); MC overlap makes the match explainable; the two documents' predicted métiers agreeing is what best tells
 * a neighbour of the same job (the engine's whole reading of each text, title included: `npm run bench:similar`,
 * docs/lake.md).
 */
export const SIMILAR_WEIGHTS = { vector: 0.3, mcOverlap: 0.2, metiers: 0.5 } as const;

export interface McLookup {
  idf(mc: string): number;
  label(code: string): string;
  /** True when the MC is coeur de métier for the fiche (null fiche: unknown → false). */
  coeur(fiche: string | null, mc: string): boolean;
}

/** MC → the document's compétences under it. Savoirs have no MC and do not count here. */
export function mcProfile(competences: readonly StoredCompetence[]): Map<string, StoredCompetence[]> {
  const out = new Map<string, StoredCompetence[]>();
  for (const c of competences) {
    if (!c.macroCompetence) continue;
    const a = out.get(c.macroCompetence);
    if (a) a.push(c);
    else out.set(c.macroCompetence, [c]);
  }
  return out;
}

/**
 * Which side "requires": an offer states what the job needs, so between an offer and a CV the overlap is the
 * share of the OFFER's MC weight the CV shows (asymmetric, like a passerelle). Between two documents of the same
 * kind it is the weighted Jaccard.
 */
export function mcOverlap(
  query: ReadonlySet<string>,
  queryKind: DocumentKind,
  other: ReadonlySet<string>,
  otherKind: DocumentKind,
  idf: (mc: string) => number,
): number {
  let shared = 0;
  for (const mc of query) if (other.has(mc)) shared += idf(mc);
  if (shared === 0) return 0;
  let denom = 0;
  if (queryKind !== otherKind) {
    const required = queryKind === "offer" ? query : other;
    for (const mc of required) denom += idf(mc);
  } else {
    const union = new Set([...query, ...other]);
    for (const mc of union) denom += idf(mc);
  }
  return denom > 0 ? Math.min(1, shared / denom) : 0;
}

/** Cosine distance (pgvector `<=>`, 0..2) → similarity clamped to 0..1. */
export function vectorSimilarity(distance: number | null): number {
  if (distance === null || !Number.isFinite(distance)) return 0;
  return Math.max(0, Math.min(1, 1 - distance));
}

/**
 * How far two documents' predicted métiers agree: over the codes both list, the sum of the smaller confidence
 * (0..1: 1 when both are sure of the same fiche). Also the shared codes, most agreed first.
 */
export function metierAgreement(
  a: readonly StoredMetier[],
  b: readonly StoredMetier[],
): { agreement: number; shared: { code: string; confidence: number }[] } {
  const conf = new Map(a.map((m) => [m.code, m.confidence]));
  const shared: { code: string; confidence: number }[] = [];
  for (const m of b) {
    const c = conf.get(m.code);
    if (c !== undefined && Math.min(c, m.confidence) > 0)
      shared.push({ code: m.code, confidence: Math.min(c, m.confidence) });
  }
  shared.sort((x, y) => y.confidence - x.confidence || x.code.localeCompare(y.code));
  return {
    agreement: Math.min(
      1,
      shared.reduce((s, x) => s + x.confidence, 0),
    ),
    shared,
  };
}

export function combinedScore(vector: number, overlap: number, metiers: number): number {
  return SIMILAR_WEIGHTS.vector * vector + SIMILAR_WEIGHTS.mcOverlap * overlap + SIMILAR_WEIGHTS.metiers * metiers;
}

/**
 * Shared MCs (rarest first, with both documents' compétences behind them) and the required side's MCs the other
 * side lacks (coeur de métier first, then rarest). `requiredFiche` is the top métier of the required side.
 */
export function explain(
  query: Map<string, StoredCompetence[]>,
  queryKind: DocumentKind,
  other: Map<string, StoredCompetence[]>,
  otherKind: DocumentKind,
  requiredFiche: string | null,
  lookup: McLookup,
  maxItems = 10,
): { shared: MacroCompetenceEvidence[]; missing: MissingMacroCompetence[] } {
  const shared: MacroCompetenceEvidence[] = [];
  for (const [mc, qs] of query) {
    const os = other.get(mc);
    if (!os) continue;
    const byCode = new Map<string, { code: string; libelle: string; score: number }>();
    for (const c of [...qs, ...os]) {
      const prev = byCode.get(c.code);
      if (!prev || prev.score < c.score)
        byCode.set(c.code, { code: c.code, libelle: lookup.label(c.code), score: round(c.score, 4) });
    }
    shared.push({
      code: mc,
      libelle: lookup.label(mc),
      weight: round(lookup.idf(mc), 4),
      coeurMetier: lookup.coeur(requiredFiche, mc),
      competences: [...byCode.values()].sort((a, b) => b.score - a.score),
      // Spans are not stored (a CV's text may not be kept): the explanation lists compétences only.
      evidence: [],
    });
  }
  shared.sort(
    (a, b) => Number(b.coeurMetier) - Number(a.coeurMetier) || b.weight - a.weight || a.code.localeCompare(b.code),
  );
  const [required, offered] = queryKind === otherKind || otherKind === "offer" ? [other, query] : [query, other];
  const missing: MissingMacroCompetence[] = [];
  for (const mc of required.keys()) {
    if (offered.has(mc)) continue;
    missing.push({
      code: mc,
      libelle: lookup.label(mc),
      weight: round(lookup.idf(mc), 4),
      coeurMetier: lookup.coeur(requiredFiche, mc),
    });
  }
  missing.sort(
    (a, b) => Number(b.coeurMetier) - Number(a.coeurMetier) || b.weight - a.weight || a.code.localeCompare(b.code),
  );
  return { shared: shared.slice(0, maxItems), missing: missing.slice(0, maxItems) };
}
