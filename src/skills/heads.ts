import { isStopword, normalizeText } from "../text/index.js";

/**
 * Words that head a savoir label without saying what it is about ("Techniques de coulage", "Connaissance des
 * normes"): the label's head is the word after them.
 */
const GENERIC_HEADS = new Set([
  "techniques",
  "technique",
  "connaissance",
  "connaissances",
  "gestion",
  "utilisation",
  "maitrise",
  "pratique",
  "principes",
  "notions",
  "regles",
  "methodes",
  "outils",
  "caracteristiques",
  "procedures",
  "preuve",
  "sens",
]);

/**
 * The words that say what a label is about: its leading run of content words ("Eplucher", "Accueillir orienter
 * renseigner", "Développer et fidéliser"), without support verbs and generic heads; when nothing else is left, the
 * first content word after them ("Réaliser des agencements de chambres froides" → agencements). A statement that
 * meets none of them shares the label's topic, not its action ("l'état des fruits et légumes" is no peeling).
 * `keyOf` maps a word to the key the label index uses (its stem family); null for a support verb.
 */
export function labelHeads(libelle: string, keyOf: (word: string) => string | null): string[] {
  const words = normalizeText(libelle.replace(/\(.*?\)/g, " "))
    .split(" ")
    .filter((w) => w.length > 1);
  const heads: string[] = [];
  let i = 0;
  // The leading run: content words, and "et"/"ou" between them.
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === "et" || w === "ou") continue;
    if (isStopword(w)) {
      if (heads.length > 0 || i > 0) break;
      continue;
    }
    const k = GENERIC_HEADS.has(w) ? null : keyOf(w);
    if (k !== null) heads.push(k);
  }
  if (heads.length > 0) return [...new Set(heads)];
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (isStopword(w) || GENERIC_HEADS.has(w)) continue;
    const k = keyOf(w);
    if (k !== null) return [k];
  }
  return [];
}
