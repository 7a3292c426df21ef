import { lowerBound } from "./sorted.js";

/** Terms held by at least this many documents get a bitset over the documents (one bit each). */
const BITSET_MIN_DF = 64;

/**
 * "Does one document hold every one of these terms?" over many short documents (ROME's labels), asked for
 * thousands of new phrases a text. The rarest term's documents are walked and the other terms tested on integer
 * ids: a bit of a bitset for frequent terms, a binary search of the sorted posting list for rare ones. String sets
 * per document cost a hash per test, which made this question a tenth of a match.
 */
export class AllTermsIndex {
  private readonly termId = new Map<string, number>();
  /** Term id → its documents, ascending. */
  private readonly postings: Int32Array[] = [];
  /** Term id → bitset of its documents (frequent terms only). */
  private readonly bits: (Uint32Array | null)[] = [];

  constructor(docs: readonly Iterable<string>[]) {
    const lists: number[][] = [];
    docs.forEach((terms, d) => {
      for (const t of terms) {
        let id = this.termId.get(t);
        if (id === undefined) this.termId.set(t, (id = lists.push([]) - 1));
        const l = lists[id]!;
        if (l[l.length - 1] !== d) l.push(d); // a term repeated in a document counts once
      }
    });
    const words = (docs.length + 31) >>> 5;
    for (const l of lists) {
      this.postings.push(Int32Array.from(l));
      if (l.length < BITSET_MIN_DF) {
        this.bits.push(null);
        continue;
      }
      const b = new Uint32Array(words);
      for (const d of l) b[d >>> 5]! |= 1 << (d & 31);
      this.bits.push(b);
    }
  }

  /** True when one document holds every term (false for no terms or an unknown term). */
  anyHoldsAll(terms: readonly string[]): boolean {
    return this.forEachHoldingAll(terms, () => true);
  }

  /**
   * Calls `visit` with each document that holds every term, in ascending order, until it returns true; whether one
   * did. None for no terms or an unknown term.
   */
  forEachHoldingAll(terms: readonly string[], visit: (doc: number) => boolean | void): boolean {
    if (terms.length === 0) return false;
    const ids: number[] = [];
    for (const t of terms) {
      const id = this.termId.get(t);
      if (id === undefined) return false;
      if (!ids.includes(id)) ids.push(id);
    }
    ids.sort((a, b) => this.postings[a]!.length - this.postings[b]!.length);
    const first = this.postings[ids[0]!]!;
    for (let i = 0; i < first.length; i++) {
      const d = first[i]!;
      let all = true;
      for (let j = 1; j < ids.length && all; j++) all = this.holds(ids[j]!, d);
      if (all && visit(d) === true) return true;
    }
    return false;
  }

  private holds(id: number, doc: number): boolean {
    const b = this.bits[id];
    if (b) return (b[doc >>> 5]! & (1 << (doc & 31))) !== 0;
    const l = this.postings[id]!;
    const at = lowerBound(l, doc);
    return at < l.length && l[at] === doc;
  }
}
