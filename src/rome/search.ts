import { distance } from "fastest-levenshtein";
import { Bm25Index, contentStems, normalizeText, stem, isStopword } from "../text/index.js";
import type { Referential } from "./referential.js";
import { round } from "../numbers.js";

/** What keyword search can return. A fiche is found through its libellé or any of its appellations. */
export type SearchKind = "fiche" | "competence" | "macro-competence" | "savoir";
export const SEARCH_KINDS: readonly SearchKind[] = ["fiche", "competence", "macro-competence", "savoir"];

export interface SearchHit {
  kind: SearchKind;
  code: string;
  libelle: string;
  /** 0..1: BM25 score divided by the score of a label equal to the (corrected) query. */
  score: number;
  /** For a fiche: the appellation (or the fiche libellé) that matched best. */
  matched?: string;
}

export interface SearchResult {
  query: string;
  /** Query words not in the ROME vocabulary, replaced by the closest word (typo tolerance). */
  corrections: { from: string; to: string }[];
  hits: SearchHit[];
}

interface Doc {
  code: string;
  label: string;
}

/** Typo tolerance: edit distance allowed for a word of this length (short words are too ambiguous to correct). */
export function maxEdits(len: number): number {
  return len < 5 ? 0 : len < 9 ? 1 : 2;
}

/**
 * Keyword search over ROME labels: one BM25 index per kind (so IDF is per collection), French stems,
 * and typo correction of out-of-vocabulary words by edit distance against the labels' own words.
 */
export class RomeSearch {
  private readonly indexes = new Map<SearchKind, { bm25: Bm25Index; docs: Doc[] }>();
  private readonly exact = new Map<string, { kind: SearchKind; code: string }[]>();
  /** Normalised word → stem, for every word in any label; words grouped by length for correction. */
  private readonly vocab = new Map<string, string>();
  private readonly byLength = new Map<number, string[]>();

  constructor(private readonly ref: Referential) {
    const fichesDocs: Doc[] = [];
    for (const f of ref.fiches.values()) {
      fichesDocs.push({ code: f.code, label: f.libelle });
      for (const a of f.appellations) {
        const ap = ref.appellations.get(a);
        if (ap) fichesDocs.push({ code: f.code, label: ap.libelle });
      }
    }
    const sources: [SearchKind, Doc[]][] = [
      ["fiche", fichesDocs],
      ["competence", [...ref.competences.values()].map((c) => ({ code: c.code, label: c.libelle }))],
      ["macro-competence", [...ref.macroCompetences.values()].map((c) => ({ code: c.code, label: c.libelle }))],
      ["savoir", [...ref.savoirs.values()].map((c) => ({ code: c.code, label: c.libelle }))],
    ];
    for (const [kind, docs] of sources) {
      this.indexes.set(kind, { bm25: new Bm25Index(docs.map((d) => contentStems(d.label))), docs });
      for (const d of docs) {
        const key = normalizeText(d.label);
        const list = this.exact.get(key) ?? [];
        list.push({ kind, code: d.code });
        this.exact.set(key, list);
        for (const w of key.split(" ")) if (w.length > 1 && !this.vocab.has(w)) this.vocab.set(w, stem(w));
      }
    }
    for (const w of this.vocab.keys()) {
      const l = this.byLength.get(w.length) ?? [];
      l.push(w);
      this.byLength.set(w.length, l);
    }
  }

  /** The closest vocabulary word within the allowed edit distance, or undefined. */
  correct(word: string): string | undefined {
    const k = maxEdits(word.length);
    if (k === 0) return undefined;
    let best: string | undefined;
    let bestD = k + 1;
    for (let len = word.length - k; len <= word.length + k; len++) {
      for (const w of this.byLength.get(len) ?? []) {
        const d = distance(word, w);
        if (d < bestD || (d === bestD && best !== undefined && w < best)) {
          best = w;
          bestD = d;
        }
      }
    }
    return bestD <= k ? best : undefined;
  }

  /** Query stems after typo correction of words whose stem no label uses. */
  private queryStems(q: string): { stems: string[]; corrections: { from: string; to: string }[] } {
    const stems: string[] = [];
    const corrections: { from: string; to: string }[] = [];
    const known = (s: string) => [...this.indexes.values()].some((i) => i.bm25.has(s));
    for (const w of normalizeText(q).split(" ")) {
      if (!w || (w.length < 2 && !/[0-9]/.test(w)) || isStopword(w)) continue;
      const s = stem(w);
      if (known(s)) {
        stems.push(s);
        continue;
      }
      const c = this.correct(w);
      if (c) {
        corrections.push({ from: w, to: c });
        stems.push(this.vocab.get(c)!);
      } else stems.push(s);
    }
    return { stems, corrections };
  }

  private label(kind: SearchKind, code: string): string {
    return kind === "fiche" ? this.ref.fiches.get(code)!.libelle : (this.ref.itemLabel(code) ?? code);
  }

  /** Ranked hits over the requested kinds, merged on the normalised 0..1 score. */
  search(q: string, kinds: readonly SearchKind[] = SEARCH_KINDS, limit = 20): SearchResult {
    const { stems, corrections } = this.queryStems(q);
    const hits: SearchHit[] = [];
    const distinct = [...new Set(stems)];
    for (const kind of kinds) {
      const idx = this.indexes.get(kind)!;
      const self = idx.bm25.selfScore(stems);
      if (self <= 0) continue;
      // BM25 ignores query words a collection never uses; they still count against the match here, so that
      // "lire un plan" does not score 1.0 on a label that only shares "plan".
      const known = distinct.filter((t) => idx.bm25.has(t)).length / distinct.length;
      const seen = new Set<string>();
      // Over-fetch for fiches: several appellations of one fiche collapse into one hit (the best one).
      for (const h of idx.bm25.search(stems, kind === "fiche" ? limit * 8 : limit)) {
        const d = idx.docs[h.doc]!;
        if (seen.has(d.code)) continue;
        seen.add(d.code);
        const libelle = this.label(kind, d.code);
        hits.push({
          kind,
          code: d.code,
          libelle,
          score: round(Math.min(1, h.score / self) * known, 3),
          ...(kind === "fiche" ? { matched: d.label } : {}),
        });
      }
    }
    hits.sort((a, b) => b.score - a.score || a.libelle.length - b.libelle.length || a.code.localeCompare(b.code));
    return { query: q, corrections, hits: hits.slice(0, limit) };
  }

  /** Items whose label equals the text once normalised (accents, case, punctuation). */
  exactLabel(text: string, kinds: readonly SearchKind[] = SEARCH_KINDS): { kind: SearchKind; code: string }[] {
    return (this.exact.get(normalizeText(text)) ?? []).filter((e) => kinds.includes(e.kind));
  }
}

const cache = new WeakMap<Referential, RomeSearch>();
/** One search index per referential, built on first use (~1 s). */
export function romeSearch(ref: Referential): RomeSearch {
  let s = cache.get(ref);
  if (!s) cache.set(ref, (s = new RomeSearch(ref)));
  return s;
}
