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
 * Candidate skill phrases: runs of 1–4 content words inside a unit, not crossing stopwords at the edges.
 * Offsets are in the original text. Used for uncovered-skill detection and trends.
 */
export function candidatePhrases(unit: TextUnit, maxWords = 4): CandidatePhrase[] {
  const tokens: { w: string; start: number; end: number }[] = [];
  const re = /[\p{L}\p{N}+#]+/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(unit.text))) {
    const w = normalizeText(m[0]);
    if (w) tokens.push({ w, start: unit.start + m.index, end: unit.start + m.index + m[0].length });
  }
  const out: CandidatePhrase[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (isStopword(tokens[i]!.w) || tokens[i]!.w.length < 2) continue;
    for (let n = 1; n <= maxWords && i + n <= tokens.length; n++) {
      const last = tokens[i + n - 1]!;
      if (isStopword(last.w) || last.w.length < 2) continue;
      const span = tokens.slice(i, i + n);
      const key = span.filter((t) => !isStopword(t.w)).map((t) => stem(t.w)).join(" ");
      out.push({ key, text: span.map((t) => t.w).join(" "), start: tokens[i]!.start, end: last.end });
    }
  }
  return out;
}
