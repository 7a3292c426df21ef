import { isStopword, normalizeText, stem } from "./normalize.js";
import type { TextUnit } from "./segment.js";

export interface CandidatePhrase {
  /** Stemmed key that groups variants ("gestion de projets agiles" and "gérer projet agile" may meet). */
  key: string;
  /** The surface form as normalised words. */
  text: string;
  start: number;
  end: number;
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

const normCache = new Map<string, string>();
/** normalizeText is NFD-based and dominates phrase extraction; the raw-token vocabulary is small, so memoise it. */
function normalizeCached(raw: string): string {
  let w = normCache.get(raw);
  if (w === undefined) {
    w = normalizeText(raw);
    if (normCache.size < 300_000) normCache.set(raw, w);
  }
  return w;
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
    const w = normalizeCached(m[0]);
    if (!w) continue;
    // normalizeText may split one regex match ("aujourd’hui" → "aujourd hui"): keep one token per word.
    const start = unit.start + m.index;
    for (const part of w.split(" ")) {
      const stop = isStopword(part);
      tokens.push({ w: part, s: stop ? "" : stem(part), stop, edge: isEdgeStop(part), start, end: start + m[0].length });
    }
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
      out.push({ key, text, start: tokens[i]!.start, end: last.end });
    }
  }
  return out;
}
