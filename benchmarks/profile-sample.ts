import type { Referential } from "../src/rome/referential.js";

/**
 * The benchmarks' fiche-derived profile of `codes[i]`: half of the fiche's compétences plus two of another fiche's,
 * a realistic, imperfect profile of someone doing that fiche (bench:proximity's profile check, profile-fit.ts).
 */
export function benchProfile(ref: Referential, codes: readonly string[], i: number): string[] {
  const f = ref.fiches.get(codes[i]!)!;
  const other = ref.fiches.get(codes[(i + 7) % codes.length]!)!;
  return [...f.competences.filter((_, j) => j % 2 === 0), ...other.competences.slice(0, 2)].map((x) => x.code);
}

/** Whether the profile's own fiche is among the 20 shown (10 now, 10 with training), and how many of its mobilités. */
export function profileHits(
  shown: readonly string[],
  own: string,
  targets: ReadonlySet<string>,
): { self: number; mobilites: number } {
  return { self: Number(shown.includes(own)), mobilites: shown.filter((x) => targets.has(x)).length };
}
