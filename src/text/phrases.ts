import { isStopword, normalizeText, stem } from "./normalize.js";
import type { TextUnit } from "./segment.js";

export interface CandidatePhrase {
  /** Stemmed key that groups variants ("gestion de projets agiles" and "gérer projet agile" may meet). */
  readonly key: string;
  /** The surface form as normalised words. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Index of its first and last word among the unit's words: phrases nest by these (`[first, last]` ranges). */
  readonly first: number;
  readonly last: number;
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

/** One normalised word of a unit, with the raw token's offsets. */
interface PhraseToken extends WordInfo {
  start: number;
  end: number;
}

/**
 * A phrase of `candidatePhrases`: its key and text are joined from the unit's tokens when first read (a match reads
 * the keys of a few phrases and the texts of fewer still, of the ~4 per word built).
 */
class Phrase implements CandidatePhrase {
  private k: string | undefined;
  private t: string | undefined;

  constructor(
    private readonly tokens: readonly PhraseToken[],
    readonly first: number,
    readonly last: number,
  ) {}

  get start(): number {
    return this.tokens[this.first]!.start;
  }

  get end(): number {
    return this.tokens[this.last]!.end;
  }

  get key(): string {
    if (this.k === undefined) {
      let key = "";
      for (let i = this.first; i <= this.last; i++) {
        const x = this.tokens[i]!;
        if (!x.stop) key = key ? `${key} ${x.s}` : x.s;
      }
      this.k = key;
    }
    return this.k;
  }

  get text(): string {
    if (this.t === undefined) {
      let text = this.tokens[this.first]!.w;
      for (let i = this.first + 1; i <= this.last; i++) text = `${text} ${this.tokens[i]!.w}`;
      this.t = text;
    }
    return this.t;
  }

  toJSON(): CandidatePhrase {
    return { key: this.key, text: this.text, start: this.start, end: this.end, first: this.first, last: this.last };
  }
}

/**
 * Candidate skill phrases: runs of 1–4 content words inside a unit, not crossing stopwords at the edges.
 * Offsets are in the original text. Used for uncovered-skill detection and trends.
 * Each token is normalised and stemmed once (n-grams reuse them), which keeps a 300-word offer well under 1 ms.
 */
export function candidatePhrases(unit: TextUnit, maxWords = 4): CandidatePhrase[] {
  const tokens: PhraseToken[] = [];
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
    for (let n = 1; n <= maxWords && i + n <= tokens.length; n++) {
      if (tokens[i + n - 1]!.edge) continue;
      out.push(new Phrase(tokens, i, i + n - 1));
    }
  }
  return out;
}
