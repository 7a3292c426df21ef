export type EmbedRole = "query" | "passage";

/** Turns texts into unit-length vectors. A zero vector means "no known word": callers treat it as empty. */
export interface Embedder {
  /** Stable id used in index folder names, e.g. "rome-fr-static-256". */
  readonly id: string;
  readonly dimension: number;
  embed(texts: readonly string[], role?: EmbedRole): Promise<Float32Array[]>;
}

export function isZero(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

/**
 * Four independent sums: one running sum makes every addition wait for the previous one, which made `dot` ~2×
 * slower on the engine's 256-dimension rows (scoring skill labels and appellations runs ~500 of them a match).
 */
export function dot(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  const tail = n - (n % 4);
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  for (let i = 0; i < tail; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (let i = tail; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

/**
 * `q · a` and `q · b` into `out[0]` and `out[1]`, each summed exactly as `dot` sums it. Two rows at once: a row
 * read at random (a skill label, an appellation) starts with a cache miss, and interleaving two rows lets both
 * misses wait together (~25 % faster over a match's few hundred label rows).
 */
export function dotPair(q: Float32Array, a: Float32Array, b: Float32Array, out: Float64Array): void {
  const n = q.length;
  const tail = n - (n % 4);
  let a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0,
    b0 = 0,
    b1 = 0,
    b2 = 0,
    b3 = 0;
  for (let i = 0; i < tail; i += 4) {
    const q0 = q[i]!,
      q1 = q[i + 1]!,
      q2 = q[i + 2]!,
      q3 = q[i + 3]!;
    a0 += q0 * a[i]!;
    a1 += q1 * a[i + 1]!;
    a2 += q2 * a[i + 2]!;
    a3 += q3 * a[i + 3]!;
    b0 += q0 * b[i]!;
    b1 += q1 * b[i + 1]!;
    b2 += q2 * b[i + 2]!;
    b3 += q3 * b[i + 3]!;
  }
  for (let i = tail; i < n; i++) {
    a0 += q[i]! * a[i]!;
    b0 += q[i]! * b[i]!;
  }
  out[0] = a0 + a1 + a2 + a3;
  out[1] = b0 + b1 + b2 + b3;
}

/** `out[i] = q · rows[i]` (the same sums as `dot`), rows read two at a time with `dotPair`. */
export function dotEach(q: Float32Array, rows: readonly Float32Array[], out: Float64Array): void {
  const pair = new Float64Array(2);
  let i = 0;
  for (; i + 1 < rows.length; i += 2) {
    dotPair(q, rows[i]!, rows[i + 1]!, pair);
    out[i] = pair[0]!;
    out[i + 1] = pair[1]!;
  }
  if (i < rows.length) out[i] = dot(q, rows[i]!);
}

/**
 * `out[r] = q · row r` for a row-major matrix (rows × q.length). Four accumulators: about twice as fast as calling
 * `dot` per row, which matters for scoring every fiche on every request.
 */
export function dotRows(matrix: Float32Array, q: Float32Array, out: Float64Array): void {
  const dim = q.length;
  const rows = Math.min(out.length, Math.floor(matrix.length / dim));
  const tail = dim - (dim % 4);
  for (let r = 0, o = 0; r < rows; r++, o += dim) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let j = 0; j < tail; j += 4) {
      s0 += q[j]! * matrix[o + j]!;
      s1 += q[j + 1]! * matrix[o + j + 1]!;
      s2 += q[j + 2]! * matrix[o + j + 2]!;
      s3 += q[j + 3]! * matrix[o + j + 3]!;
    }
    for (let j = tail; j < dim; j++) s0 += q[j]! * matrix[o + j]!;
    out[r] = s0 + s1 + s2 + s3;
  }
}

/** Unit-length copy (zero stays zero). */
export function normalizeVector(v: Float32Array): Float32Array {
  return scaleToUnit(v, new Float32Array(v.length));
}

/**
 * `normalizeVector` written over `v` itself, for a vector its caller has just built and owns (the static table's
 * sums: one copy of 1 KB less per text embedded). The same values to the bit.
 */
export function normalizeInPlace(v: Float32Array): Float32Array {
  return scaleToUnit(v, v);
}

/** `v` scaled to unit length into `out` (zeros for a zero or non-finite vector). */
function scaleToUnit(v: Float32Array, out: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  if (n === 0 || !Number.isFinite(n)) return out.fill(0);
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}
