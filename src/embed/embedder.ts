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

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Unit-length copy (zero stays zero). */
export function normalizeVector(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const out = new Float32Array(v.length);
  if (n === 0 || !Number.isFinite(n)) return out;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}
