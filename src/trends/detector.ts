/**
 * The emerging-phrase detector over aggregated counts: documents per (period, domaine, source) cell, for every
 * phrase and in total. The same counts come from a JSONL file (countDocuments) or from the lake's SQL
 * aggregates, so the analysis never needs the documents themselves.
 *
 * Why two parts. In collected offers, time, source and job mix coincide (each period is mostly one collection,
 * with its own queries, regions and truncation), so a rise between periods mostly measures a change of
 * collection. The detector therefore scores
 *   - a trend part measured only WITHIN sources: each source is split at its own median date and the halves
 *     are compared within (source, domaine) strata (Cochran–Mantel–Haenszel), with a Benjamini–Hochberg guard;
 *   - a salience part: how widely the phrase is used across domaines professionnels and across sources
 *     (effective numbers, i.e. exp of the entropy of its spread), a market-wide wording rather than one
 *     collection's, one métier's or one employer's.
 * A phrase is flagged when its trend is significant, or when it is widespread (see DETECTOR). Findings are
 * ranked rising first (what "emerging" means when time can be measured), then by score = salience + trend.
 */
import { periodOf } from "./periods.js";
import { benjaminiHochberg, compareRatesStratified, type Stratum } from "./stats.js";
import type { PeriodUnit, TrendDocument } from "./types.js";

export interface CountCell {
  /** Period label ("2025-03" or "2025-W09"). */
  period: string;
  /** Domaine professionnel: the first three characters of the document's first ROME code ("?" when none). */
  domaine: string;
  source: string;
  documents: number;
}

export const DETECTOR = {
  /** Widespread: used in at least this many effective domaines professionnels… */
  minEffectiveDomaines: 3,
  /** …and at least this many effective sources (shares per source, so a large collection does not dominate). */
  minEffectiveSources: 2,
  /**
   * Pseudo-documents added to every source when its share is computed: a source of a handful of documents
   * (a CV upload, a test feed) would otherwise weigh like a whole collection.
   */
  sourcePrior: 50,
} as const;

export interface DetectorOptions {
  minSupport: number;
  minSources: number;
  minRecentSupport: number;
  alpha: number;
  minRateRatio: number;
}

export interface PhraseSignal {
  key: string;
  support: number;
  sources: number;
  domaines: number;
  effectiveSources: number;
  effectiveDomaines: number;
  /** log2(effectiveDomaines × effectiveSources). */
  salience: number;
  /** Within-source halves: documents with the phrase and all documents, baseline and recent. */
  baseline: number;
  recent: number;
  baselineDocuments: number;
  recentDocuments: number;
  rateRatio: number;
  rateRatioBound: number;
  pValue: number;
  qValue: number;
  /** log2 of the rate-ratio lower bound when the within-source rise is significant, else 0. */
  trendScore: number;
  rising: boolean;
  widespread: boolean;
  score: number;
  flagged: boolean;
}

/**
 * Each source's split: the first period at which half of its documents are reached. A source whose documents
 * all fall in one period has no split (it says nothing about time).
 */
export function sourceSplits(totals: readonly CountCell[]): Map<string, string> {
  const per = new Map<string, Map<string, number>>();
  for (const c of totals) {
    let m = per.get(c.source);
    if (!m) per.set(c.source, (m = new Map()));
    m.set(c.period, (m.get(c.period) ?? 0) + c.documents);
  }
  const out = new Map<string, string>();
  for (const [source, m] of per) {
    const periods = [...m.keys()].sort();
    if (periods.length < 2) continue;
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    let acc = 0;
    for (const p of periods) {
      // The split period starts the recent half, so it can never be the first one.
      if (acc * 2 >= total && p !== periods[0]) {
        out.set(source, p);
        break;
      }
      acc += m.get(p)!;
    }
    if (!out.has(source)) out.set(source, periods[periods.length - 1]!);
  }
  return out;
}

function effectiveNumber(weights: Iterable<number>): number {
  const w = [...weights].filter((x) => x > 0);
  const t = w.reduce((a, b) => a + b, 0);
  if (t <= 0) return 0;
  let h = 0;
  for (const x of w) h -= (x / t) * Math.log(x / t);
  return Math.exp(h);
}

/** Scores every phrase with enough support and sources; flagged phrases are the detector's findings. */
export function detectEmerging(phrases: ReadonlyMap<string, readonly CountCell[]>, totals: readonly CountCell[], o: DetectorOptions): PhraseSignal[] {
  const splits = sourceSplits(totals);
  const isRecent = (c: CountCell) => {
    const s = splits.get(c.source);
    return s !== undefined && c.period >= s;
  };
  const stratumKey = (c: CountCell) => `${c.source}\u0000${c.domaine}`;
  const strataDocs = new Map<string, { n1: number; n0: number }>();
  const sourceDocs = new Map<string, number>();
  let nb = 0;
  let nr = 0;
  for (const c of totals) {
    sourceDocs.set(c.source, (sourceDocs.get(c.source) ?? 0) + c.documents);
    if (!splits.has(c.source)) continue;
    const k = stratumKey(c);
    const e = strataDocs.get(k) ?? { n1: 0, n0: 0 };
    if (isRecent(c)) (e.n1 += c.documents), (nr += c.documents);
    else (e.n0 += c.documents), (nb += c.documents);
    strataDocs.set(k, e);
  }
  const pending: Omit<PhraseSignal, "qValue" | "trendScore" | "rising" | "widespread" | "score" | "flagged">[] = [];
  for (const [key, cells] of phrases) {
    let support = 0;
    const bySource = new Map<string, number>();
    const byDomaine = new Map<string, number>();
    const strata = new Map<string, Stratum>();
    let x = 0;
    let y = 0;
    for (const c of cells) {
      support += c.documents;
      bySource.set(c.source, (bySource.get(c.source) ?? 0) + c.documents);
      byDomaine.set(c.domaine, (byDomaine.get(c.domaine) ?? 0) + c.documents);
      if (!splits.has(c.source)) continue;
      const k = stratumKey(c);
      let s = strata.get(k);
      if (!s) {
        const d = strataDocs.get(k)!;
        strata.set(k, (s = { x: 0, y: 0, n1: d.n1, n0: d.n0 }));
      }
      if (isRecent(c)) (s.x += c.documents), (x += c.documents);
      else (s.y += c.documents), (y += c.documents);
    }
    if (support < o.minSupport || bySource.size < o.minSources) continue;
    const effectiveSources = effectiveNumber([...bySource].map(([s, n]) => n / ((sourceDocs.get(s) ?? 0) + DETECTOR.sourcePrior)));
    const effectiveDomaines = effectiveNumber(byDomaine.values());
    const t = compareRatesStratified([...strata.values()], o.alpha, "up");
    pending.push({
      key,
      support,
      sources: bySource.size,
      domaines: byDomaine.size,
      effectiveSources: round(effectiveSources, 3),
      effectiveDomaines: round(effectiveDomaines, 3),
      salience: round(Math.log2(Math.max(1, effectiveDomaines * effectiveSources)), 4),
      baseline: y,
      recent: x,
      baselineDocuments: nb,
      recentDocuments: nr,
      rateRatio: t.rateRatio,
      rateRatioBound: t.rateRatioBound,
      pValue: t.pValue,
    });
  }
  const q = benjaminiHochberg(pending.map((p) => p.pValue));
  return pending.map((p, i) => {
    const rising = q[i]! <= o.alpha && p.recent >= o.minRecentSupport && p.rateRatioBound >= o.minRateRatio;
    const trendScore = rising ? Math.log2(p.rateRatioBound) : 0;
    const widespread = p.effectiveDomaines >= DETECTOR.minEffectiveDomaines && p.effectiveSources >= DETECTOR.minEffectiveSources;
    return { ...p, qValue: q[i]!, trendScore, rising, widespread, score: round(p.salience + trendScore, 4), flagged: rising || widespread };
  });
}

/**
 * The detector's order: rising phrases first, then by score and support. Ties keep the counts' order (first
 * seen first), so the phrases of one sentence come in reading order ("comptabilité carbone" before "bilan").
 */
export function byDetectorRank(a: PhraseSignal, b: PhraseSignal): number {
  return Number(b.rising) - Number(a.rising) || b.score - a.score || b.support - a.support;
}

/** Adds one document's cell to a phrase's cells (a small map from cell key to count while counting). */
export function cellKey(period: string, domaine: string, source: string): string {
  return `${period}\u0000${domaine}\u0000${source}`;
}

export function cellsOf(m: ReadonlyMap<string, number>): CountCell[] {
  return [...m].map(([k, documents]) => {
    const [period, domaine, source] = k.split("\u0000") as [string, string, string];
    return { period, domaine, source, documents };
  });
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** Domaine professionnel of a document: the first three characters of its first ROME code. */
export function domaineOf(metiers: readonly string[]): string {
  return metiers[0]?.slice(0, 3).toUpperCase() ?? "?";
}

/**
 * Counts documents per (period, domaine, source) cell, in total and for every phrase and item, the way the
 * lake's aggregates hold them (a document counts once per phrase). Two passes: supports first, so that only
 * phrases that can reach `minSupport` get cells.
 */
export function countCells(
  docs: Iterable<TrendDocument>,
  period: PeriodUnit,
  minSupport: number,
): { totals: CountCell[]; phrases: Map<string, CountCell[]>; items: Map<string, CountCell[]>; offers: number; cvs: number; sources: number; documentsWithItems: number } {
  const support = new Map<string, number>();
  for (const d of docs) for (const k of new Set(d.phrases)) support.set(k, (support.get(k) ?? 0) + 1);
  const totals = new Map<string, number>();
  const phrases = new Map<string, Map<string, number>>();
  const items = new Map<string, Map<string, number>>();
  const sources = new Set<string>();
  let offers = 0;
  let cvs = 0;
  let documentsWithItems = 0;
  const bump = (m: Map<string, Map<string, number>>, k: string, cell: string) => {
    let c = m.get(k);
    if (!c) m.set(k, (c = new Map()));
    c.set(cell, (c.get(cell) ?? 0) + 1);
  };
  for (const d of docs) {
    const cell = cellKey(periodOf(d.documentDate, period), domaineOf(d.metiers), d.source);
    totals.set(cell, (totals.get(cell) ?? 0) + 1);
    sources.add(d.source);
    if (d.kind === "offer") offers++;
    else cvs++;
    for (const k of new Set(d.phrases)) if (support.get(k)! >= minSupport) bump(phrases, k, cell);
    for (const c of new Set(d.competences)) bump(items, c, cell);
    if (d.competences.length > 0) documentsWithItems++;
  }
  const toCells = (m: Map<string, Map<string, number>>) => new Map([...m].map(([k, v]) => [k, cellsOf(v)]));
  return { totals: cellsOf(totals), phrases: toCells(phrases), items: toCells(items), offers, cvs, sources: sources.size, documentsWithItems };
}
