import { topK as selectTop } from "./top-k.js";

/** Term → how many times a text holds it. */
export type TermCounts = ReadonlyMap<string, number>;

export function termCounts(terms: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

export interface Bm25Hit {
  doc: number;
  score: number;
}

interface Posting {
  docs: Int32Array;
  /** tf·(k1+1) / (tf + k1·(1 − b + b·len/avgLen)) of each document: the query-independent part of its score. */
  part: Float64Array;
  idf: number;
  /** Number of the last query that read this posting (see `accumulate`). */
  stamp: number;
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
  /** Documents the current query touched (a reused buffer) and the number of queries so far. */
  private readonly touched: Int32Array;
  private queries = 0;
  readonly size: number;

  constructor(
    docs: readonly (readonly string[])[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.size = docs.length;
    this.docLen = new Float64Array(docs.length);
    this.scores = new Float64Array(docs.length);
    this.touched = new Int32Array(docs.length);
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
      this.postings.set(t, { docs: Int32Array.from(l.docs), part, idf, stamp: 0 });
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
    const n = this.accumulate(query, weights);
    const scores = this.scores;
    const hits = selectTop(this.touched, scores, topK, n).map((doc) => ({ doc, score: scores[doc]! }));
    for (let i = 0; i < n; i++) scores[this.touched[i]!] = 0;
    return hits;
  }

  /** Calls `visit` for every document with a positive score, in no particular order (no ranking cost); `visit` must not query this index. */
  forEachScore(
    query: readonly string[],
    visit: (doc: number, score: number) => void,
    weights?: ReadonlyMap<string, number>,
  ): void {
    const n = this.accumulate(query, weights);
    const scores = this.scores;
    for (let i = 0; i < n; i++) {
      const d = this.touched[i]!;
      visit(d, scores[d]!);
      scores[d] = 0;
    }
  }

  /**
   * Adds each distinct query term's contribution into `scores`; returns how many documents it touched, listed in
   * `touched` (the caller resets their scores). A query's repeated terms are skipped by stamping each posting with
   * the query's number, not by a set of strings: long body queries repeat many words.
   */
  private accumulate(query: readonly string[], weights?: ReadonlyMap<string, number>): number {
    const stamp = ++this.queries;
    const scores = this.scores;
    const touched = this.touched;
    let n = 0;
    for (const t of query) {
      const p = this.postings.get(t);
      if (!p || p.stamp === stamp) continue;
      p.stamp = stamp;
      const w = p.idf * (weights?.get(t) ?? 1);
      if (w === 0) continue;
      const { docs, part } = p;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        if (scores[d] === 0) touched[n++] = d;
        scores[d]! += w * part[i]!;
      }
    }
    return n;
  }

  /**
   * The `max` distinct query terms of highest tf·idf, highest first (ties by term); terms the index lacks are dropped.
   * The query comes as its `termCounts`, counted once when several indexes pick from one text.
   */
  salientTerms(query: TermCounts, max: number): string[] {
    // The best `max` kept in order while the terms are read (a text has ~200 distinct terms, a query takes 25: no
    // sort of them all). Terms are distinct, so the order (weight, then term) is total: the same as sort and slice.
    const ts: string[] = [];
    const ws: number[] = [];
    for (const [t, n] of query) {
      const w = n * this.idf(t);
      if (w <= 0 || max <= 0) continue;
      if (ts.length === max && (w < ws[max - 1]! || (w === ws[max - 1] && t > ts[max - 1]!))) continue;
      let i = ts.length < max ? ts.length : max - 1;
      if (ts.length < max) (ts.push(t), ws.push(w));
      while (i > 0 && (ws[i - 1]! < w || (ws[i - 1] === w && ts[i - 1]! > t))) {
        ts[i] = ts[i - 1]!;
        ws[i] = ws[i - 1]!;
        i--;
      }
      ts[i] = t;
      ws[i] = w;
    }
    return ts;
  }

  /** The best score a document could get for this query: the score of a document equal to the query. */
  selfScore(query: readonly string[]): number {
    let s = 0;
    for (const t of new Set(query))
      s += (this.idf(t) * (this.k1 + 1)) / (1 + this.k1 * (1 - this.b + (this.b * query.length) / this.avgLen));
    return s;
  }
}
