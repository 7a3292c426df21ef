import { distance } from "fastest-levenshtein";
import type { Referential } from "./referential.js";
import { isStopword, normalizeText, writtenOut } from "../text/index.js";

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
  const s: AppellationSearchIndex = { ids: [], labels: [], fiches: [], ficheLabels: [], peuUsite: [], vocab: [], postings: new Map(), idf: new Map() };
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
  if (word === token) return 1;
  const minPrefix = isLast ? 2 : 3;
  if (token.length >= minPrefix && word.startsWith(token)) return (isLast ? 0.8 : 0.75) + 0.1 * (token.length / word.length);
  const maxEdits = token.length >= 8 ? 2 : token.length >= 4 ? 1 : 0;
  if (maxEdits === 0) return 0;
  if (Math.abs(word.length - token.length) <= maxEdits && distance(token, word) <= maxEdits) return 0.75;
  if (isLast && word.length > token.length && distance(token, word.slice(0, token.length)) <= maxEdits) return 0.7;
  return 0;
}

export function searchAppellations(s: AppellationSearchIndex, query: string, limit: number) {
  // Abbreviations written out ("dev fullstack" was read "devis"), but not the token being typed unless it is long
  // enough to be whole ("dev" may be the start of "devis"; "fullstack" is complete).
  const typed = normalizeText(query).split(" ").filter((t) => t && !isStopword(t));
  const tokens = typed.flatMap((t, i) => {
    const w = i < typed.length - 1 || t.length >= 5 ? writtenOut(t) : undefined;
    return w ? w.split(" ").filter((x) => !isStopword(x)) : [t];
  });
  if (tokens.length === 0) return [];
  const scores = new Map<number, number>();
  let norm = 0;
  tokens.forEach((t, ti) => {
    const isLast = ti === tokens.length - 1;
    const matched: [string, number][] = [];
    for (const w of s.vocab) {
      const sim = tokenSimilarity(t, w, isLast);
      if (sim > 0) matched.push([w, sim]);
    }
    if (matched.length === 0) return;
    // One weight per typed token (the IDF of its most common reading), so rare completions do not win on rarity alone.
    const tokenIdf = Math.min(...matched.map(([w]) => s.idf.get(w)!));
    norm += tokenIdf;
    const best = new Map<number, number>();
    for (const [w, sim] of matched) {
      const weight = sim * tokenIdf;
      for (const row of s.postings.get(w)!) if ((best.get(row) ?? 0) < weight) best.set(row, weight);
    }
    for (const [row, w] of best) scores.set(row, (scores.get(row) ?? 0) + w);
  });
  return [...scores.entries()]
    .map(([row, sc]) => ({ row, score: norm ? sc / norm : 0 }))
    // shorter labels first on ties: "Boulanger" before "Boulanger-pâtissier" for "boulanger"
    .sort((a, b) => b.score - a.score || Number(s.peuUsite[a.row]) - Number(s.peuUsite[b.row]) || s.labels[a.row]!.length - s.labels[b.row]!.length)
    .slice(0, limit)
    .map(({ row, score }) => ({ code: s.ids[row]!, libelle: s.labels[row]!, ficheCode: s.fiches[row]!, ficheLibelle: s.ficheLabels[row]!, score: Math.round(score * 1000) / 1000 }));
}
