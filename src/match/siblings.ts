import type { Referential } from "../rome/index.js";
import { contentStems } from "../text/index.js";

/**
 * What tells a fiche from its siblings (the fiches with the same `code_rome_parent`, the parent included): the words
 * of its labels, appellations, compétences, savoirs and definition that its siblings lack. v460 split many fiches
 * into children that share most of their vocabulary (M1805 has 27), so whole-fiche evidence ties among them; these
 * words are ROME's own, so they hold on sources no labelled offer comes from.
 */
export interface SiblingTerms {
  /** Stem → the fiche rows it is distinctive for and its weight there (over the fiche's norm). */
  postings: Map<string, { rows: Int32Array; weights: Float32Array }>;
  /** Row → index of its family in `families`; -1 for a fiche without siblings (all its words are its own). */
  familyOf: Int32Array;
  families: Int32Array[];
}

/** A word's weight by where the fiche has it: labels and appellations name the job, items and definition describe it. */
const SOURCE_WEIGHT = { label: 2, item: 1, definition: 0.5 } as const;

/** The title's words count this many times the body's (a recruiter's title names the job). */
const TITLE_WEIGHT = 3;

export function buildSiblingTerms(ref: Referential, ficheCodes: readonly string[]): SiblingTerms {
  const row = new Map(ficheCodes.map((c, i) => [c, i]));
  // Each fiche's words, at the weight of the best place it has them.
  const words = ficheCodes.map((code) => {
    const f = ref.fiches.get(code)!;
    const m = new Map<string, number>();
    const add = (text: string, w: number) => {
      for (const s of contentStems(text)) if ((m.get(s) ?? 0) < w) m.set(s, w);
    };
    add(f.libelle, SOURCE_WEIGHT.label);
    for (const a of f.appellations) add(ref.appellations.get(a)?.libelle ?? "", SOURCE_WEIGHT.label);
    for (const c of f.competences) add(ref.competences.get(c.code)?.libelle ?? "", SOURCE_WEIGHT.item);
    for (const s of f.savoirs) add(ref.savoirs.get(s.code)?.libelle ?? "", SOURCE_WEIGHT.item);
    add(f.definition, SOURCE_WEIGHT.definition);
    return m;
  });
  const df = new Map<string, number>();
  for (const m of words) for (const s of m.keys()) df.set(s, (df.get(s) ?? 0) + 1);
  const byParent = new Map<string, number[]>();
  ficheCodes.forEach((code, i) => {
    const p = ref.fiches.get(code)!.parent;
    const key = row.has(p) ? p : code;
    byParent.set(key, [...(byParent.get(key) ?? []), i]);
  });
  const familyOf = new Int32Array(ficheCodes.length).fill(-1);
  const families: Int32Array[] = [];
  const lists = new Map<string, { rows: number[]; weights: number[] }>();
  const n = ficheCodes.length;
  // Rare words across ROME weigh more.
  const add = (i: number, s: string, w: number) => {
    const l = lists.get(s) ?? { rows: [], weights: [] };
    l.rows.push(i);
    l.weights.push(w * Math.log(n / df.get(s)!));
    lists.set(s, l);
  };
  for (const members of byParent.values()) {
    if (members.length < 2) continue;
    const id = families.push(Int32Array.from(members)) - 1;
    const inFamily = new Map<string, number>();
    for (const i of members) {
      familyOf[i] = id;
      for (const s of words[i]!.keys()) inFamily.set(s, (inFamily.get(s) ?? 0) + 1);
    }
    const g = Math.log(members.length);
    for (const i of members) {
      for (const [s, w] of words[i]!) {
        // 1 for a word no sibling has, 0 for one they all have.
        const own = Math.log(members.length / inFamily.get(s)!) / g;
        if (own > 0) add(i, s, w * own);
      }
    }
  }
  for (let i = 0; i < n; i++) if (familyOf[i] === -1) for (const [s, w] of words[i]!) add(i, s, w);
  // Each fiche's weights over their norm (a cosine with the text's words), so long fiches do not win by length.
  const norm = new Float64Array(n);
  for (const l of lists.values()) l.rows.forEach((i, j) => (norm[i]! += l.weights[j]! ** 2));
  for (const l of lists.values()) l.rows.forEach((i, j) => (l.weights[j]! /= Math.sqrt(norm[i]!)));
  const postings = new Map(
    [...lists].map(([s, l]) => [s, { rows: Int32Array.from(l.rows), weights: Float32Array.from(l.weights) }]),
  );
  return { postings, familyOf, families };
}

/**
 * Each fiche's own words (those its siblings lack; all of a fiche without siblings) found in the text, title words
 * ×TITLE_WEIGHT, each word once: a cosine, over the best fiche's.
 */
export function siblingEvidence(
  t: SiblingTerms,
  titleStems: readonly string[],
  bodyStems: readonly string[],
  out: Float64Array,
): void {
  const seen = new Map<string, number>();
  for (const s of bodyStems) seen.set(s, 1);
  for (const s of titleStems) seen.set(s, TITLE_WEIGHT);
  let best = 0;
  for (const [s, k] of seen) {
    const p = t.postings.get(s);
    if (!p) continue;
    for (let j = 0; j < p.rows.length; j++) {
      const i = p.rows[j]!;
      out[i]! += k * p.weights[j]!;
      if (out[i]! > best) best = out[i]!;
    }
  }
  if (best > 0) for (let i = 0; i < out.length; i++) out[i]! /= best;
}
