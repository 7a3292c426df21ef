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
import type { TrendSumsRow } from "../lake/index.js";
import type { CountCell } from "./cells.js";
import { RANKING, wellFormedPhrase } from "./ranking.js";
import { benjaminiHochberg, normalQuantileUpper, normalUpperTail } from "./stats.js";
import { round } from "../numbers.js";

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
  /**
   * Effective sources a widespread phrase needs; DETECTOR.minEffectiveSources (2) when unset. The backtest's
   * `--min-effective-sources` sets it (docs/trends.md, session 27: tried, not the default).
   */
  minEffectiveSources?: number;
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

/**
 * What the detector needs of one phrase, as sums a SQL GROUP BY phrase can return (src/lake/trend-counts.ts) or
 * sumsOfCells computes from cells: its spread, and the Cochran–Mantel–Haenszel sums over the informative
 * (source, domaine) strata (documents on both sides of the source's split, the phrase present).
 */
export type PhraseSums = TrendSumsRow;

/** exp(entropy) of weights given Σw and Σ w·ln w: H = ln W − (Σ w ln w)/W. */
function effectiveNumber(total: number, sumWlnW: number): number {
  return total > 0 ? Math.exp(Math.log(total) - sumWlnW / total) : 0;
}

const xlnx = (x: number) => (x > 0 ? x * Math.log(x) : 0);

/** Per-source split and the documents of each (source, domaine) stratum and source, from the totals. */
export function strataOf(totals: readonly CountCell[]) {
  const splits = sourceSplits(totals);
  const strataDocs = new Map<string, { n1: number; n0: number }>();
  const sourceDocs = new Map<string, number>();
  let nb = 0;
  let nr = 0;
  for (const c of totals) {
    sourceDocs.set(c.source, (sourceDocs.get(c.source) ?? 0) + c.documents);
    const split = splits.get(c.source);
    if (split === undefined) continue;
    const k = `${c.source}\u0000${c.domaine}`;
    const e = strataDocs.get(k) ?? { n1: 0, n0: 0 };
    if (c.period >= split) ((e.n1 += c.documents), (nr += c.documents));
    else ((e.n0 += c.documents), (nb += c.documents));
    strataDocs.set(k, e);
  }
  return { splits, strataDocs, sourceDocs, baselineDocuments: nb, recentDocuments: nr };
}

/** The sums of one phrase from its cells (the path of JSONL files and tests; the lake computes them in SQL). */
export function sumsOfCells(key: string, cells: readonly CountCell[], st: ReturnType<typeof strataOf>): PhraseSums {
  const bySource = new Map<string, number>();
  const byDomaine = new Map<string, number>();
  const strata = new Map<string, { x: number; y: number; n1: number; n0: number }>();
  let support = 0;
  let x = 0;
  let y = 0;
  for (const c of cells) {
    support += c.documents;
    bySource.set(c.source, (bySource.get(c.source) ?? 0) + c.documents);
    byDomaine.set(c.domaine, (byDomaine.get(c.domaine) ?? 0) + c.documents);
    const split = st.splits.get(c.source);
    if (split === undefined) continue;
    const k = `${c.source}\u0000${c.domaine}`;
    let e = strata.get(k);
    if (!e) strata.set(k, (e = { x: 0, y: 0, ...st.strataDocs.get(k)! }));
    if (c.period >= split) ((e.x += c.documents), (x += c.documents));
    else ((e.y += c.documents), (y += c.documents));
  }
  const out: PhraseSums = {
    key,
    support,
    sources: bySource.size,
    domaines: byDomaine.size,
    x,
    y,
    informative: 0,
    anyX: false,
    anyY: false,
    sx: 0,
    se: 0,
    sv: 0,
    r: 0,
    s: 0,
    gr: 0,
    rc: 0,
    sc: 0,
    grc: 0,
    domN: support,
    domNlnN: 0,
    srcW: 0,
    srcWlnW: 0,
  };
  for (const n of byDomaine.values()) out.domNlnN += xlnx(n);
  for (const [src, n] of bySource) {
    const w = n / ((st.sourceDocs.get(src) ?? 0) + DETECTOR.sourcePrior);
    out.srcW += w;
    out.srcWlnW += xlnx(w);
  }
  for (const k of strata.values()) {
    if (!(k.n1 > 0 && k.n0 > 0 && k.x + k.y > 0)) continue;
    out.informative++;
    out.anyX ||= k.x > 0;
    out.anyY ||= k.y > 0;
    const n = k.n1 + k.n0;
    const m = k.x + k.y;
    out.sx += k.x;
    out.se += (m * k.n1) / n;
    if (n > 1) out.sv += (m * (n - m) * k.n1 * k.n0) / (n * n * (n - 1));
    out.r += (k.x * k.n0) / n;
    out.s += (k.y * k.n1) / n;
    out.gr += (k.n1 * k.n0 * (k.x + k.y) - k.x * k.y * n) / (n * n);
    const xc = k.x + 0.5;
    const yc = k.y + 0.5;
    out.rc += (xc * k.n0) / n;
    out.sc += (yc * k.n1) / n;
    out.grc += (k.n1 * k.n0 * (xc + yc) - xc * yc * n) / (n * n);
  }
  return out;
}

/** Scores every phrase with enough support and sources; flagged phrases are the detector's findings. */
export function detectEmerging(
  phrases: ReadonlyMap<string, readonly CountCell[]>,
  totals: readonly CountCell[],
  o: DetectorOptions,
): PhraseSignal[] {
  const st = strataOf(totals);
  const sums: PhraseSums[] = [];
  for (const [key, cells] of phrases) {
    const x = sumsOfCells(key, cells, st);
    if (x.support >= o.minSupport && x.sources >= o.minSources) sums.push(x);
  }
  return signalsFromSums(sums, st.baselineDocuments, st.recentDocuments, o);
}

/**
 * The stratified comparison (same as stats.ts compareRatesStratified, from sums): continuity correction only
 * when one side is empty everywhere, so the ratio and its bound stay finite; then the BH guard over all phrases.
 */
export function signalsFromSums(
  all: readonly PhraseSums[],
  baselineDocuments: number,
  recentDocuments: number,
  o: DetectorOptions,
): PhraseSignal[] {
  const z = normalQuantileUpper(o.alpha);
  const pending = all
    .filter((p) => wellFormedPhrase(p.key))
    .map((p) => {
      const [r, s, gr] = p.anyX && p.anyY ? [p.r, p.s, p.gr] : [p.rc, p.sc, p.grc];
      let rateRatio = 1;
      let rateRatioBound = 1;
      let pValue = 1;
      if (p.informative > 0 && r > 0 && s > 0) {
        rateRatio = r / s;
        rateRatioBound = rateRatio * Math.exp(-z * Math.sqrt(Math.max(gr, 0) / (r * s)));
        pValue = p.sv > 0 ? normalUpperTail((p.sx - p.se - 0.5) / Math.sqrt(p.sv)) : 1;
      }
      const effectiveDomaines = effectiveNumber(p.domN, p.domNlnN);
      const effectiveSources = effectiveNumber(p.srcW, p.srcWlnW);
      return {
        key: p.key,
        support: p.support,
        sources: p.sources,
        domaines: p.domaines,
        effectiveSources: round(effectiveSources, 3),
        effectiveDomaines: round(effectiveDomaines, 3),
        salience: round(Math.log2(Math.max(1, effectiveDomaines * effectiveSources)), 4),
        baseline: p.y,
        recent: p.x,
        baselineDocuments,
        recentDocuments,
        rateRatio,
        rateRatioBound,
        pValue,
      };
    });
  const q = benjaminiHochberg(pending.map((p) => p.pValue));
  return pending.map((p, i) => {
    const rising = q[i]! <= o.alpha && p.recent >= o.minRecentSupport && p.rateRatioBound >= o.minRateRatio;
    const trendScore = rising ? Math.log2(p.rateRatioBound) : 0;
    // Compared with a margin: the SQL and JS sums of the entropies differ in the last bits.
    const widespread =
      p.effectiveDomaines >= DETECTOR.minEffectiveDomaines - 1e-9 &&
      p.effectiveSources >= (o.minEffectiveSources ?? DETECTOR.minEffectiveSources) - 1e-9;
    return {
      ...p,
      qValue: q[i]!,
      trendScore,
      rising,
      widespread,
      score: round(p.salience + trendScore, 4),
      flagged: rising || widespread,
    };
  });
}

/**
 * The detector's order: rising phrases first, then by score and support. Ties keep the counts' order (first
 * seen first), so the phrases of one sentence come in reading order ("comptabilité carbone" before "bilan").
 */
export function byDetectorRank(a: PhraseSignal, b: PhraseSignal): number {
  return (RANKING.risingFirst ? Number(b.rising) - Number(a.rising) : 0) || b.score - a.score || b.support - a.support;
}
