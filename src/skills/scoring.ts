import { dot } from "../embed/index.js";
import { holdsId } from "../text/index.js";
import { cmpCode } from "./extract.js";
import { isDiplomaLabel } from "./stems.js";
import type { StatedExtractor } from "./label-index.js";
import { STATED } from "./thresholds.js";
import type { ExtractedSkill } from "./types.js";

/** A statement's readings: its best-scoring labels, those within `coherenceMargin` of the best. */
export function scoreStatement(x: StatedExtractor, q: StatementQuery, minScore: number = STATED.minScore): Candidate[] {
  const { keys, ids } = q;
  // A statement of one common word ("Entretien", "la réparation", "contrôle") names no item by itself: only the
  // text's domain may read it (see `extractStated`).
  if (keys.size === 1 && ids.length === 1 && x.labels.docFrequencyOfId(ids[0]!) > STATED.genericWord) return [];
  // The search walks the rarer words' postings only (a budget of postings, the two rarest always): a label met by
  // common words alone ("gestion", "client") is rarely the one a statement means, and their postings are long.
  // Coverage is then recomputed on all the words. (Words by id: the labels' terms, the statement's known keys.)
  const byRarity: { id: number; df: number }[] = [];
  for (let i = 0; i < ids.length; i++) byRarity.push({ id: ids[i]!, df: x.labels.docFrequencyOfId(ids[i]!) });
  byRarity.sort((a, b) => a.df - b.df);
  const probe: number[] = [];
  let walked = 0;
  for (const { id, df } of byRarity) {
    if (probe.length >= 2 && walked + df > STATED.postingBudget) break;
    probe.push(id);
    walked += df;
  }
  const all = probe.length === byRarity.length;
  const scored: Candidate[] = [];
  for (const h of x.labels.searchIds(probe, STATED.candidates, STATED.minCoverage / 2)) {
    const coverage = all ? h.coverage : x.labels.coverageOfIds(h.doc, ids);
    if (coverage < STATED.minCoverage) continue;
    const c = scoreRow(x, q, h.doc, coverage, 2, minScore);
    if (c && c.score >= minScore) scored.push(c);
  }
  scored.sort((a, b) => b.score - a.score || cmpCode(a.code, b.code));
  const best = scored[0];
  if (!best) return [];
  return scored.filter((c) => c.score >= best.score - STATED.coherenceMargin).slice(0, 6);
}

/** A statement as `scoreRow` reads it. */
export interface StatementQuery {
  keys: ReadonlySet<string>;
  /** The ids (`CoverageIndex.idOf`) of the keys some label holds, in `keys` order. */
  ids: Int32Array;
  /** Σ weight of `keys` (unknown words weigh `unknownWeight`). */
  unitMass: number;
  vec: Float32Array | null;
  /** The diploma level the statement names, if any. */
  level: string | null;
  /** The statement's words, singular (one-word labels need their very word): read only when one such label is met. */
  readonly words: ReadonlySet<string>;
}

export function statementQuery(
  x: StatedExtractor,
  stems: readonly string[],
  vec: Float32Array | null,
  level: string | null,
  /** Or a function that gives them, called when they are first read (most statements meet no one-word label). */
  words: ReadonlySet<string> | (() => ReadonlySet<string>),
): StatementQuery {
  const keys = new Set(stems.map((s) => x.families.key(s)));
  const known: number[] = [];
  let unitMass = 0;
  for (const k of keys) {
    const id = x.labels.idOf(k);
    if (id >= 0) known.push(id);
    unitMass += (id >= 0 ? x.labels.weightOfId(id) : 0) || x.unknownWeight;
  }
  let read = typeof words === "function" ? null : words;
  return {
    keys,
    ids: Int32Array.from(known),
    unitMass,
    vec,
    level,
    get words() {
      return (read ??= (words as () => ReadonlySet<string>)());
    },
  };
}

/**
 * One label's score for a statement, or null when the label cannot be what it states: another diploma level, a
 * one-word label without its word, a job title, or (for a sentence) fewer than `minShared` shared words.
 */
export function scoreRow(
  x: StatedExtractor,
  q: StatementQuery,
  doc: number,
  coverage: number,
  minShared: number,
  /** The score the caller keeps a label at: one that cannot reach it is null. */
  atLeast = -Infinity,
): Candidate | null {
  // The row's tests read one byte first (`StatedExtractor.rowFlags`): most rows have no level, word, title or
  // alternatives, and each of those per-row arrays read at a random row was a cache miss.
  const flags = x.rowFlags[doc]!;
  if (flags & JOB_TITLE) return null;
  if (flags & LEVEL && q.level && x.diplomaLevel[doc] !== q.level) return null; // a CAP is not a BTS
  if (flags & ONE_WORD && !q.words.has(x.oneWord[doc]!)) return null;
  // One shared word is enough only for a one-word label, or a short statement against a short label ("Accueil",
  // "Encaissement" in a list); a sentence must share two words with the label it states.
  // The label's terms by id and weight (typed arrays: no string lookups per label).
  const { termIds, termWeight, termStart } = x.labels;
  const end = termStart[doc + 1]!;
  const labelTerms = end - termStart[doc]!;
  let sharedTerms = 0;
  let shared = 0;
  for (let j = termStart[doc]!; j < end; j++) {
    if (!holdsId(q.ids, termIds[j]!)) continue;
    sharedTerms++;
    shared += termWeight[j]!;
  }
  if (sharedTerms === 0) return null;
  if (sharedTerms < minShared && labelTerms > 1 && !(q.keys.size <= 2 && labelTerms <= 3)) return null;
  const unitCoverage = q.unitMass > 0 ? shared / q.unitMass : 0;
  // F-measure of the label's coverage (weighing β² times more) and the statement's: a one-word label met by one
  // word of a long sentence is weak evidence, a short statement inside a long label fair evidence.
  const alts = flags & ALTERNATIVES ? x.alternatives[doc] : null;
  if (alts && STATED.alternatives) {
    // One alternative of the label stated is the label stated: its coverage is the best alternative's.
    for (const alt of alts) {
      let have = 0;
      for (let j = 0; j < alt.ids.length; j++) if (holdsId(q.ids, alt.ids[j]!)) have += alt.weights[j]!;
      if (alt.mass > 0) coverage = Math.max(coverage, have / alt.mass);
    }
  }
  const b2 = STATED.labelBeta ** 2;
  const lexical =
    coverage > 0 && unitCoverage > 0 ? ((1 + b2) * coverage * unitCoverage) / (b2 * unitCoverage + coverage) : 0;
  let penalty =
    flags & SAVOIR && !statesDiploma(q, x.diplomaLevel[doc]!, x.rows[doc]!.libelle) ? STATED.savoirPenalty : 0;
  // A short statement that meets none of the label's head words names its topic, not its action ("les espaces
  // communs" is not "Optimiser la gestion des espaces communs"); the domain pass reads paraphrases and does not pay.
  if (minShared > 1 && q.keys.size <= STATED.headWords && flags & HEADS && !x.heads[doc]!.some((h) => q.keys.has(h)))
    penalty += STATED.headPenalty;
  // A label that could not reach `atLeast` even with a cosine of 1 is dropped before its cosine (a 256-dimension dot
  // product, most of this function's time): the caller would drop it. 1e-5: a float32 cosine can pass 1 by ~1e-7.
  if (STATED.vectorWeight * (1 + 1e-5) + (1 - STATED.vectorWeight) * lexical - penalty < atLeast) return null;
  const r = x.rows[doc]!;
  const cos = q.vec && r.vec ? dot(q.vec, r.vec) : 0;
  const score = STATED.vectorWeight * cos + (1 - STATED.vectorWeight) * lexical - penalty;
  return { code: r.code, row: doc, kind: r.kind, score, mc: r.kind === "macro-competence" ? r.code : r.mc };
}

/** `StatedExtractor.rowFlags` bits: what a row's label is or has, for `scoreRow`'s first tests. */
const JOB_TITLE = 1;
const LEVEL = 2;
const ONE_WORD = 4;
const ALTERNATIVES = 8;
const SAVOIR = 16;
const HEADS = 32;

/** Per row of an extractor, its `scoreRow` flags in one byte (built with the extractor: its rows do not change). */
export function scoreRowFlags(
  x: Pick<StatedExtractor, "rows" | "jobTitles" | "diplomaLevel" | "oneWord" | "alternatives" | "heads">,
): Uint8Array {
  const flags = new Uint8Array(x.rows.length);
  for (let doc = 0; doc < flags.length; doc++)
    flags[doc] =
      (x.jobTitles[doc] ? JOB_TITLE : 0) |
      (x.diplomaLevel[doc] ? LEVEL : 0) |
      (x.oneWord[doc] !== null ? ONE_WORD : 0) |
      (x.alternatives[doc] ? ALTERNATIVES : 0) |
      (x.rows[doc]!.kind === "savoir" ? SAVOIR : 0) |
      (x.heads[doc]!.length > 0 ? HEADS : 0);
  return flags;
}

/**
 * A statement that names a diploma's level and a diploma label of that level (matched above): it states that
 * diploma, not a task, so the savoir pays no penalty.
 */
const statesDiploma = (q: StatementQuery, labelLevel: string | null, libelle: string): boolean =>
  Boolean(q.level) && isDiplomaLabel(libelle, labelLevel);

export interface Candidate {
  code: string;
  /** Its row of `StatedExtractor.rows`. */
  row: number;
  kind: ExtractedSkill["kind"];
  score: number;
  mc: string | null;
}
