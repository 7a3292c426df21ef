/**
 * The inverted indexes ProximityIndex scores with: one source against every fiche in one pass over posting lists
 * (coverage of IDF-weighted items, TF-IDF cosine, Jaccard of code sets). Internal to passerelles (not in index.ts).
 */
export type SparseVec = Map<string, number>;

/** TF-IDF over stems, L2-normalised, so a dot product is a cosine. */
export function tfidfVectors(docs: string[][]): SparseVec[] {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  return docs.map((d) => {
    const v: SparseVec = new Map();
    for (const t of d) v.set(t, (v.get(t) ?? 0) + 1);
    let norm = 0;
    for (const [t, tf] of v) {
      const w = (1 + Math.log(tf)) * Math.log((n + 1) / (df.get(t)! + 0.5));
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
}

/** A posting list in typed arrays: the scoring loops are the hot path (~1,600 fiches per query). */
interface Postings {
  docs: Uint32Array;
  ws: Float64Array;
}

function buildPostings(rows: Map<string, number>[]): Map<string, Postings> {
  const tmp = new Map<string, { docs: number[]; ws: number[] }>();
  rows.forEach((row, doc) => {
    for (const [key, w] of row) {
      let p = tmp.get(key);
      if (!p) tmp.set(key, (p = { docs: [], ws: [] }));
      p.docs.push(doc);
      p.ws.push(w);
    }
  });
  return new Map([...tmp].map(([k, p]) => [k, { docs: Uint32Array.from(p.docs), ws: Float64Array.from(p.ws) }]));
}

/** Inverted index over sparse vectors: cosine of one vector against all in one pass over shared terms. */
export class CosineIndex {
  private readonly postings: Map<string, Postings>;
  constructor(readonly vecs: SparseVec[]) {
    this.postings = buildPostings(vecs);
  }
  /** Adds `scale × cosine(vecs[doc], ·)` to `out`. */
  accumulate(doc: number, scale: number, out: Float64Array): void {
    for (const [t, w] of this.vecs[doc]!) {
      const p = this.postings.get(t)!;
      const f = scale * w;
      for (let i = 0; i < p.docs.length; i++) out[p.docs[i]!]! += f * p.ws[i]!;
    }
  }
  cosine(a: number, b: number): number {
    const va = this.vecs[a]!;
    const vb = this.vecs[b]!;
    let s = 0;
    for (const [t, w] of va) s += w * (vb.get(t) ?? 0);
    return s;
  }
}

/** Asymmetric weighted coverage at one level: per fiche, item → w_t(item); inverted for one-pass scoring. */
export class ItemCoverageIndex {
  private readonly postings: Map<string, Postings>;
  private readonly totals: Float64Array;
  constructor(readonly items: Map<string, number>[]) {
    this.postings = buildPostings(items);
    this.totals = new Float64Array(items.length);
    items.forEach((m, doc) => {
      for (const w of m.values()) this.totals[doc]! += w;
    });
  }
  /** Adds `scale × coverage(source → ·)` to `out`. */
  accumulate(source: number, scale: number, out: Float64Array, tmp: Float64Array): void {
    tmp.fill(0);
    for (const it of this.items[source]!.keys()) {
      const p = this.postings.get(it)!;
      for (let i = 0; i < p.docs.length; i++) tmp[p.docs[i]!]! += p.ws[i]!;
    }
    for (let i = 0; i < tmp.length; i++) if (this.totals[i]! > 0) out[i]! += (scale * tmp[i]!) / this.totals[i]!;
  }
  /** Adds `scale × coverage(· → target)` for every target, the source side being `held` (not a fiche of this index). */
  accumulateFrom(held: Iterable<string>, scale: number, out: Float64Array, tmp: Float64Array): void {
    tmp.fill(0);
    for (const it of held) {
      const p = this.postings.get(it);
      if (p) for (let i = 0; i < p.docs.length; i++) tmp[p.docs[i]!]! += p.ws[i]!;
    }
    for (let i = 0; i < tmp.length; i++) if (this.totals[i]! > 0) out[i]! += (scale * tmp[i]!) / this.totals[i]!;
  }
  /**
   * Adds, for every fiche f, the share of `weights`' total (the source's own items and weights) that f lists:
   * coverage the other way round (how much of the source a target uses).
   */
  accumulateReverse(weights: ReadonlyMap<string, number>, out: Float64Array): void {
    let total = 0;
    for (const w of weights.values()) total += w;
    if (total <= 0) return;
    for (const [it, w] of weights) {
      const p = this.postings.get(it);
      if (p) for (let i = 0; i < p.docs.length; i++) out[p.docs[i]!]! += w / total;
    }
  }
  total(doc: number): number {
    return this.totals[doc]!;
  }
  coverage(source: number, target: number): number {
    const s = this.items[source]!;
    let c = 0;
    for (const [it, w] of this.items[target]!) if (s.has(it)) c += w;
    return this.totals[target]! > 0 ? c / this.totals[target]! : 0;
  }
}

/** Jaccard of code sets per fiche, by posting lists: one source against every fiche in one pass. */
export class SetOverlapIndex {
  private readonly postings = new Map<string, number[]>();
  private readonly sizes: Int32Array;
  constructor(private readonly sets: ReadonlySet<string>[]) {
    sets.forEach((set, doc) => {
      for (const x of set) (this.postings.get(x) ?? this.postings.set(x, []).get(x)!).push(doc);
    });
    this.sizes = Int32Array.from(sets, (x) => x.size);
  }
  /** Writes jaccard(source, ·) into `out`. */
  jaccardInto(source: number, out: Float64Array): void {
    out.fill(0);
    for (const x of this.sets[source]!) for (const d of this.postings.get(x)!) out[d]!++;
    const a = this.sizes[source]!;
    for (let i = 0; i < out.length; i++) if (out[i]! > 0) out[i] = out[i]! / (a + this.sizes[i]! - out[i]!);
  }
}

/**
 * Appellation-level similarity of two fiches: the best TF-IDF cosine over pairs of their appellations (and titles).
 * A fiche's title bag mixes all its appellations; the max over pairs says that one of the jobs a fiche covers is
 * close to one the other covers, which a broad fiche (before a split) otherwise dilutes.
 */
export class AppellationMaxIndex {
  private readonly vecs: SparseVec[];
  private readonly postings: Map<string, Postings>;
  private readonly ficheOf: Int32Array;
  private readonly docsOf: Int32Array[];
  private readonly buf: Float64Array;
  private readonly touched: Int32Array;

  /** `labels[i]`: the stems of each appellation (and title) of fiche i. */
  constructor(labels: readonly (readonly string[][])[]) {
    const docs: string[][] = [];
    const ficheOf: number[] = [];
    this.docsOf = labels.map((ls, i) =>
      Int32Array.from(ls, (stems) => {
        docs.push(stems);
        ficheOf.push(i);
        return docs.length - 1;
      }),
    );
    this.vecs = tfidfVectors(docs);
    this.postings = buildPostings(this.vecs);
    this.ficheOf = Int32Array.from(ficheOf);
    this.buf = new Float64Array(docs.length);
    this.touched = new Int32Array(docs.length);
  }

  /** Writes max over appellation pairs of the cosine, source `s` → every fiche, into `out` (filled, not added). */
  maxInto(s: number, out: Float64Array): void {
    out.fill(0);
    const { buf, touched, ficheOf } = this;
    for (const a of this.docsOf[s]!) {
      let k = 0;
      for (const [t, w] of this.vecs[a]!) {
        const p = this.postings.get(t)!;
        for (let i = 0; i < p.docs.length; i++) {
          const d = p.docs[i]!;
          if (buf[d] === 0) touched[k++] = d;
          buf[d]! += w * p.ws[i]!;
        }
      }
      for (let j = 0; j < k; j++) {
        const d = touched[j]!;
        const f = ficheOf[d]!;
        if (buf[d]! > out[f]!) out[f] = buf[d]!;
        buf[d] = 0;
      }
    }
  }
}
