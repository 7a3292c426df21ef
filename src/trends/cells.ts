/**
 * Documents per (period, domaine professionnel, source) cell, in total and for every phrase and ROME item: what the
 * detector (detector.ts) reads, built here from documents the way the lake's SQL aggregates hold them.
 */
import { periodOf } from "./periods.js";
import type { PeriodUnit, StatedTrendDocument } from "./types.js";

export interface CountCell {
  /** Period label ("2025-03" or "2025-W09"). */
  period: string;
  /** Domaine professionnel: the first three characters of the document's first ROME code ("?" when none). */
  domaine: string;
  source: string;
  documents: number;
}

/** Documents per cell, in total and for every phrase and ROME item: what `countCells` gives and the lake's SQL holds. */
export interface CellCounts {
  totals: readonly CountCell[];
  phrases: ReadonlyMap<string, readonly CountCell[]>;
  items: ReadonlyMap<string, readonly CountCell[]>;
  offers: number;
  cvs: number;
  sources: number;
  /** Documents with at least one ROME item (the denominator of a co-occurrence lift). */
  documentsWithItems: number;
  /** Documents that say each phrase in a statement naming a ROME item (absent when no document carries skills). */
  stated?: ReadonlyMap<string, number>;
  /** Documents where each phrase stands whole in its statement (absent when no document carries the list). */
  whole?: ReadonlyMap<string, number>;
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

/** Domaine professionnel of a document: the first three characters of its first ROME code. */
export function domaineOf(metiers: readonly string[]): string {
  return metiers[0]?.slice(0, 3).toUpperCase() ?? "?";
}

/**
 * Counts documents per (period, domaine, source) cell, in total and for every phrase and item, the way the
 * lake's aggregates hold them (a document counts once per phrase). Two passes: supports first, so that only
 * phrases that can reach `minSupport` get cells.
 */
export function countCells(docs: Iterable<StatedTrendDocument>, period: PeriodUnit, minSupport: number): CellCounts {
  const support = new Map<string, number>();
  for (const d of docs) for (const k of new Set(d.phrases)) support.set(k, (support.get(k) ?? 0) + 1);
  const totals = new Map<string, number>();
  const phrases = new Map<string, Map<string, number>>();
  const items = new Map<string, Map<string, number>>();
  const stated = new Map<string, number>();
  let anyStated = false;
  const whole = new Map<string, number>();
  let anyWhole = false;
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
    if (d.statedPhrases) {
      anyStated = true;
      for (const k of new Set(d.statedPhrases))
        if ((support.get(k) ?? 0) >= minSupport) stated.set(k, (stated.get(k) ?? 0) + 1);
    }
    if (d.wholePhrases) {
      anyWhole = true;
      for (const k of new Set(d.wholePhrases))
        if ((support.get(k) ?? 0) >= minSupport) whole.set(k, (whole.get(k) ?? 0) + 1);
    }
    for (const c of new Set(d.competences)) bump(items, c, cell);
    if (d.competences.length > 0) documentsWithItems++;
  }
  const toCells = (m: Map<string, Map<string, number>>) => new Map([...m].map(([k, v]) => [k, cellsOf(v)]));
  return {
    totals: cellsOf(totals),
    phrases: toCells(phrases),
    items: toCells(items),
    offers,
    cvs,
    sources: sources.size,
    documentsWithItems,
    ...(anyStated ? { stated } : {}),
    ...(anyWhole ? { whole } : {}),
  };
}
