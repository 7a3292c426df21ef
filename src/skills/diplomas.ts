/**
 * The diplomas a French job text names, one list for the whole reading (a leaf module: `stems.ts` and `units.ts`
 * both read it, and `stems.ts` imports `fold` from `units.ts`). Patterns read folded text (`fold`).
 */

/** Diploma levels by the words that name them, tested in this order (`diplomaLevelOf`). */
export const DIPLOMA_LEVELS: readonly [string, RegExp][] = [
  ["cap", /\bcapa?\b/], // CAPa: CAP agricole
  ["bep", /\bbep\b/],
  ["bac pro", /\bbac(?:calaureat)? pro(?:fessionnel)?\b/],
  ["bp", /\bbp\b|\bbrevet professionnel\b/],
  ["bts", /\bbts\b|\bbrevet de technicien superieur\b/],
  // "but" folded is mostly the noun ("dans le but de"): the BUT is read from the unfolded text (`diplomaLevelOf`).
  ["but", /\bdut\b|\bbachelor universitaire de technologie\b/],
  ["licence", /\blicence\b/],
  ["master", /\bmaster\b|\bmastere\b/],
  ["titre pro", /\btitre pro(?:fessionnel)?\b/],
  ["cqp", /\bcqp\b/],
  // Only a Diplôme d'État (or a person "diplômé(e) d'État"): any folded "… de x" ("Agent de service", "Techniques
  // de vente") names no level.
  ["de", /\bdiplome(?:e|es|s|\(e\)|\(e\)s|\(es\))? d etat\b/],
];

/** A folded text that names one of `DIPLOMA_LEVELS`. */
export const ANY_DIPLOMA_LEVEL = new RegExp(DIPLOMA_LEVELS.map(([, re]) => `(?:${re.source})`).join("|"));

/** A folded text that names a diploma, by its level or as a "diplôme" ("agent de service" names none). */
export const NAMES_DIPLOMA = new RegExp(`${ANY_DIPLOMA_LEVEL.source}|\\bdiplome\\b`);
