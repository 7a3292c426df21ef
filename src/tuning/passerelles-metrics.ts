/**
 * Measuring the passerelles ranker on ROME's official mobilités: recall@k over edges and MRR over sources, the
 * grouped folds by source fiche, and the edges' fingerprint for a fit's metadata.
 */
import type { ProximityIndex } from "../passerelles/index.js";
import type { Referential } from "../rome/index.js";
import { seededRandom } from "./random.js";
import { sha256 } from "./fit-meta.js";
import { round } from "../numbers.js";

export interface PasserelleMetrics {
  recallAt5: number;
  recallAt10: number;
  mrr: number;
  recallAt50: number;
  edges: number;
  sources: number;
}

/** Counts for micro-averaged recall over edges and MRR over sources; add them up across folds, then `finish`. */
export interface MetricCounts {
  edges: number;
  sources: number;
  hit5: number;
  hit10: number;
  hit50: number;
  rr: number;
}

export const emptyCounts = (): MetricCounts => ({ edges: 0, sources: 0, hit5: 0, hit10: 0, hit50: 0, rr: 0 });

/** Adds one source's ranking (best first, at least its top 100) against its right targets. */
export function countRanking(c: MetricCounts, ranked: readonly string[], targets: ReadonlySet<string>): void {
  if (!targets.size) return;
  c.sources++;
  c.edges += targets.size;
  ranked.slice(0, 5).forEach((x) => (c.hit5 += Number(targets.has(x))));
  ranked.slice(0, 10).forEach((x) => (c.hit10 += Number(targets.has(x))));
  ranked.slice(0, 50).forEach((x) => (c.hit50 += Number(targets.has(x))));
  const first = ranked.slice(0, 100).findIndex((x) => targets.has(x));
  if (first >= 0) c.rr += 1 / (first + 1);
}

export function finish(c: MetricCounts): PasserelleMetrics {
  const r = (x: number) => round(x, 3);
  const e = Math.max(1, c.edges);
  return {
    recallAt5: r(c.hit5 / e),
    recallAt10: r(c.hit10 / e),
    mrr: r(c.rr / Math.max(1, c.sources)),
    recallAt50: r(c.hit50 / e),
    edges: c.edges,
    sources: c.sources,
  };
}

/** Each source fiche's fold (0..k-1), by a seeded shuffle of the sorted codes: balanced and repeatable. */
export function sourceFolds(codes: readonly string[], k: number, seed = 17): Map<string, number> {
  const rnd = seededRandom(seed);
  const order = [...codes].sort();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return new Map(order.map((c, i) => [c, i % k]));
}

/** The official mobilités of a referential as [source, target] codes (self-loops and unknown targets dropped). */
export function officialEdges(index: ProximityIndex): [string, string][] {
  return index.codes.flatMap((s) =>
    index.ref.fiches
      .get(s)!
      .mobilites.filter((m) => m.cible !== s && index.has(m.cible))
      .map((m) => [s, m.cible] as [string, string]),
  );
}

/**
 * The mobilités `newer` lists and `older` did not, between fiches both versions have (same codes), by source: the
 * forward test's strict right answers.
 */
export function addedMobilites(older: Referential, newer: Referential): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of newer.fiches.values()) {
    const before = older.fiches.get(f.code);
    if (!before) continue;
    const listed = new Set(before.mobilites.map((m) => m.cible));
    for (const { cible } of f.mobilites)
      if (cible !== f.code && older.fiches.has(cible) && !listed.has(cible))
        (out.get(f.code) ?? out.set(f.code, new Set()).get(f.code)!).add(cible);
  }
  return out;
}

/** sha256 of sorted "source>target" lines: the fit's data fingerprint. */
export function edgesHash(edges: readonly (readonly [string, string])[]): string {
  return sha256(
    edges
      .map(([a, b]) => `${a}>${b}`)
      .sort()
      .join("\n"),
  );
}
