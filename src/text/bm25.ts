import { topK as selectTop } from "./top-k.js";

export interface Bm25Hit {
  doc: number;
  score: number;
}

interface Posting {
  docs: number[];
  tfs: number[];
  idf: number;
}

/**
 * Okapi BM25 over pre-tokenised documents (stems). Small and allocation-light: one posting list per
 * term, a dense score array reused across queries. Not thread-safe, like everything in one Node process.
 */
export class Bm25Index {
  private readonly postings = new Map<string, Posting>();
  private readonly docLen: Float64Array;
  private readonly avgLen: number;
  private readonly scores: Float64Array;
  readonly size: number;

  constructor(
    docs: readonly (readonly string[])[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.size = docs.length;
    this.docLen = new Float64Array(docs.length);
    this.scores = new Float64Array(docs.length);
    let total = 0;
    docs.forEach((terms, d) => {
      this.docLen[d] = terms.length;
      total += terms.length;
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, n] of tf) {
        let p = this.postings.get(t);
        if (!p) this.postings.set(t, (p = { docs: [], tfs: [], idf: 0 }));
        p.docs.push(d);
        p.tfs.push(n);
      }
    });
    this.avgLen = docs.length ? total / docs.length || 1 : 1;
    for (const p of this.postings.values()) p.idf = Math.max(0, Math.log(1 + (this.size - p.docs.length + 0.5) / (p.docs.length + 0.5)));
  }

  /** Robertson–Sparck Jones IDF, floored at 0 so very common terms never count against a document. */
  idf(term: string): number {
    return this.postings.get(term)?.idf ?? 0;
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /**
   * Scores documents for the query terms (repeated query terms count once, weighted by `weights` when given).
   * Returns the best `topK`, highest first.
   */
  search(query: readonly string[], topK: number, weights?: ReadonlyMap<string, number>): Bm25Hit[] {
    const touched: number[] = [];
    const seen = new Set<string>();
    for (const t of query) {
      if (seen.has(t)) continue;
      seen.add(t);
      const p = this.postings.get(t);
      if (!p) continue;
      const w = p.idf * (weights?.get(t) ?? 1);
      if (w === 0) continue;
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i]!;
        const tf = p.tfs[i]!;
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.docLen[d]!) / this.avgLen);
        if (this.scores[d] === 0) touched.push(d);
        this.scores[d]! += (w * tf * (this.k1 + 1)) / norm;
      }
    }
    const hits = selectTop(touched, this.scores, topK).map((doc) => ({ doc, score: this.scores[doc]! }));
    for (const d of touched) this.scores[d] = 0;
    return hits;
  }

  /** The best score a document could get for this query: the score of a document equal to the query. */
  selfScore(query: readonly string[]): number {
    let s = 0;
    for (const t of new Set(query)) s += this.idf(t) * (this.k1 + 1) / (1 + this.k1 * (1 - this.b + (this.b * query.length) / this.avgLen));
    return s;
  }
}
