import { paraphraseFeatures, parseCv, statedStems, statementUnits, type StatedExtractor } from "../skills/index.js";
import { normalizeText, segment } from "../text/index.js";

/** Settings of `trainParaphrases`. */
export interface ParaphraseSettings {
  /** An item is aligned by words to the statement that covers its label best, when that coverage reaches this. */
  alignCoverage: number;
  /** A (feature, item) pair needs this many aligned statements… */
  minPairs: number;
  /** …and P(item | feature) = pairs / (statements with the feature + smoothing) at least `minProbability`. */
  smoothing: number;
  minProbability: number;
}

export const PARAPHRASE_DEFAULTS: ParaphraseSettings = {
  alignCoverage: 0.3,
  minPairs: 1,
  smoothing: 1,
  minProbability: 0.2,
};

/** One training offer: its statements' family keys (in order) and label ids, and the rows of its recruiter's items. */
export interface ParaphraseDoc {
  statements: { keys: string[]; ids: Int32Array }[];
  items: number[];
}

export interface ParaphraseTraining {
  features: Record<string, [string, number][]>;
  statements: number;
  aligned: { byWords: number; byModel: number; none: number };
}

/**
 * Learns statement feature → item associations from offers and the items their recruiters attached. Each item is
 * aligned to one statement of its offer: the one covering its label best (the engine's label index), or, when no
 * statement covers it at `alignCoverage`, the one the word-aligned pairs point at most (the paraphrases: "prise de
 * température" beside "Mesurer les paramètres vitaux" in other offers). Then P(item | feature) over the statements.
 * Deterministic: iteration follows the documents' order, features are sorted.
 */
export function trainParaphrases(
  x: StatedExtractor,
  docs: readonly ParaphraseDoc[],
  s: ParaphraseSettings = PARAPHRASE_DEFAULTS,
): ParaphraseTraining {
  const featuresOf = docs.map((d) => d.statements.map((st) => paraphraseFeatures(st.keys)));
  const df = new Map<string, number>();
  let statements = 0;
  for (const doc of featuresOf)
    for (const fs of doc) {
      statements++;
      for (const f of fs) df.set(f, (df.get(f) ?? 0) + 1);
    }
  const pairs = new Map<string, Map<number, number>>();
  const add = (fs: readonly string[], row: number) => {
    for (const f of fs) {
      let m = pairs.get(f);
      if (!m) pairs.set(f, (m = new Map()));
      m.set(row, (m.get(row) ?? 0) + 1);
    }
  };
  const aligned = { byWords: 0, byModel: 0, none: 0 };
  const unaligned: { doc: number; row: number }[] = [];
  docs.forEach((d, i) => {
    for (const row of d.items) {
      let best = -1;
      let cov = s.alignCoverage;
      d.statements.forEach((st, j) => {
        const c = x.labels.coverageOfIds(row, st.ids);
        if (c >= cov && (best < 0 || c > cov)) [best, cov] = [j, c];
      });
      if (best >= 0) {
        add(featuresOf[i]![best]!, row);
        aligned.byWords++;
      } else unaligned.push({ doc: i, row });
    }
  });
  // The items no statement states in the label's words: the statement the word-aligned pairs point at most.
  const prob = (f: string, row: number) => (pairs.get(f)?.get(row) ?? 0) / ((df.get(f) ?? 0) + s.smoothing);
  const second: { fs: string[]; row: number }[] = [];
  for (const { doc, row } of unaligned) {
    let best = -1;
    let score = 0;
    featuresOf[doc]!.forEach((fs, j) => {
      let miss = 1;
      for (const f of fs) miss *= 1 - prob(f, row);
      if (1 - miss > score) [best, score] = [j, 1 - miss];
    });
    if (best >= 0) {
      second.push({ fs: featuresOf[doc]![best]!, row });
      aligned.byModel++;
    } else aligned.none++;
  }
  for (const { fs, row } of second) add(fs, row);
  const features: Record<string, [string, number][]> = {};
  for (const f of [...pairs.keys()].sort()) {
    const items: [string, number][] = [];
    for (const [row, n] of pairs.get(f)!) {
      const p = n / (df.get(f)! + s.smoothing);
      if (n >= s.minPairs && p >= s.minProbability) items.push([x.rows[row]!.code, Math.round(p * 1000) / 1000]);
    }
    if (items.length) features[f] = items.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }
  return { features, statements, aligned };
}

/** An offer's statements as extraction reads them (frames, company lines and short-form-only lines left out). */
export function paraphraseStatements(ex: StatedExtractor, text: string): ParaphraseDoc["statements"] {
  return statementUnits(segment(text), parseCv(text).headerSpans, text)
    .filter((u) => !u.namedOnly && !u.frame && !u.voteOnly)
    .map((u) => {
      const keys = statedStems(u.verb ? `${u.verb} ${u.text}` : u.text).map((st) => ex.families.key(st));
      return { keys, ids: Int32Array.from(keys.map((k) => ex.labels.idOf(k)).filter((id) => id >= 0)) };
    })
    .filter((st) => st.keys.length > 0);
}

/** The key that tells a repost: normalised title and description. */
export const repostKey = (title: string | null | undefined, text: string | null | undefined): string =>
  `${normalizeText(title ?? "")}|${normalizeText(text ?? "")}`;

/**
 * The offers a model may learn from: those with recruiters' items, none whose id is a gold text's, and none that is
 * a repost of one (same `repostKey` as a gold line or as the dev offer of a gold id).
 */
export function trainingOffers<
  O extends { id: string; intitule?: string | null; description?: string | null; competences?: unknown[] | null },
>(
  offers: readonly O[],
  gold: readonly { id: string; title?: string | null; text?: string | null }[],
): { offers: O[]; reposts: number } {
  const ids = new Set(gold.map((g) => g.id));
  const keys = new Set(gold.filter((g) => g.text).map((g) => repostKey(g.title, g.text)));
  for (const o of offers) if (ids.has(o.id)) keys.add(repostKey(o.intitule, o.description));
  let reposts = 0;
  const out: O[] = [];
  for (const o of offers) {
    if (!o.competences?.length || ids.has(o.id)) continue;
    if (keys.has(repostKey(o.intitule, o.description))) {
      reposts++;
      continue;
    }
    out.push(o);
  }
  return { offers: out, reposts };
}
