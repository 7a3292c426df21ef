import { dot } from "../embed/index.js";
import type { FicheTermRows } from "./fiche-terms.js";
import { holdsId } from "../text/index.js";
import type { StatedExtractor } from "./label-index.js";
import type { Candidate, StatementQuery } from "./scoring.js";
import { STATED } from "./thresholds.js";

/**
 * A paraphrase reading: a statement that shares no word, or one, with the label it states ("la cueillette" →
 * "Récolter un produit à maturité…", "je veille au sommeil des enfants" → "Gérer les temps de repos et de sommeil
 * des enfants"). Each label word is met by the statement word closest to it in the domain word vectors (a shared
 * word counts 1, a cosine under `softCosine` 0), each statement word by the closest label word, and the F-measure of
 * those soft coverages is read as `scoreRow` reads the lexical one. Only the domain's rows (`byKey`: each domain
 * fiche's item rows by label word) that are compétences or macro-compétences (savoirs name things, whose vector
 * neighbours are other things), and only short statements.
 */
export function softReading(
  x: StatedExtractor,
  q: StatementQuery,
  /** Each domain fiche's item rows by label key, the keys as `labels` ids. */
  byKey: readonly FicheTermRows[],
): Candidate | null {
  const wv = x.wordVectors;
  const n = q.keys.size;
  if (!wv || n > STATED.softWords) return null;
  // Each label term met by a statement word (itself, similarity 1) or one of its neighbours (their cosine): its
  // similarity to each statement word, in a table by term id reused across calls (no string lookups a label).
  const t = tableFor(x);
  if (t.epoch === 2 ** 31 - 1) {
    // The stamps wrap: clear them so that no old stamp equals a new epoch.
    t.stamp.fill(0);
    t.epoch = 0;
  }
  const epoch = ++t.epoch;
  const { stamp, sims, terms } = t;
  let touched = 0;
  const weights: number[] = [];
  let si = 0;
  for (const k of q.keys) {
    const id = x.labels.idOf(k);
    weights.push((id >= 0 ? x.labels.weightOfId(id) : 0) || x.unknownWeight);
    const near = wv.near(k);
    for (let i = -1; i < near.ids.length; i++) {
      const term = i < 0 ? id : near.ids[i]!;
      if (term < 0) continue;
      if (stamp[term] !== epoch) {
        stamp[term] = epoch;
        for (let j = term * SLOTS, end = j + n; j < end; j++) sims[j] = 0;
        terms[touched++] = term;
      }
      sims[term * SLOTS + si] = i < 0 ? 1 : near.cos[i]!;
    }
    si++;
  }
  // Only rows holding one of those terms can be covered at all.
  const rows = new Set<number>();
  for (let i = 0; i < touched; i++) for (const m of byKey) m.addRows(terms[i]!, rows);
  const { termIds, termWeight, termStart } = x.labels;
  const unitMax = t.unitMax;
  const b2 = STATED.labelBeta ** 2;
  let best: Candidate | null = null;
  for (const row of rows) {
    const r = x.rows[row]!;
    if (r.kind === "savoir" || x.oneWord[row] !== null) continue;
    // One word read as a savoir-être is a quality the soft-skill rules name or not ("Sérieux"): its neighbours in
    // the vectors are other qualities ("autonomie"), not paraphrases.
    if (n === 1 && r.kind === "macro-competence") continue;
    const from = termStart[row]!;
    const to = termStart[row + 1]!;
    if (to === from) continue;
    let shared = 0;
    for (let j = from; j < to; j++) if (holdsId(q.ids, termIds[j]!)) shared++;
    if (shared >= STATED.softShared) continue;
    // Each label term is met by its closest statement word, each statement word by its closest label term.
    unitMax.fill(0, 0, n);
    let mass = 0;
    let have = 0;
    for (let j = from; j < to; j++) {
      const term = termIds[j]!;
      let m = 0;
      if (stamp[term] === epoch)
        for (let s = 0, at = term * SLOTS; s < n; s++, at++) {
          const v = sims[at]!;
          m = Math.max(m, v);
          unitMax[s] = Math.max(unitMax[s]!, v);
        }
      const w = termWeight[j]!;
      mass += w;
      have += w * m;
    }
    const coverage = mass > 0 ? have / mass : 0;
    if (coverage < STATED.minCoverage) continue;
    let unitHave = 0;
    for (let s = 0; s < n; s++) unitHave += weights[s]! * unitMax[s]!;
    const unitCoverage = q.unitMass > 0 ? unitHave / q.unitMass : 0;
    if (unitCoverage === 0) continue;
    const lexical = ((1 + b2) * coverage * unitCoverage) / (b2 * unitCoverage + coverage);
    // A label that could not reach the best so far (nor `softMin`) even with a cosine of 1 is dropped before its
    // cosine, as in `scoreRow` (1e-5: a float32 cosine can pass 1 by ~1e-7): it could not be the answer.
    const bound = STATED.vectorWeight * (1 + 1e-5) + (1 - STATED.vectorWeight) * lexical;
    if (bound < STATED.softMin || (best && bound < best.score)) continue;
    const cos = q.vec && r.vec ? dot(q.vec, r.vec) : 0;
    const score = STATED.vectorWeight * cos + (1 - STATED.vectorWeight) * lexical;
    if (!best || score > best.score || (score === best.score && r.code < best.code))
      best = { code: r.code, row, kind: r.kind, score, mc: r.kind === "macro-competence" ? r.code : r.mc };
  }
  return best && best.score >= STATED.softMin ? best : null;
}

/** Statement words a soft reading compares (`softWords`): slots of a term's row of `SimTable.sims`. */
const SLOTS = STATED.softWords;

/**
 * Label term → its similarity to each word of the statement being read (`SLOTS` a term), valid where `stamp` is the
 * current `epoch`: filled for the terms a statement meets only, never cleared.
 */
interface SimTable {
  epoch: number;
  stamp: Int32Array;
  sims: Float64Array;
  /** The terms met by the current statement. */
  terms: Int32Array;
  /** A label's best similarity to each statement word (a reused buffer). */
  unitMax: Float64Array;
}

const simTables = new WeakMap<StatedExtractor, SimTable>();

function tableFor(x: StatedExtractor): SimTable {
  let t = simTables.get(x);
  if (!t) {
    const count = x.labels.termCount;
    t = {
      epoch: 0,
      stamp: new Int32Array(count),
      sims: new Float64Array(count * SLOTS),
      terms: new Int32Array(count),
      unitMax: new Float64Array(SLOTS),
    };
    simTables.set(x, t);
  }
  return t;
}
