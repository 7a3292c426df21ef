// natural pulls in dotenv, which prints tips on import unless told to be quiet; this import must come first.
import "./quiet.js";
import natural from "natural";

/** Lower case ASCII words (letters, digits, + and #) one space apart: text `normalizeText` leaves as it is. */
const NORMAL = /^[a-z0-9+#]+(?: [a-z0-9+#]+)*$/;

/** Lower-case, strip accents and ligatures, keep letters/digits; one space between words. */
export function normalizeText(s: string): string {
  const lower = s.toLowerCase();
  // Most words of a text are plain ASCII: one test instead of the NFD and five replacements (new words meet several
  // memoised readers, each normalising them).
  if (NORMAL.test(lower)) return lower;
  return lower
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[’']/g, " ")
    .replace(/[^a-z0-9+#]+/g, " ")
    .trim();
}

const STOP = new Set(
  [
    ...natural.stopwords,
    ...`a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y ete etre avoir fait faire sont est sera ainsi afin cette cet tout tous toute toutes plus tres selon etc h f hf ou/et dont leurs chez entre sous lors vers via sein`.split(
      " ",
    ),
  ].map((w) => normalizeText(w)),
);

export function isStopword(normalizedWord: string): boolean {
  return STOP.has(normalizedWord);
}

/**
 * Folds French feminine job-title endings onto the masculine form before stemming, so that
 * "développeuse" and "développeur", "conseillère" and "conseiller" meet (ROME labels carry both forms).
 */
export function foldGender(w: string): string {
  if (w.length < 5) return w;
  if (w.endsWith("euses")) return w.slice(0, -5) + "eur";
  if (w.endsWith("euse")) return w.slice(0, -4) + "eur";
  if (w.endsWith("trices")) return w.slice(0, -6) + "teur";
  if (w.endsWith("trice")) return w.slice(0, -5) + "teur";
  if (w.endsWith("ieres")) return w.slice(0, -5) + "ier";
  if (w.endsWith("iere")) return w.slice(0, -4) + "ier";
  if (w.endsWith("eres")) return w.slice(0, -4) + "er";
  if (w.endsWith("ere")) return w.slice(0, -3) + "er";
  if (w.endsWith("iennes")) return w.slice(0, -6) + "ien";
  if (w.endsWith("ienne")) return w.slice(0, -5) + "ien";
  return w;
}

const stemCache = new Map<string, string>();
/** French Porter stem of a normalised word, after gender folding (memoised: the vocabulary is small). */
export function stem(normalizedWord: string): string {
  let s = stemCache.get(normalizedWord);
  if (s === undefined) {
    s = /^[0-9]/.test(normalizedWord) ? normalizedWord : natural.PorterStemmerFr.stem(foldGender(normalizedWord));
    if (stemCache.size < 200_000) stemCache.set(normalizedWord, s);
  }
  return s;
}

/** Normalised words of a text, stopwords kept (offsets are not tracked here; see segment.ts). */
export function words(s: string): string[] {
  const n = normalizeText(s);
  return n ? n.split(" ") : [];
}

/** Content tokens: normalised, stopwords and 1-letter words removed, stemmed. */
export function contentStems(s: string): string[] {
  const out: string[] = [];
  // normalizeText works char by char and whitespace always separates words, so a text's stems are its
  // whitespace-delimited chunks' stems in order: memoised per chunk, which skips the regex passes for known words.
  for (const chunk of s.split(/\s+/)) {
    if (!chunk) continue;
    for (const st of chunkContentStems(chunk)) out.push(st);
  }
  return out;
}

/** Whether a text has a content token (`contentStems(s).length > 0`, read chunk by chunk up to the first one). */
export function hasContentStems(s: string): boolean {
  return hasContentStemsAtLeast(s, 1);
}

/**
 * Whether a text has `n` content tokens or more (`contentStems(s).length >= n`), read chunk by chunk up to the
 * n-th: a test of the first words need not stem the whole text nor build its list.
 */
export function hasContentStemsAtLeast(s: string, n: number): boolean {
  if (n <= 0) return true;
  let seen = 0;
  for (const chunk of s.split(/\s+/)) if (chunk && (seen += chunkContentStems(chunk).length) >= n) return true;
  return false;
}

function chunkContentStems(chunk: string): readonly string[] {
  let stems = chunkStems.get(chunk);
  if (stems === undefined) {
    const fresh: string[] = [];
    for (const w of words(chunk)) {
      if (w.length < 2 && !/[0-9]/.test(w)) continue;
      if (STOP.has(w)) continue;
      fresh.push(stem(w));
    }
    stems = fresh;
    if (chunkStems.size >= 300_000) chunkStems.clear();
    chunkStems.set(chunk, stems);
  }
  return stems;
}
const chunkStems = new Map<string, readonly string[]>();

/**
 * A short title's identity, for exact lookups: its distinct content stems, sorted, without stems of one or two
 * letters or with digits (references, "35h", "H/F" leftovers), which name no job. So "SERVEUR (h/f) 35h" and
 * "Serveur H/F" share one key. "" when nothing is left.
 */
export function titleKey(stems: readonly string[]): string {
  return [...new Set(stems.filter((s) => s.length > 2 && !/\d/.test(s)))].sort().join(" ");
}
