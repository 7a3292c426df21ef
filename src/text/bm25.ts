import { topK as selectTop } from "./top-k.js";

export interface Bm25Hit {
  doc: number;
  score: number;
}

interface Posting {
  docs: Int32Array;
  /** tf·(k1+1) / (tf + k1·(1 − b + b·len/avgLen)) of each document: the query-independent part of its score. */
  part: Float64Array;
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
    const lists = new Map<string, { docs: number[]; tfs: number[] }>();
    docs.forEach((terms, d) => {
      this.docLen[d] = terms.length;
      total += terms.length;
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, n] of tf) {
        let l = lists.get(t);
        if (!l) lists.set(t, (l = { docs: [], tfs: [] }));
        l.docs.push(d);
        l.tfs.push(n);
      }
    });
    this.avgLen = docs.length ? total / docs.length || 1 : 1;
    for (const [t, l] of lists) {
      const part = Float64Array.from(l.docs, (d, i) => {
        const tf = l.tfs[i]!;
        return (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * this.docLen[d]!) / this.avgLen));
      });
      const idf = Math.max(0, Math.log(1 + (this.size - l.docs.length + 0.5) / (l.docs.length + 0.5)));
      this.postings.set(t, { docs: Int32Array.from(l.docs), part, idf });
    }
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
    const touched = this.accumulate(query, weights);
    const hits = selectTop(touched, this.scores, topK).map((doc) => ({ doc, score: this.scores[doc]! }));
    for (const d of touched) this.scores[d] = 0;
    return hits;
  }

  /** Calls `visit` for every document with a positive score, in no particular order (no ranking cost). */
  forEachScore(query: readonly string[], visit: (doc: number, score: number) => void, weights?: ReadonlyMap<string, number>): void {
    const touched = this.accumulate(query, weights);
    for (const d of touched) {
      visit(d, this.scores[d]!);
      this.scores[d] = 0;
    }
  }

  /** Adds each query term's contribution into `scores`; returns the documents touched (the caller resets them). */
  private accumulate(query: readonly string[], weights?: ReadonlyMap<string, number>): number[] {
    const touched: number[] = [];
    const seen = new Set<string>();
    for (const t of query) {
      if (seen.has(t)) continue;
      seen.add(t);
      const p = this.postings.get(t);
      if (!p) continue;
      const w = p.idf * (weights?.get(t) ?? 1);
      if (w === 0) continue;
      const { docs, part } = p;
      const scores = this.scores;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        if (scores[d] === 0) touched.push(d);
        scores[d]! += w * part[i]!;
      }
    }
    return touched;
  }

  /** The `max` distinct query terms of highest tf·idf, highest first (ties by term); terms the index lacks are dropped. */
  salientTerms(query: readonly string[], max: number): string[] {
    const tf = new Map<string, number>();
    for (const t of query) tf.set(t, (tf.get(t) ?? 0) + 1);
    const weighted: { t: string; w: number }[] = [];
    for (const [t, n] of tf) {
      const w = n * this.idf(t);
      if (w > 0) weighted.push({ t, w });
    }
    return weighted.sort((a, b) => b.w - a.w || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0)).slice(0, max).map((x) => x.t);
  }

  /** The best score a document could get for this query: the score of a document equal to the query. */
  selfScore(query: readonly string[]): number {
    let s = 0;
    for (const t of new Set(query)) s += this.idf(t) * (this.k1 + 1) / (1 + this.k1 * (1 - this.b + (this.b * query.length) / this.avgLen));
    return s;
  }
}
