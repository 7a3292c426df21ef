import { lemmas, stem } from "../text/index.js";
import { ANY_DIPLOMA_LEVEL, DIPLOMA_LEVELS } from "./diplomas.js";
import { fold } from "./units.js";

export function diplomaLevelOf(text: string): string | null {
  return diplomaLevelOfFolded(fold(text), text);
}

/**
 * Whether a ROME label is a diploma, given its `diplomaLevelOf` level ("Habilitation de l'architecte diplômé d'Etat…"
 * names the level, not a diploma).
 */
export function isDiplomaLabel(libelle: string, level: string | null = diplomaLevelOf(libelle)): boolean {
  return level !== null && (level !== "de" || /^dipl[oô]me d.[eé]tat/i.test(libelle));
}

/**
 * `diplomaLevelOf` for a text already folded (`fold`; extraction folds each statement once), given the unfolded
 * text for the capitals of "BUT".
 */
export function diplomaLevelOfFolded(f: string, text: string): string | null {
  if (ANY_DIPLOMA_LEVEL.test(f)) for (const [level, re] of DIPLOMA_LEVELS) if (re.test(f)) return level;
  // In capitals inside a text with lower case: a line all in capitals ("LE BUT DE…") says the noun.
  return /\bBUT\b/.test(text) && /\p{Ll}/u.test(text) ? "but" : null;
}

/**
 * The stems stated extraction compares: each content word's lemma, stemmed. The stemmer alone leaves a verb's forms
 * apart from its infinitive ("négociez" / "négocier", "pilotez"), and ROME's compétences are infinitives.
 */
export function statedStems(text: string): string[] {
  const out: string[] = [];
  // Words never span whitespace, so a text's stems are its chunks' stems in order: memoised per chunk (the 33k
  // labels are read by every extractor, statements repeat across texts).
  for (const chunk of text.split(/\s+/)) {
    if (!chunk) continue;
    let stems = chunkStems.get(chunk);
    if (stems === undefined) {
      stems = lemmas(chunk).map((l) => (LIGHT_VERBS.has(l) ? LIGHT_VERB : stem(NOUN_OF.get(l) ?? l)));
      if (chunkStems.size >= 300_000) chunkStems.clear();
      chunkStems.set(chunk, stems);
    }
    out.push(...stems);
  }
  return out;
}

const chunkStems = new Map<string, string[]>();

/** Verbs whose stem is another word's: "cuire" stems to "cuir" (leather); read as its noun "cuisson". */
const NOUN_OF = new Map([["cuire", "cuisson"]]);

/**
 * Support verbs that carry little of their own ("assurer la facturation", "effectuer la traite", "procéder au
 * coulage"): one word for extraction, so that a statement and a label that use different ones still share it.
 */
const LIGHT_VERBS = new Set([
  "assurer",
  "effectuer",
  "realiser",
  "proceder",
  "faire",
  "executer",
  "accomplir",
  "mener",
  "pratiquer",
  "participer",
]);
export const LIGHT_VERB = "realis";

export const singular = (w: string) => (w.length > 3 && /[sx]$/.test(w) ? w.slice(0, -1) : w);
