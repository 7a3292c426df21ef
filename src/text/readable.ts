/**
 * Whether a string reads as text at all, for the boundaries that take free text (match, extraction, the lake):
 * bytes decoded as text, or random characters, must get a clear refusal rather than métiers ranked from noise.
 */
import { z } from "zod";
import { isKnownWord } from "./lemma.js";
import { isStopword } from "./normalize.js";

// Control characters other than tab/newline, and U+FFFD from undecodable bytes, mark binary garbage.
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/g;

/** More than 1 % (at least 3) control or replacement characters: bytes, not text. */
export function looksBinary(s: string): boolean {
  return (s.match(BINARY)?.length ?? 0) > Math.max(2, s.length * 0.01);
}

/**
 * The least share of a text's words the French lexicon (Lefff) or the stopword list knows. Measured 2026-12-02: the
 * 3,760 dev offers ≥ 0.35 (1st percentile 0.77), the 62 gold texts ≥ 0.74, English job texts ~0.6; base64 of random
 * bytes 0.03, random letters 0. Short texts (fewer than READABLE.minWords words: a title, "DevOps SRE") are not
 * judged.
 */
export const READABLE = { minShare: 0.15, minWords: 8, sampleWords: 400 } as const;

/** Words of two letters or more, lower case, at most `limit` of them (the first ones: enough to judge). */
function sampleWords(s: string, limit: number): string[] {
  const out: string[] = [];
  for (const w of s.toLowerCase().split(/[^\p{L}]+/u)) {
    if (w.length < 2) continue;
    out.push(w);
    if (out.length === limit) break;
  }
  return out;
}

/** Share of the text's words (the first READABLE.sampleWords) that are known French words or stopwords. */
export function knownWordShare(s: string): { share: number; words: number } {
  const words = sampleWords(s, READABLE.sampleWords);
  if (words.length === 0) return { share: 0, words: 0 };
  let known = 0;
  for (const w of words) if (isStopword(w) || isKnownWord(w)) known++;
  return { share: known / words.length, words: words.length };
}

/** Why a string is not text to match, or null when it is: no words at all, or long and almost none known. */
export function unreadableReason(s: string): string | null {
  if (looksBinary(s)) return "looks like binary data, not text";
  const { share, words } = knownWordShare(s);
  if (words === 0) return "holds no words";
  if (words >= READABLE.minWords && share < READABLE.minShare)
    return `holds almost no recognisable words (${Math.round(share * 100)} % of ${words} known, at least ${READABLE.minShare * 100} % needed): not natural-language text`;
  return null;
}

/**
 * The free-text field of the boundaries (match, extraction, lake documents): at most `max` characters, not empty,
 * and text (`unreadableReason`); each refusal names its reason.
 */
export const readableTextField = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .superRefine((s, ctx) => {
      if (s.length > max) return;
      const reason = s.trim().length === 0 ? "must not be empty" : unreadableReason(s);
      if (reason) ctx.addIssue({ code: "custom", message: reason });
    });
