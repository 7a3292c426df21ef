/** The q-quantile (0..1) of a sample, nearest rank below: what every benchmark here reports as p50/p95/p99. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
