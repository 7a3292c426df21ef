/**
 * Codes in force when an offer was coded. France Travail codes an offer with the ROME of its day: before the split of
 * June 2025 (1,056 fiches to 1,584) the children of a split fiche did not exist, and offers of that time carry the
 * parent's code (every dev offer created before June 2025 does). `inForce` maps a ranked list of today's codes to
 * the codes of an earlier referential: a fiche absent from it becomes its `code_rome_parent`, repeats merged (first
 * place kept).
 */
export function inForce(
  codes: readonly string[],
  earlier: ReadonlySet<string>,
  parentOf: (code: string) => string,
): string[] {
  const out: string[] = [];
  for (const c of codes) {
    const x = earlier.has(c) ? c : parentOf(c);
    if (!out.includes(x)) out.push(x);
  }
  return out;
}
