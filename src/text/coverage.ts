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
 * Term weights are integers in steps of 1/65,536 (far below any IDF difference that matters): the running sums
 * of a search then fit an Int32Array, half the memory of float64 sums that every posting touches at random (the
 * search ~10 % faster inside a match), and are exact whatever the order the terms come in. Steps are coarser only
 * if a document's weight would otherwise pass 2^30.
 */
const WEIGHT_SCALE = 65536;
const MAX_MASS = 2 ** 30;

/**
 * Weighted term coverage of short labels by a query: Σ w(shared terms) / Σ w(label terms). A label is
 * "shown" by a text unit when its informative words are there, whatever else the unit says, which BM25's
 * length normalisation does not express. One pass over the query terms' posting lists, typed arrays only.
 * Not re-entrant (a reused sum buffer), like everything in one Node process.
 */
export class CoverageIndex {
  private readonly termId = new Map<string, number>();
  private readonly weight: Int32Array;
  /** Term id → the documents holding it. */
  private readonly postings: Int32Array[];
  private readonly mass: Int32Array;
  /** Weight of each document's terms, in `docTerms` order: document d's are `termWeight[termStart[d] ..]`. */
  readonly termWeight: Int32Array;
  /** Id of each document's terms, in the same order as `termWeight` (callers that test terms by id read both). */
  readonly termIds: Int32Array;
  readonly termStart: Int32Array;
  private readonly acc: Int32Array;
  /** Documents touched by the current search (a reused buffer: the search allocates only its results). */
  private readonly touched: Int32Array;
  /** Per-set sums of `coverageAcross` (a reused buffer, grown to the largest set index seen). */
  private setSums = new Int32Array(64);
  /**
   * The best k of a search (reused buffers, grown to the largest k asked): a typed array of more than 64 bytes is
   * allocated outside the heap, which cost more than the search of a short statement.
   */
  private bestDoc = new Int32Array(16);
  private bestCov = new Float64Array(16);
  private readonly docTerms: readonly (readonly string[])[];

  /** `docs` hold unique terms; `weight` gives each term's weight (e.g. its IDF), > 0. */
  constructor(docs: readonly (readonly string[])[], weight: (term: string) => number) {
    this.docTerms = docs;
    const raw: number[] = [];
    this.postings = [];
    for (const [t, l] of postingLists(docs)) {
      this.termId.set(t, raw.length);
      raw.push(weight(t));
      this.postings.push(Int32Array.from(l));
    }
    const heaviest = docs.reduce(
      (max, terms) =>
        Math.max(
          max,
          terms.reduce((sum, t) => sum + raw[this.termId.get(t)!]!, 0),
        ),
      0,
    );
    const scale = heaviest * WEIGHT_SCALE > MAX_MASS ? MAX_MASS / heaviest : WEIGHT_SCALE;
    this.weight = Int32Array.from(raw, (w) => Math.max(1, Math.round(w * scale)));
    this.mass = Int32Array.from(docs, (terms) => terms.reduce((sum, t) => sum + this.weight[this.termId.get(t)!]!, 0));
    this.termStart = new Int32Array(docs.length + 1);
    docs.forEach((terms, d) => (this.termStart[d + 1] = this.termStart[d]! + terms.length));
    this.termIds = Int32Array.from(docs.flat(), (t) => this.termId.get(t)!);
    this.termWeight = Int32Array.from(this.termIds, (id) => this.weight[id]!);
    this.acc = new Int32Array(docs.length);
    this.touched = new Int32Array(docs.length);
  }

  /** The `k` (a few) documents the query covers best (coverage ≥ `minCoverage`), best first, ties by document order. */
  search(query: ReadonlySet<string>, k: number, minCoverage = 0): CoverageHit[] {
    const ids: number[] = [];
    for (const t of query) {
      const id = this.termId.get(t);
      if (id !== undefined) ids.push(id);
    }
    return this.searchIds(ids, k, minCoverage);
  }

  /** `search` for query terms given by id (`idOf`; distinct, each one known). */
  searchIds(ids: ArrayLike<number>, k: number, minCoverage = 0): CoverageHit[] {
    const acc = this.acc;
    const touched = this.touched;
    let n = 0;
    for (let q = 0; q < ids.length; q++) {
      const id = ids[q]!;
      const docs = this.postings[id]!;
      const w = this.weight[id]!;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        if (acc[d] === 0) touched[n++] = d;
        acc[d]! += w;
      }
    }
    // The best k are kept in a small sorted buffer while the touched labels are read (k is small: an insertion
    // sort beats collecting every label above the floor and selecting from it, ~2× faster on offers' lines).
    const floor = Math.max(minCoverage, Number.MIN_VALUE);
    const mass = this.mass;
    const cap = Math.max(0, Math.min(k, n));
    if (cap > this.bestDoc.length) {
      this.bestDoc = new Int32Array(cap);
      this.bestCov = new Float64Array(cap);
    }
    const bestDoc = this.bestDoc;
    const bestCov = this.bestCov;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const d = touched[i]!;
      const c = acc[d]! / mass[d]!;
      acc[d] = 0;
      if (c < floor || cap === 0) continue;
      if (m === cap && (c < bestCov[cap - 1]! || (c === bestCov[cap - 1] && d > bestDoc[cap - 1]!))) continue;
      // Insert (c, d) in order: higher coverage first, ties by smaller document.
      let j = m < cap ? m++ : cap - 1;
      while (j > 0 && (bestCov[j - 1]! < c || (bestCov[j - 1] === c && bestDoc[j - 1]! > d))) {
        bestCov[j] = bestCov[j - 1]!;
        bestDoc[j] = bestDoc[j - 1]!;
        j--;
      }
      bestCov[j] = c;
      bestDoc[j] = d;
    }
    const hits: CoverageHit[] = new Array(m);
    for (let i = 0; i < m; i++) hits[i] = { doc: bestDoc[i]!, coverage: bestCov[i]! };
    return hits;
  }

  /**
   * Coverage of one document by each of several term sets at once (a text's units): `setsWith` maps a term to the
   * indices of the sets holding it (`postingLists` of the sets). Returns the sets with coverage > 0 (in no set order),
   * each with the value `coverageOf` gives; one walk over the document's few terms instead of one per set.
   */
  coverageAcross(doc: number, setsWith: ReadonlyMap<string, readonly number[]>): { set: number; coverage: number }[] {
    const mass = this.mass[doc]!;
    if (mass === 0) return [];
    // Sums in a reused typed buffer, not a Map per call (~2× faster on offers' units).
    let have = this.setSums;
    const sets: number[] = [];
    const terms = this.docTerms[doc]!;
    const at = this.termStart[doc]!;
    for (let j = 0; j < terms.length; j++) {
      const holding = setsWith.get(terms[j]!);
      if (!holding) continue;
      const w = this.termWeight[at + j]!;
      for (const set of holding) {
        if (set >= have.length) {
          const grown = new Int32Array(Math.max(2 * have.length, set + 1));
          grown.set(have);
          have = this.setSums = grown;
        }
        if (have[set] === 0) sets.push(set);
        have[set]! += w;
      }
    }
    const out = new Array<{ set: number; coverage: number }>(sets.length);
    for (let i = 0; i < sets.length; i++) {
      const set = sets[i]!;
      out[i] = { set, coverage: have[set]! / mass };
      have[set] = 0;
    }
    return out;
  }
  /** How many distinct terms the documents hold (ids are 0 .. termCount − 1). */
  get termCount(): number {
    return this.weight.length;
  }

  /** A term's id (−1 when no document holds it): the id-based reads skip the string lookups. */
  idOf(term: string): number {
    return this.termId.get(term) ?? -1;
  }

  /** The weight of a term by id (`idOf`). */
  weightOfId(id: number): number {
    return this.weight[id]!;
  }

  /** How many documents hold a term, by id (`idOf`). */
  docFrequencyOfId(id: number): number {
    return this.postings[id]!.length;
  }

  /** `coverageOf` for a query given by the ids of its known terms (a query's unknown terms cover nothing). */
  coverageOfIds(doc: number, ids: ArrayLike<number>): number {
    const mass = this.mass[doc]!;
    if (mass === 0) return 0;
    let have = 0;
    const end = this.termStart[doc + 1]!;
    for (let j = this.termStart[doc]!; j < end; j++) if (holdsId(ids, this.termIds[j]!)) have += this.termWeight[j]!;
    return have / mass;
  }

  /** A term's weight on the scale of `weightOf`'s sums (0 when no document holds it). */
  weightOf(term: string): number {
    const id = this.termId.get(term);
    return id === undefined ? 0 : this.weight[id]!;
  }

  /** How many documents hold a term. */
  docFrequency(term: string): number {
    const id = this.termId.get(term);
    return id === undefined ? 0 : this.postings[id]!.length;
  }

  /** The (unique) terms of one document. */
  termsOf(doc: number): readonly string[] {
    return this.docTerms[doc]!;
  }

  /** Coverage of one document by a set of terms. */
  coverageOf(doc: number, query: ReadonlySet<string>): number {
    const mass = this.mass[doc]!;
    if (mass === 0) return 0;
    let have = 0;
    const terms = this.docTerms[doc]!;
    const at = this.termStart[doc]!;
    for (let j = 0; j < terms.length; j++) if (query.has(terms[j]!)) have += this.termWeight[at + j]!;
    return have / mass;
  }
}

/** Whether a query's few term ids hold `id` (a linear scan: queries have a few terms, a Set would cost more). */
export function holdsId(ids: ArrayLike<number>, id: number): boolean {
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) return true;
  return false;
}
