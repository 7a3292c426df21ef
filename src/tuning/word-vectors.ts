import { writeFileSync } from "node:fs";
import path from "node:path";
import { WordVectorManifest, wordVectorsBinFile, type WordVectorSettings } from "../embed/index.js";
import { seededRandom } from "./random.js";
import { sha256 } from "./fit-meta.js";

export { WORD_VECTOR_DEFAULTS, type WordVectorSettings } from "../embed/index.js";

export interface TrainedWordVectors {
  vocabulary: string[];
  /** Row-major, one L2-normalised row of `dim` per word. */
  vectors: Float32Array;
  singularValues: number[];
  tokens: number;
  /** Distinct (word, context) pairs with a positive PPMI. */
  pairs: number;
}

/** Sparse rows (CSR) of the PPMI matrix. */
interface Csr {
  n: number;
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** Word vectors from tokenised lines: windowed co-occurrence → PPMI (smoothed contexts) → truncated randomized SVD. */
export function trainWordVectors(lines: readonly (readonly string[])[], s: WordVectorSettings): TrainedWordVectors {
  const counts = new Map<string, number>();
  let tokens = 0;
  for (const l of lines) for (const w of l) (counts.set(w, (counts.get(w) ?? 0) + 1), tokens++);
  const vocabulary = [...counts]
    .filter(([, c]) => c >= s.minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w]) => w);
  const id = new Map(vocabulary.map((w, i) => [w, i]));
  const n = vocabulary.length;
  const a = ppmi(cooccurrences(lines, id, s.window), n, s.alpha);
  const { u, sigma } = randomizedSvd(a, s.dim, s.oversample, s.power, seededRandom(s.seed));
  const vectors = new Float32Array(n * s.dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = 0; k < s.dim; k++) {
      const v = u[k]![i]! * sigma[k]! ** s.eigenPower;
      vectors[i * s.dim + k] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < s.dim; k++) vectors[i * s.dim + k]! /= norm;
  }
  return { vocabulary, vectors, singularValues: sigma, tokens, pairs: a.col.length };
}

/** Symmetric window counts, keyed row × n + column. */
function cooccurrences(lines: readonly (readonly string[])[], id: ReadonlyMap<string, number>, window: number) {
  const n = id.size;
  const m = new Map<number, number>();
  for (const l of lines) {
    const ids = l.map((w) => id.get(w) ?? -1).filter((i) => i >= 0);
    for (let p = 0; p < ids.length; p++)
      for (let q = p + 1; q <= Math.min(ids.length - 1, p + window); q++) {
        const i = ids[p]!;
        const j = ids[q]!;
        if (i === j) continue;
        m.set(i * n + j, (m.get(i * n + j) ?? 0) + 1);
        m.set(j * n + i, (m.get(j * n + i) ?? 0) + 1);
      }
  }
  return m;
}

function ppmi(m: ReadonlyMap<number, number>, n: number, alpha: number): Csr {
  const rowSum = new Float64Array(n);
  const colSum = new Float64Array(n);
  for (const [key, c] of m) {
    rowSum[Math.floor(key / n)]! += c;
    colSum[key % n]! += c;
  }
  let z = 0;
  for (let j = 0; j < n; j++) z += colSum[j]! ** alpha;
  const kept: [number, number][] = [];
  for (const [key, c] of m) {
    const i = Math.floor(key / n);
    const j = key % n;
    const v = Math.log((c * z) / (rowSum[i]! * colSum[j]! ** alpha));
    if (v > 0) kept.push([key, v]);
  }
  kept.sort((x, y) => x[0] - y[0]);
  const start = new Int32Array(n + 1);
  const col = new Int32Array(kept.length);
  const val = new Float64Array(kept.length);
  kept.forEach(([key, v], p) => {
    start[Math.floor(key / n) + 1]!++;
    col[p] = key % n;
    val[p] = v;
  });
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  return { n, start, col, val };
}

type Cols = Float64Array[];

/** A·X for column-major X. */
function mul(a: Csr, x: Cols): Cols {
  return x.map((xk) => {
    const y = new Float64Array(a.n);
    for (let i = 0; i < a.n; i++) {
      let sum = 0;
      for (let p = a.start[i]!; p < a.start[i + 1]!; p++) sum += a.val[p]! * xk[a.col[p]!]!;
      y[i] = sum;
    }
    return y;
  });
}

/** Aᵀ·X for column-major X. */
function mulT(a: Csr, x: Cols): Cols {
  return x.map((xk) => {
    const y = new Float64Array(a.n);
    for (let i = 0; i < a.n; i++) {
      const xi = xk[i]!;
      if (xi === 0) continue;
      for (let p = a.start[i]!; p < a.start[i + 1]!; p++) y[a.col[p]!]! += a.val[p]! * xi;
    }
    return y;
  });
}

/** Orthonormal columns spanning X's (modified Gram-Schmidt, twice for round-off). */
function orth(x: Cols): Cols {
  const q = x.map((c) => Float64Array.from(c));
  for (let pass = 0; pass < 2; pass++)
    for (let k = 0; k < q.length; k++) {
      const v = q[k]!;
      for (let j = 0; j < k; j++) {
        const u = q[j]!;
        let d = 0;
        for (let i = 0; i < v.length; i++) d += u[i]! * v[i]!;
        for (let i = 0; i < v.length; i++) v[i]! -= d * u[i]!;
      }
      let norm = 0;
      for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < v.length; i++) v[i]! /= norm;
    }
  return q;
}

/** The top `dim` left singular vectors (columns) and values of A: randomized range finder with power iterations. */
function randomizedSvd(a: Csr, dim: number, oversample: number, power: number, rand: () => number) {
  const l = Math.min(a.n, dim + oversample);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  let y = mul(
    a,
    Array.from({ length: l }, () => Float64Array.from({ length: a.n }, gauss)),
  );
  for (let it = 0; it < power; it++) y = mul(a, orth(mulT(a, orth(y))));
  const q = orth(y);
  // B = Qᵀ·A (l × n), held as its transpose; B·Bᵀ's eigenvectors are B's left singular vectors.
  const bt = mulT(a, q);
  const g = Array.from({ length: l }, () => new Float64Array(l));
  for (let i = 0; i < l; i++)
    for (let j = i; j < l; j++) {
      let d = 0;
      const x = bt[i]!;
      const z = bt[j]!;
      for (let p = 0; p < a.n; p++) d += x[p]! * z[p]!;
      g[i]![j] = d;
      g[j]![i] = d;
    }
  const { values, vectors } = jacobiEigen(g);
  const order = values.map((v, i) => ({ v, i })).sort((x, z) => z.v - x.v || x.i - z.i);
  const k = Math.min(dim, l);
  const u: Cols = [];
  const sigma: number[] = [];
  for (let c = 0; c < k; c++) {
    const e = order[c]!.i;
    const col = new Float64Array(a.n);
    for (let j = 0; j < l; j++) {
      const w = vectors[j]![e]!;
      if (w === 0) continue;
      const qj = q[j]!;
      for (let i = 0; i < a.n; i++) col[i]! += w * qj[i]!;
    }
    u.push(col);
    sigma.push(Math.sqrt(Math.max(0, order[c]!.v)));
  }
  return { u, sigma };
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a small symmetric matrix: cyclic Jacobi rotations. */
export function jacobiEigen(m: readonly Float64Array[]): { values: number[]; vectors: Float64Array[] } {
  const n = m.length;
  const a = m.map((r) => Float64Array.from(r));
  const v = Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    r[i] = 1;
    return r;
  });
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: a.map((r, i) => r[i]!), vectors: v };
}

/** Writes the manifest (JSON, with the vocabulary) and the int8 rows beside it. */
export function writeWordVectors(
  file: string,
  model: TrainedWordVectors,
  meta: Omit<WordVectorManifest, "vocabulary" | "dim" | "bin">,
): void {
  const dim = model.vectors.length / Math.max(1, model.vocabulary.length);
  const bin = new Int8Array(model.vectors.length);
  for (let i = 0; i < bin.length; i++) bin[i] = Math.max(-127, Math.min(127, Math.round(model.vectors[i]! * 127)));
  const buf = Buffer.from(bin.buffer);
  const manifest: WordVectorManifest = {
    ...meta,
    dim,
    bin: { file: path.basename(wordVectorsBinFile(file)), sha256: sha256(buf), scale: 127 },
    vocabulary: model.vocabulary,
  };
  writeFileSync(wordVectorsBinFile(file), buf);
  writeFileSync(file, JSON.stringify(manifest) + "\n");
}
