import { normalizeVector, type WordVectors } from "../embed/index.js";
import type { Referential } from "../rome/index.js";
import { statedStems } from "../skills/index.js";

/**
 * The domain word vectors (src/embed/word-vectors.ts, trained at set-up on ROME's texts and job offers) read as text
 * vectors for ranking: a text is the IDF-weighted mean of its words' vectors (IDF over ROME's fiches, each fiche's
 * labels, appellations, compétences, savoirs and definition one document), with the mean text direction of ROME
 * taken out (the common component of "SIF" embeddings: every job text shares it, so it says nothing of a métier).
 */
export interface DomainVectors {
  readonly dim: number;
  /** A text's unit vector from its stated stems, or null when none of its words has a vector. */
  embed(stems: readonly string[]): Float32Array | null;
  /** Row-major fiches × dim (unit rows): each fiche's labels, appellations, compétences, savoirs and definition. */
  readonly ficheCentroids: Float32Array;
  /** Row-major appellations × dim (unit rows; appellations without a word vector left out)… */
  readonly appellationVecs: Float32Array;
  /** …and the fiche row of each. */
  readonly appellationFiche: Int32Array;
}

/** The stated stems of a fiche's texts, one list per text (label, appellations, items, definition). */
function ficheTexts(ref: Referential, code: string): string[] {
  const f = ref.fiches.get(code)!;
  const out = [f.libelle, f.definition];
  for (const a of f.appellations) out.push(ref.appellations.get(a)?.libelle ?? "");
  for (const c of f.competences) out.push(ref.competences.get(c.code)?.libelle ?? "");
  for (const s of f.savoirs) out.push(ref.savoirs.get(s.code)?.libelle ?? "");
  return out;
}

/** Builds the tables once per engine (fiche order: `ficheCodes`); ~0.5 s for v460. */
export function buildDomainVectors(words: WordVectors, ref: Referential, ficheCodes: readonly string[]): DomainVectors {
  const dim = words.dim;
  const docs = ficheCodes.map((c) => ficheTexts(ref, c).map((t) => statedStems(t)));
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d.flat())) df.set(w, (df.get(w) ?? 0) + 1);
  const n = ficheCodes.length;
  // A word no fiche uses (offers' words: "java", "react") gets the rarest ROME word's weight.
  const idf = (w: string) => Math.log(n / (df.get(w) ?? 1));
  const raw = (stems: readonly string[]): Float32Array | null => {
    const v = new Float32Array(dim);
    let any = false;
    for (const w of stems) {
      const x = words.vector(w);
      if (!x) continue;
      const k = idf(w);
      for (let j = 0; j < dim; j++) v[j]! += k * x[j]!;
      any = true;
    }
    return any ? normalizeVector(v) : null;
  };
  const rawCentroids = docs.map((d) => raw(d.flat()));
  // The common direction: the mean of ROME's fiche vectors, projected out of every text vector.
  const sum = new Float32Array(dim);
  for (const v of rawCentroids) if (v) for (let j = 0; j < dim; j++) sum[j]! += v[j]!;
  const common = normalizeVector(sum);
  const clean = (v: Float32Array | null): Float32Array | null => {
    if (!v) return null;
    let p = 0;
    for (let j = 0; j < dim; j++) p += v[j]! * common[j]!;
    for (let j = 0; j < dim; j++) v[j]! -= p * common[j]!;
    return normalizeVector(v);
  };
  const embed = (stems: readonly string[]) => clean(raw(stems));
  const ficheCentroids = new Float32Array(n * dim);
  rawCentroids.forEach((v, i) => {
    const c = clean(v);
    if (c) ficheCentroids.set(c, i * dim);
  });
  const appVecs: Float32Array[] = [];
  const appFiche: number[] = [];
  ficheCodes.forEach((code, i) => {
    for (const a of ref.fiches.get(code)!.appellations) {
      const v = embed(statedStems(ref.appellations.get(a)?.libelle ?? ""));
      if (v) (appVecs.push(v), appFiche.push(i));
    }
  });
  const appellationVecs = new Float32Array(appVecs.length * dim);
  appVecs.forEach((v, i) => appellationVecs.set(v, i * dim));
  return { dim, embed, ficheCentroids, appellationVecs, appellationFiche: Int32Array.from(appFiche) };
}
