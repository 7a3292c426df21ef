import { topK } from "./top-k.js";

/** Term → indices of the documents holding it, in document order (each document's terms are unique). */
export function postingLists(docs: readonly Iterable<string>[]): Map<string, number[]> {
  const lists = new Map<string, number[]>();
  docs.forEach((terms, d) => {
    for (const t of terms) {
      const l = lists.get(t);
      if (l) l.push(d);
      else lists.set(t, [d]);
    }
  });
  return lists;
}

export interface CoverageHit {
  doc: number;
  /** Share of the document's term weight that the query contains, in [0, 1]. */
  coverage: number;
}

/**
 * Weighted term coverage of short labels by a query: Σ w(shared terms) / Σ w(label terms). A label is
 * "shown" by a text unit when its informative words are there, whatever else the unit says, which BM25's
 * length normalisation does not express. One pass over the query terms' posting lists, typed arrays only.
 * Not re-entrant (a reused score buffer), like everything in one Node process.
 */
export class CoverageIndex {
  private readonly postings = new Map<string, { docs: Int32Array; weight: number }>();
  private readonly mass: Float64Array;
  private readonly invMass: Float64Array;
  private readonly acc: Float64Array;
  /** Documents touched by the current search (a reused buffer: the search allocates only its results). */
  private readonly touched: Int32Array;
  private readonly docTerms: readonly (readonly string[])[];

  /** `docs` hold unique terms; `weight` gives each term's weight (e.g. its IDF). */
  constructor(docs: readonly (readonly string[])[], weight: (term: string) => number) {
    this.docTerms = docs;
    this.mass = new Float64Array(docs.length);
    this.acc = new Float64Array(docs.length);
    this.touched = new Int32Array(docs.length);
    for (const [t, l] of postingLists(docs)) this.postings.set(t, { docs: Int32Array.from(l), weight: weight(t) });
    docs.forEach((terms, d) => {
      for (const t of terms) this.mass[d]! += this.postings.get(t)!.weight;
    });
    this.invMass = this.mass.map((m) => (m > 0 ? 1 / m : 0));
  }

  /** The `k` documents the query covers best (coverage ≥ `minCoverage`), best first, ties by document order. */
  search(query: ReadonlySet<string>, k: number, minCoverage = 0): CoverageHit[] {
    const acc = this.acc;
    const touched = this.touched;
    let n = 0;
    for (const t of query) {
      const p = this.postings.get(t);
      if (!p) continue;
      const docs = p.docs;
      const w = p.weight;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        if (acc[d] === 0) touched[n++] = d;
        acc[d]! += w;
      }
    }
    // Coverage replaces the accumulated mass in place; the buffer is cleared once the best are read.
    const kept: number[] = [];
    const floor = Math.max(minCoverage, Number.MIN_VALUE);
    const invMass = this.invMass;
    for (let i = 0; i < n; i++) {
      const d = touched[i]!;
      const c = (acc[d] = acc[d]! * invMass[d]!);
      if (c >= floor) kept.push(d);
    }
    const hits = topK(kept, acc, k).map((doc) => ({ doc, coverage: acc[doc]! }));
    for (let i = 0; i < n; i++) acc[touched[i]!] = 0;
    return hits;
  }

  /** Coverage of one document by a set of terms. */
  coverageOf(doc: number, query: ReadonlySet<string>): number {
    const mass = this.mass[doc]!;
    if (mass === 0) return 0;
    let have = 0;
    for (const t of this.docTerms[doc]!) if (query.has(t)) have += this.postings.get(t)!.weight;
    return have / mass;
  }
}
