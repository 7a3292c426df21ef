/**
 * ROME items that rise or fall between the two parts of the window: the referential's own words, so the question
 * is their use over time, compared within domaines professionnels (Mantel–Haenszel) when stratified.
 */
import type { CountCell } from "./cells.js";
import { benjaminiHochberg, compareRates, compareRatesStratified, type RateComparison, type Stratum } from "./stats.js";
import type { GrowthFigures, TrendOptions } from "./types.js";

export interface TestedItem {
  name: string;
  figures: GrowthFigures;
}

/**
 * ROME items that rise or fall between the two parts of the window, compared within domaines (Mantel–Haenszel)
 * when stratified: the items are the referential's own words, so the question is their use over time.
 */
export function testItems(
  items: ReadonlyMap<string, readonly CountCell[]>,
  totals: readonly CountCell[],
  splitLabel: string,
  o: TrendOptions,
  direction: "up" | "down",
): TestedItem[] {
  const docs = new Map<string, { n1: number; n0: number }>();
  let nb = 0;
  let nr = 0;
  for (const c of totals) {
    const e = docs.get(c.domaine) ?? { n1: 0, n0: 0 };
    if (c.period >= splitLabel) ((e.n1 += c.documents), (nr += c.documents));
    else ((e.n0 += c.documents), (nb += c.documents));
    docs.set(c.domaine, e);
  }
  const pending: { name: string; cb: number; cr: number; sources: number; strata: Map<string, Stratum> }[] = [];
  for (const [name, cells] of items) {
    let cb = 0;
    let cr = 0;
    const sources = new Set<string>();
    const strata = new Map<string, Stratum>();
    for (const c of cells) {
      sources.add(c.source);
      let s = strata.get(c.domaine);
      if (!s)
        strata.set(c.domaine, (s = { x: 0, y: 0, n1: docs.get(c.domaine)?.n1 ?? 0, n0: docs.get(c.domaine)?.n0 ?? 0 }));
      if (c.period >= splitLabel) ((s.x += c.documents), (cr += c.documents));
      else ((s.y += c.documents), (cb += c.documents));
    }
    if (cb + cr < o.minSupport || sources.size < o.minSources) continue;
    pending.push({ name, cb, cr, sources: sources.size, strata });
  }
  const compared: RateComparison[] = pending.map((x) =>
    o.stratify
      ? compareRatesStratified([...x.strata.values()], o.alpha, direction)
      : compareRates(x.cb, nb, x.cr, nr, o.alpha, direction),
  );
  const q = benjaminiHochberg(compared.map((r) => r.pValue));
  return pending
    .map((x, i) => ({
      name: x.name,
      figures: {
        support: x.cb + x.cr,
        baseline: x.cb,
        recent: x.cr,
        baselineShare: nb > 0 ? x.cb / nb : 0,
        recentShare: nr > 0 ? x.cr / nr : 0,
        rateRatio: compared[i]!.rateRatio,
        rateRatioBound: compared[i]!.rateRatioBound,
        growthScore: compared[i]!.growthScore,
        pValue: compared[i]!.pValue,
        qValue: q[i]!,
        sources: x.sources,
      },
    }))
    .filter(
      ({ figures: f }) =>
        f.qValue <= o.alpha &&
        (direction === "up"
          ? f.recent >= o.minRecentSupport && f.rateRatioBound >= o.minRateRatio
          : f.baseline >= o.minRecentSupport && f.rateRatioBound <= 1 / o.minRateRatio),
    );
}
