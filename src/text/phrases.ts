import { isStopword, normalizeText, stem } from "./normalize.js";
import type { TextUnit } from "./segment.js";

export interface CandidatePhrase {
  /** Stemmed key that groups variants ("gestion de projets agiles" and "gérer projet agile" may meet). */
  key: string;
  /** The surface form as normalised words. */
  text: string;
  start: number;
  end: number;
  /** Index of its first and last word among the unit's words: phrases nest by these (`[first, last]` ranges). */
  first: number;
  last: number;
}

/**
 * Words that may sit inside a phrase but never start or end one: auxiliaries, adverbs and recruiting
 * boilerplate verbs that the generic stopword list misses and that otherwise top every frequency count
 * ("vous êtes", "vous aurez", "n'hésitez pas").
 */
const EDGE_STOP = new Set(
  `etes avez aurez seront serez sera serait etait avons ont alors aussi pourquoi quelques toujours aujourd hui
   souvent egalement notamment bien tres trop peu beaucoup deja encore ici comme chaque autre autres meme memes
   plusieurs certains certaines nombreux nombreuses aime aimez envie hesitez proposons postulez rejoignez
   amene amenee amenes amenees sein fois peut peuvent doit doivent pouvez devez voulez souhaitez savez`.split(/\s+/),
);

/** 2nd-person-plural verb forms ("vous interviendrez", "vous maîtrisez") are phrasing, not skills. */
function isEdgeStop(w: string): boolean {
  return w.length < 2 || isStopword(w) || EDGE_STOP.has(w) || (w.length > 4 && w.endsWith("ez"));
}

/** What phrase building needs of one normalised word. */
interface WordInfo {
  w: string;
  /** Stem; "" for a stopword. */
  s: string;
  stop: boolean;
  edge: boolean;
}

const wordCache = new Map<string, readonly WordInfo[]>();
/**
 * The words of one raw token (normalisation can split it: "aujourd’hui" → "aujourd hui"), memoised: the raw-token
 * vocabulary is small, and one lookup here replaces the normalisation (NFD-based, the dominant cost) and the
 * stopword, stem and edge lookups of each word.
 */
function wordsOf(raw: string): readonly WordInfo[] {
  let infos = wordCache.get(raw);
  if (infos === undefined) {
    const w = normalizeText(raw);
    infos = w
      ? w.split(" ").map((part) => {
          const stop = isStopword(part);
          return { w: part, s: stop ? "" : stem(part), stop, edge: isEdgeStop(part) };
        })
      : [];
    if (wordCache.size < 300_000) wordCache.set(raw, infos);
  }
  return infos;
}

/**
 * Candidate skill phrases: runs of 1–4 content words inside a unit, not crossing stopwords at the edges.
 * Offsets are in the original text. Used for uncovered-skill detection and trends.
 * Each token is normalised and stemmed once (n-grams reuse them), which keeps a 300-word offer well under 1 ms.
 */
export function candidatePhrases(unit: TextUnit, maxWords = 4): CandidatePhrase[] {
  const tokens: { w: string; s: string; stop: boolean; edge: boolean; start: number; end: number }[] = [];
  const re = /[\p{L}\p{N}+#]+/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(unit.text))) {
    // One token per word, all with the raw token's offsets.
    const start = unit.start + m.index;
    const end = start + m[0].length;
    for (const x of wordsOf(m[0])) tokens.push({ w: x.w, s: x.s, stop: x.stop, edge: x.edge, start, end });
  }
  const out: CandidatePhrase[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.edge) continue;
    let key = "";
    let text = "";
    for (let n = 1; n <= maxWords && i + n <= tokens.length; n++) {
      const last = tokens[i + n - 1]!;
      text = n === 1 ? last.w : `${text} ${last.w}`;
      if (!last.stop) key = key ? `${key} ${last.s}` : last.s;
      if (last.edge) continue;
      out.push({ key, text, start: tokens[i]!.start, end: last.end, first: i, last: i + n - 1 });
    }
  }
  return out;
}
