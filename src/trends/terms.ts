/**
 * Which uncovered phrases are candidate TERMS at all, before any statistics of time or spread. Phrase keys are
 * every run of 1–4 content words an offer holds that ROME does not say (src/match uncovered.ts); most of them are
 * not a compétence anyone would add to ROME:
 *   - a single word of the general language ("reconnu", "véritable", "exigé") states nothing on its own; ROME
 *     items are phrases. A single word is kept only when neither the French lexicon nor the prose of the
 *     referential the offers were read with (fiche definitions and access texts: places, adverbs, the lexicon's
 *     gaps) knows it: a tool, a product, an acronym or an English term ("kubernetes", "terraform", "devops");
 *   - a fragment of a longer candidate ("ajoutée" of "valeur ajoutée", "travailler en étroite" of "travailler en
 *     étroite collaboration") is that candidate said shorter: C-value's nested-frequency rule drops a key whose
 *     documents mostly carry one longer supported key containing it;
 *   - appraisal around words the referential already says ("équipe dynamique", "bon esprit") is no new term;
 *   - the same words in another order ("autonomie rigueur" / "rigueur autonomie") are one finding.
 */
import type { Referential } from "../rome/index.js";
import { isKnownWord, stem, words } from "../text/index.js";
import { containsPhrase } from "./ranking.js";

/**
 * Function words the lexicon (nouns, adjectives, verbs) lacks: adverbs, pronouns and conjunctions. Grammar, not
 * a list of phrases: none of them names a compétence on its own.
 */
const FUNCTION_WORDS = new Set(
  `ailleurs ainsi alentour alors apres assez aujourd auparavant aupres aussi aussitot autant autour autrefois
   autrement avant beaucoup bientot cependant celle celles celui ceci cela ceux certes combien comment davantage
   dedans dehors demain depuis derriere desormais dessous dessus devant donc dont dorenavant encore enfin ensemble
   ensuite environ guere hier ici jadis jamais laquelle lequel lesquelles lesquels loin longtemps lorsque maintenant
   mais meme neanmoins partout pendant peu pourquoi pourtant presque puis quand quant quel quelle quelles quels
   quoi quoique sinon sitot soudain souvent surtout tant tantot tard tot toujours toutefois tres trop vite voici
   voila volontiers`.split(/\s+/),
);

/** A word of the language: the lexicon, a function word, or an adverb in -ment of a known adjective ("facilement"). */
function generalWord(w: string, vocabulary: ReadonlySet<string>): boolean {
  return (
    vocabulary.has(w) ||
    FUNCTION_WORDS.has(w) ||
    isKnownWord(w) ||
    (w.endsWith("ment") && w.length > 7 && isKnownWord(w.slice(0, -4)))
  );
}

/**
 * Evaluative modifiers: "bon esprit", "excellente capacité", "équipe dynamique" say how good something is, not
 * what. Grammar again (a closed class of appraising adjectives), stemmed as keys are.
 */
const EVALUATIVE = new Set(
  `bon bonne bons bonnes excellent excellente excellents excellentes grand grande grands grandes fort forte forts
   fortes reel reelle reels reelles vrai vraie vrais vraies veritable veritables dynamique dynamiques nouveau
   nouvelle nouveaux nouvelles solide solides parfait parfaite parfaits parfaites certain certaine
   important importante importants importantes serieux serieuse agreable agreables super belle beau`
    .split(/\s+/)
    .map(stem),
);

/**
 * A key that is only appraisal around words the old referential already says ("bon esprit" around "esprit",
 * "excellente capacité" around "capacité", "équipe dynamique" around "équipe"): what is new is the praise.
 * `said` is the word test of the referential the offers were read with.
 */
export function praiseOnly(key: string, said: (key: string) => unknown): boolean {
  const stems = key.split(" ");
  const rest = stems.filter((s) => !EVALUATIVE.has(s));
  return rest.length < stems.length && (rest.length === 0 || !!said(rest.join(" ")));
}

export const TERMS = {
  /** A key is a fragment when one longer candidate containing it is in at least this share of its documents. */
  nestedShare: 0.8,
} as const;

/** A candidate term: at least two content words, or one word that neither the lexicon nor `vocabulary` knows. */
export function termLike(key: string, label: string, vocabulary: ReadonlySet<string> = new Set()): boolean {
  if (key.includes(" ")) return true;
  const ws = words(label);
  return ws.length > 0 && ws.some((w) => w.length >= 3 && !generalWord(w, vocabulary));
}

const vocabularies = new WeakMap<Referential, Set<string>>();
/** Normalised words of the referential's prose (fiche definitions and access texts), built once per referential. */
export function proseVocabulary(ref: Referential): ReadonlySet<string> {
  let v = vocabularies.get(ref);
  if (!v) {
    v = new Set();
    for (const f of ref.fiches.values()) for (const w of words(`${f.definition}\n${f.accesMetier}`)) v.add(w);
    vocabularies.set(ref, v);
  }
  return v;
}

/**
 * Keys that are fragments of a longer candidate: some supported key that contains them (words contiguous, in
 * order) holds at least `nestedShare` of their documents. Supports are documents per key.
 */
export function nestedFragments(supports: ReadonlyMap<string, number>, share: number = TERMS.nestedShare): Set<string> {
  // Every contiguous run of words inside a longer key is a key it contains: the best-supported container of
  // each key in one pass over the keys' runs (a key has at most 4 words, so 9 runs), not a scan of all pairs.
  const container = new Map<string, number>();
  for (const [longer, n] of supports) {
    const ws = longer.split(" ");
    for (let a = 0; a < ws.length; a++)
      for (let b = a + 1; b <= ws.length; b++) {
        if (b - a === ws.length) continue;
        const run = ws.slice(a, b).join(" ");
        if (supports.has(run) && n > (container.get(run) ?? -1)) container.set(run, n);
      }
  }
  const out = new Set<string>();
  for (const [k, n] of supports) if ((container.get(k) ?? -1) >= share * n) out.add(k);
  return out;
}

/** The words of a key as a set, order-free: "autonom rigueur" and "rigueur autonom" meet. */
export function bagOf(key: string): string {
  return [...new Set(key.split(" "))].sort().join(" ");
}

/** Two keys are one finding when one sits inside the other or they hold the same words. */
export function sameFinding(a: string, b: string): boolean {
  return containsPhrase(a, b) || containsPhrase(b, a) || bagOf(a) === bagOf(b);
}
