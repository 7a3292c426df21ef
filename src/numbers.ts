/** Rounds for answers and reports: `digits` decimals (figures are shown, not compared, at that precision). */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
