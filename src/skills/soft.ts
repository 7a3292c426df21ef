import { dot } from "../embed/index.js";
import type { FicheTermRows } from "./fiche-terms.js";
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
  if (!wv || q.keys.size > STATED.softWords) return null;
  const stmt = [...q.keys].map((k) => ({ k, w: x.labels.weightOf(k) || x.unknownWeight, near: wv.neighbours(k) }));
  // Only rows holding a statement word or one of its neighbours can be covered at all.
  const rows = new Set<number>();
  for (const s of stmt)
    for (const t of [s.k, ...s.near.keys()]) {
      const id = x.labels.idOf(t);
      if (id >= 0) for (const m of byKey) m.addRows(id, rows);
    }
  const sim = (t: string, s: (typeof stmt)[number]) => (t === s.k ? 1 : (s.near.get(t) ?? 0));
  const b2 = STATED.labelBeta ** 2;
  let best: Candidate | null = null;
  for (const row of rows) {
    const r = x.rows[row]!;
    if (r.kind === "savoir" || x.oneWord[row] !== null) continue;
    // One word read as a savoir-être is a quality the soft-skill rules name or not ("Sérieux"): its neighbours in
    // the vectors are other qualities ("autonomie"), not paraphrases.
    if (q.keys.size === 1 && r.kind === "macro-competence") continue;
    const terms = x.labels.termsOf(row);
    if (terms.length === 0 || terms.filter((t) => q.keys.has(t)).length >= STATED.softShared) continue;
    let mass = 0;
    let have = 0;
    for (const t of terms) {
      let m = 0;
      for (const s of stmt) m = Math.max(m, sim(t, s));
      const w = x.labels.weightOf(t);
      mass += w;
      have += w * m;
    }
    let unitHave = 0;
    for (const s of stmt) {
      let m = 0;
      for (const t of terms) m = Math.max(m, sim(t, s));
      unitHave += s.w * m;
    }
    const coverage = mass > 0 ? have / mass : 0;
    const unitCoverage = q.unitMass > 0 ? unitHave / q.unitMass : 0;
    if (coverage < STATED.minCoverage || unitCoverage === 0) continue;
    const lexical = ((1 + b2) * coverage * unitCoverage) / (b2 * unitCoverage + coverage);
    const cos = q.vec && r.vec ? dot(q.vec, r.vec) : 0;
    const score = STATED.vectorWeight * cos + (1 - STATED.vectorWeight) * lexical;
    if (!best || score > best.score || (score === best.score && r.code < best.code))
      best = { code: r.code, row, kind: r.kind, score, mc: r.kind === "macro-competence" ? r.code : r.mc };
  }
  return best && best.score >= STATED.softMin ? best : null;
}
