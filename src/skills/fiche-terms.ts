import { lowerBound, type CoverageIndex } from "../text/index.js";

/**
 * A fiche's item rows by the terms of their labels (as `CoverageIndex` ids), in typed arrays: the term ids sorted,
 * and for each the rows holding it in the fiche's item order. Built for every fiche when the extractor is (a few ms):
 * the lazy per-fiche maps they replace cost a match ~0.2 ms each time a domain fiche was new to the process.
 */
/** Positions of a fiche's (term, row) pairs stay below this (a fiche has a few hundred). */
const PACK = 2 ** 20;

export class FicheTermRows {
  private constructor(
    private readonly terms: Int32Array,
    /** Term i's rows are `rows[start[i] .. start[i + 1]]`. */
    private readonly start: Int32Array,
    private readonly rows: Int32Array,
  ) {}

  /** No rows for any term. */
  static readonly EMPTY = new FicheTermRows(new Int32Array(0), new Int32Array(1), new Int32Array(0));

  /** `rows` (item rows in the fiche's order, each once) indexed by the terms `labels` gives them. */
  static of(labels: CoverageIndex, rows: readonly number[]): FicheTermRows {
    const { termIds, termStart } = labels;
    let n = 0;
    for (const row of rows) n += termStart[row + 1]! - termStart[row]!;
    // (term, position) pairs packed in one number each and sorted as a typed array (~50× faster than objects): a
    // term's rows stay in the fiche's item order.
    const packed = new Float64Array(n);
    const rowAt = new Int32Array(n);
    let k = 0;
    for (const row of rows)
      for (let j = termStart[row]!; j < termStart[row + 1]!; j++) {
        packed[k] = termIds[j]! * PACK + k;
        rowAt[k++] = row;
      }
    packed.sort();
    const terms: number[] = [];
    const start: number[] = [];
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const t = Math.floor(packed[i]! / PACK);
      if (i === 0 || t !== terms[terms.length - 1]) (terms.push(t), start.push(i));
      out[i] = rowAt[packed[i]! - t * PACK]!;
    }
    start.push(n);
    return new FicheTermRows(Int32Array.from(terms), Int32Array.from(start), out);
  }

  /** Adds to `into` the rows holding term `id`, in the fiche's item order. */
  addRows(id: number, into: Set<number>): void {
    const terms = this.terms;
    const lo = lowerBound(terms, id);
    if (lo === terms.length || terms[lo] !== id) return;
    for (let j = this.start[lo]!; j < this.start[lo + 1]!; j++) into.add(this.rows[j]!);
  }
}
