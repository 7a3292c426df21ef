import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { isStopword, normalizeText } from "./normalize.js";

/**
 * French lemmas from the Lefff (Lexique des Formes Fléchies du Français, Sagot 2010) as RosaeNLG packages it on npm:
 * `lefff-helper` (86k noun forms, 57k adjective forms, past participles) and `french-verbs-lefff` (every
 * conjugated form of 7k verbs). Their code is Apache-2.0, the Lefff-derived data LGPL-LR; nothing is copied here, the
 * files are read from node_modules once, on first use (~0.3 s, ~40 MB).
 *
 * Keys and lemmas are in `normalizeText` form (lower case, no accents), as the engine's words are. Where two
 * categories claim a form, nouns win over adjectives and adjectives over verbs: job texts are mostly nouns
 * ("conduite", "formation"), and a participle used as an adjective keeps its own masculine singular ("qualifiée" →
 * "qualifie", not "qualifier").
 */
interface LemmaTables {
  /** Lower-case form with its accents → lemma ("assure" is a verb form, "assuré" a noun)… */
  exact: Map<string, string>;
  /** …and without them, for texts typed without accents. */
  lemmaOf: Map<string, string>;
  /** Lemmas of nouns, for gender folding onto a masculine form that exists ("serveuse" → "serveur"). */
  nounLemmas: Set<string>;
}

let tables: LemmaTables | null = null;

const require = createRequire(import.meta.url);
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

function load(): LemmaTables {
  const exact = new Map<string, string>();
  const lemmaOf = new Map<string, string>();
  const nounLemmas = new Set<string>();
  const put = (form: string, lemma: string) => {
    const f = normalizeText(form);
    const l = normalizeText(lemma);
    // One word each: multi-word entries ("pomme de terre") and forms the normaliser splits are left to the stemmer.
    if (!f || !l || f.includes(" ") || l.includes(" ")) return;
    const lower = form.toLowerCase();
    if (!exact.has(lower)) exact.set(lower, l);
    if (!lemmaOf.has(f)) lemmaOf.set(f, l);
  };
  const readJson = (pkg: string, file: string): unknown => JSON.parse(readFileSync(packageFile(pkg, file), "utf8"));
  const nouns = readJson("lefff-helper", "resources_pub/nouns.json") as Record<string, string>;
  for (const [form, lemma] of Object.entries(nouns)) {
    put(form, lemma);
    const l = normalizeText(lemma);
    if (l && !l.includes(" ")) nounLemmas.add(l);
  }
  const adjectives = readJson("lefff-helper", "resources_pub/adjectives.json") as Record<string, [string, boolean]>;
  const participles = readJson("lefff-helper", "resources_pub/pastParticiples.json") as Record<string, string>;
  for (const [form, [root, isParticiple]] of Object.entries(adjectives)) {
    const lemma = isParticiple ? participles[root] : root;
    if (lemma) put(form, lemma);
  }
  const verbs = readJson("french-verbs-lefff", "dist/conjugations.json") as Record<
    string,
    Record<string, (string | null)[]>
  >;
  for (const [infinitive, tenses] of Object.entries(verbs)) {
    put(infinitive, infinitive);
    for (const forms of Object.values(tenses)) for (const f of forms) if (f && f !== "NA") put(f, infinitive);
  }
  return { exact, lemmaOf, nounLemmas };
}

function lemmaTables(): LemmaTables {
  return (tables ??= load());
}

/** Feminine endings of job nouns and their masculine (the Lefff lists "serveuse", "infirmière" as lemmas of their own). */
const FEMININE: readonly [string, string][] = [
  ["euse", "eur"],
  ["trice", "teur"],
  ["iere", "ier"],
  ["ere", "er"],
  ["ienne", "ien"],
  ["enne", "en"],
  ["ante", "ant"],
  ["ente", "ent"],
];

/**
 * The lemma of one word, in `normalizeText` form: nouns and adjectives in the masculine singular ("infirmières" →
 * "infirmier", "conductrices" → "conducteur", "qualifiées" → "qualifie"), verbs in the infinitive ("gère" → "gerer").
 * A feminine noun the Lefff lists as its own lemma folds onto its masculine when that is a noun too ("serveuse" →
 * "serveur"; "manière" stays). Unknown words (names, acronyms, English) come back normalised. Pure: same answer
 * for the same word.
 */
export function lemma(word: string): string {
  return lemmaOf(word, normalizeText(word));
}

/** `lemma` of a word whose `normalizeText` form `w` the caller has. */
function lemmaOf(word: string, w: string): string {
  if (!w || w.includes(" ") || /[0-9]/.test(w)) return w;
  const t = lemmaTables();
  const l = t.exact.get(word.toLowerCase().replace(/’/g, "'")) ?? t.lemmaOf.get(w) ?? w;
  for (const [fem, masc] of FEMININE) {
    if (l.length > fem.length + 2 && l.endsWith(fem)) {
      const m = l.slice(0, -fem.length) + masc;
      if (t.nounLemmas.has(m)) return m;
    }
  }
  return l;
}

/** Whether the lexicon knows a word (in any inflected form): French words do, names, acronyms and most English do not. */
export function isKnownWord(word: string): boolean {
  return lemmaTables().lemmaOf.has(normalizeText(word));
}

/**
 * Lemmas of a text's content words, in order: elisions split ("l'infirmière" → "infirmier"), stopwords and
 * one-letter words left out.
 */
export function lemmas(text: string): string[] {
  const out: string[] = [];
  // Split as normalizeText does (elisions, hyphens, punctuation), keeping accents for the exact lookup.
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}+#]+/u)) {
    const w = normalizeText(raw);
    if (!w || (w.length < 2 && !/[0-9]/.test(w)) || isStopword(w)) continue;
    if (w.includes(" "))
      out.push(
        ...w
          .split(" ")
          .filter((x) => !isStopword(x))
          .map(lemma),
      );
    else out.push(lemmaOf(raw, w));
  }
  return out;
}
