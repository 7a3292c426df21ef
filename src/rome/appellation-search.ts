import { distance } from "fastest-levenshtein";
import type { Referential } from "./referential.js";
import { isStopword, normalizeText, writtenOut } from "../text/index.js";
import { round } from "../numbers.js";

/** Word-level index of appellation labels for autocomplete (prefixes and typos, not stems). */
export interface AppellationSearchIndex {
  ids: string[];
  labels: string[];
  fiches: string[];
  ficheLabels: string[];
  peuUsite: boolean[];
  vocab: string[];
  postings: Map<string, number[]>;
  idf: Map<string, number>;
}

export function buildAppellationSearch(ref: Referential): AppellationSearchIndex {
  const s: AppellationSearchIndex = {
    ids: [],
    labels: [],
    fiches: [],
    ficheLabels: [],
    peuUsite: [],
    vocab: [],
    postings: new Map(),
    idf: new Map(),
  };
  for (const a of ref.appellations.values()) {
    const row = s.ids.length;
    s.ids.push(a.code);
    s.labels.push(a.libelle);
    s.fiches.push(a.ficheCode);
    s.ficheLabels.push(ref.fiches.get(a.ficheCode)!.libelle);
    s.peuUsite.push(a.peuUsite);
    for (const w of new Set(normalizeText(a.libelle).split(" "))) {
      if (!w || isStopword(w)) continue;
      const p = s.postings.get(w);
      if (p) p.push(row);
      else s.postings.set(w, [row]);
    }
  }
  s.vocab = [...s.postings.keys()];
  for (const [w, p] of s.postings) s.idf.set(w, Math.log(1 + s.ids.length / p.length));
  return s;
}

/**
 * How close a vocabulary word is to a typed token: exact 1; a completion 0.8–0.9 (closer to 0.9 the less is
 * missing, so "boulan" prefers "boulanger" to "boulangerie"); one or two typos 0.75; a typo inside a prefix
 * being typed 0.7. Earlier tokens may be abbreviations too ("dev jav"), at a small discount.
 */
export function tokenSimilarity(token: string, word: string, isLast: boolean): number {
  const masks = { token: charMask(token, token.length), word: charMask(word, word.length), prefix: 0 };
  masks.prefix = charMask(word, Math.min(token.length, word.length));
  return similarity(token, word, isLast, masks, word.charCodeAt(0) === token.charCodeAt(0));
}

/**
 * `tokenSimilarity` with the `charMask`s of the token, the word, and the word's first `token.length` characters
 * given: a search computes the vocabulary's once.
 */
function similarity(
  token: string,
  word: string,
  isLast: boolean,
  masks: { token: number; word: number; prefix: number },
  /** Whether the two start with the same character: else neither is equal to nor a completion of the other. */
  sameFirst: boolean,
): number {
  if (sameFirst) {
    if (word === token) return 1;
    const minPrefix = isLast ? 2 : 3;
    if (token.length >= minPrefix && word.startsWith(token))
      return (isLast ? 0.8 : 0.75) + 0.1 * (token.length / word.length);
  }
  const maxEdits = token.length >= 8 ? 2 : token.length >= 4 ? 1 : 0;
  if (maxEdits === 0) return 0;
  if (Math.abs(word.length - token.length) <= maxEdits && fewEdits(masks.token, masks.word, maxEdits)) {
    if (distance(token, word) <= maxEdits) return 0.75;
  }
  if (isLast && word.length > token.length && fewEdits(masks.token, masks.prefix, maxEdits)) {
    if (distance(token, word.slice(0, token.length)) <= maxEdits) return 0.7;
  }
  return 0;
}

/** The characters of `s`'s first `n`, as bits (a–z each its own; others may share one). */
function charMask(s: string, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m |= 1 << (s.charCodeAt(i) & 31);
  return m;
}

/**
 * Whether two strings of these `charMask`s may be within `edits` edits: each edit brings in or takes out at most
 * one distinct character, so more differing characters rule the distance out without computing it (which was most
 * of a search's time).
 */
function fewEdits(a: number, b: number, edits: number): boolean {
  return bitCount(b & ~a) <= edits && bitCount(a & ~b) <= edits;
}

/** Per index, the `charMask` of each vocabulary word's first n characters (key n; 0: whole words). */
const maskCache = new WeakMap<AppellationSearchIndex, Map<number, Int32Array>>();

function vocabMasks(s: AppellationSearchIndex, n: number): Int32Array {
  let byLength = maskCache.get(s);
  if (!byLength) maskCache.set(s, (byLength = new Map()));
  let masks = byLength.get(n);
  if (!masks) {
    masks = Int32Array.from(s.vocab, (w) => charMask(w, n === 0 ? w.length : Math.min(n, w.length)));
    byLength.set(n, masks);
  }
  return masks;
}

/** Set bits of a 32-bit mask (the classic SWAR count: constant time, where a loop per bit was a search's hot spot). */
export function bitCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Per index, the first character code of each vocabulary word (a token's exact and completion readings need it). */
const firstCache = new WeakMap<AppellationSearchIndex, Int32Array>();

function vocabFirsts(s: AppellationSearchIndex): Int32Array {
  let firsts = firstCache.get(s);
  if (!firsts) firstCache.set(s, (firsts = Int32Array.from(s.vocab, (w) => w.charCodeAt(0))));
  return firsts;
}

/** What a typed token gives every appellation: its rows and best weights, in first-reached order; its IDF. */
interface TokenHits {
  rows: Int32Array;
  weights: Float64Array;
  idf: number;
}

/** How much a typo reading of a token counts when the token is a label word as typed (see `tokenHits`). */
const TYPO_WHEN_EXACT = 0.4;

/** Per index, what each typed token gives (see `tokenHits`). */
const hitsCache = new WeakMap<AppellationSearchIndex, Map<string, TokenHits | null>>();

/** Tokens remembered per index: a match reads its title through here, and titles share most of their words. */
const HITS_CACHE_MAX = 20_000;

/**
 * The appellations a token reaches through the vocabulary words it matches, with their weights (null: no word).
 * A scan of the whole vocabulary (edit distances included) is most of a search's cost, so each token's answer is
 * remembered.
 */
function tokenHits(s: AppellationSearchIndex, token: string, isLast: boolean): TokenHits | null {
  let cache = hitsCache.get(s);
  if (!cache) hitsCache.set(s, (cache = new Map()));
  const key = isLast ? `${token}\u0000` : token;
  let hits = cache.get(key);
  if (hits !== undefined) return hits;
  const matched: [string, number][] = [];
  const wordMasks = vocabMasks(s, 0);
  const prefixMasks = vocabMasks(s, token.length);
  const masks = { token: charMask(token, token.length), word: 0, prefix: 0 };
  const firsts = vocabFirsts(s);
  const first = token.charCodeAt(0);
  // A token that is itself a word of the labels was most likely meant as typed: its typo readings ("full" read as
  // "fuel") rank below any exact one, as search engines rank fewer typos first.
  const typoWeight = s.postings.has(token) ? TYPO_WHEN_EXACT : 1;
  for (let k = 0; k < s.vocab.length; k++) {
    masks.word = wordMasks[k]!;
    masks.prefix = prefixMasks[k]!;
    const sim = similarity(token, s.vocab[k]!, isLast, masks, firsts[k] === first);
    if (sim > 0) matched.push([s.vocab[k]!, sim < 0.8 ? sim * typoWeight : sim]);
  }
  hits = null;
  if (matched.length) {
    // One weight per typed token (the IDF of its most common reading), so rare completions do not win on rarity alone.
    const idf = Math.min(...matched.map(([w]) => s.idf.get(w)!));
    const { best, reached } = scratchOf(s).token;
    let n = 0;
    for (const [w, sim] of matched) {
      const weight = sim * idf;
      for (const row of s.postings.get(w)!) {
        if (best[row]! >= weight) continue;
        if (best[row] === 0) reached[n++] = row;
        best[row] = weight;
      }
    }
    const rows = reached.slice(0, n);
    hits = { rows, weights: Float64Array.from(rows, (row) => best[row]!), idf };
    for (const row of rows) best[row] = 0;
  }
  if (cache.size >= HITS_CACHE_MAX) cache.clear();
  cache.set(key, hits);
  return hits;
}

/** Reused sums (one per appellation) and the appellations they reached, in first-reached order. */
interface Scratch {
  best: Float64Array;
  reached: Int32Array;
}

/** Per index, the buffers of a token's hits and of a query's sums (searches are synchronous: never two at once). */
const scratchCache = new WeakMap<AppellationSearchIndex, { token: Scratch; query: Scratch }>();

function scratchOf(s: AppellationSearchIndex): { token: Scratch; query: Scratch } {
  let x = scratchCache.get(s);
  if (!x) {
    const make = () => ({ best: new Float64Array(s.ids.length), reached: new Int32Array(s.ids.length) });
    scratchCache.set(s, (x = { token: make(), query: make() }));
  }
  return x;
}

export function searchAppellations(s: AppellationSearchIndex, query: string, limit: number) {
  // Abbreviations written out ("dev fullstack" was read "devis"), but not the token being typed unless it is long
  // enough to be whole ("dev" may be the start of "devis"; "fullstack" is complete).
  const typed = normalizeText(query)
    .split(" ")
    .filter((t) => t && !isStopword(t));
  const tokens = typed.flatMap((t, i) => {
    const w = i < typed.length - 1 || t.length >= 5 ? writtenOut(t) : undefined;
    return w ? w.split(" ").filter((x) => !isStopword(x)) : [t];
  });
  if (tokens.length === 0) return [];
  let norm = 0;
  const hitsOf = tokens.map((t, ti) => tokenHits(s, t, ti === tokens.length - 1));
  const { best: scores, reached } = scratchOf(s).query;
  let n = 0;
  for (const hits of hitsOf) {
    if (!hits) continue;
    norm += hits.idf;
    for (let k = 0; k < hits.rows.length; k++) {
      const row = hits.rows[k]!;
      if (scores[row] === 0) reached[n++] = row;
      scores[row]! += hits.weights[k]!;
    }
  }
  // shorter labels first on ties: "Boulanger" before "Boulanger-pâtissier" for "boulanger"
  const before = (a: { row: number; score: number }, b: { row: number; score: number }) =>
    b.score - a.score ||
    Number(s.peuUsite[a.row]) - Number(s.peuUsite[b.row]) ||
    s.labels[a.row]!.length - s.labels[b.row]!.length;
  const scored = Array.from(reached.subarray(0, n), (row) => ({ row, score: norm ? scores[row]! / norm : 0 }));
  for (let k = 0; k < n; k++) scores[reached[k]!] = 0;
  return firstByOrder(scored, before, limit).map(({ row, score }) => ({
    code: s.ids[row]!,
    libelle: s.labels[row]!,
    ficheCode: s.fiches[row]!,
    ficheLibelle: s.ficheLabels[row]!,
    score: round(score, 3),
  }));
}

/**
 * The first `limit` items of `items` stably sorted by `cmp` (what sort then slice gives), without sorting them all
 * when few are asked: a title needs the best appellation of thousands reached.
 */
function firstByOrder<T>(items: T[], cmp: (a: T, b: T) => number, limit: number): T[] {
  if (limit > 32 || limit >= items.length) return items.sort(cmp).slice(0, limit);
  const top: T[] = [];
  for (const x of items) {
    if (top.length === limit && cmp(x, top[limit - 1]!) >= 0) continue;
    // After every item it does not beat (ties stay in arrival order, as a stable sort keeps them).
    let i = top.length;
    while (i > 0 && cmp(x, top[i - 1]!) < 0) i--;
    top.splice(i, 0, x);
    if (top.length > limit) top.pop();
  }
  return top;
}
