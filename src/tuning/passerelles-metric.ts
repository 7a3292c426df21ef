/**
 * The learned source–source similarity of `neighboursGoLearned` (session 25): logit weights over SIMILARITY_PARTS
 * fitted so that a fiche's mobilités are likely under the mixture of its look-alikes' lists,
 *   p(t | s) = ε / n + (1 − ε) Σ_u softmax_u(w · φ(s, u)) · [u → t] / outdeg(u),
 * over the training sources (u ≠ s, u with mobilités in the training graph). The fixed blend's similarity and its
 * 20 nearest fiches become a fitted weighting of every part and a softmax temperature.
 */
import {
  DEFAULT_PROXIMITY_WEIGHTS,
  PAIR_FEATURES,
  SIMILARITY_PARTS,
  type MobiliteGraph,
  type NeighbourMetric,
  type ProximityIndex,
} from "../passerelles/index.js";
import { round } from "../numbers.js";

/** Per source: its `depth` nearest fiches by the fixed blend and their similarity parts (rows × SIMILARITY_PARTS). */
interface PartsCache {
  at: Int32Array[];
  phi: Float32Array[];
}
const partsCaches = new WeakMap<ProximityIndex, PartsCache>();

/** How many of a source's nearest fiches (fixed blend) the fit weighs: the far ones get no weight anyway. */
const FIT_CANDIDATES = 400;

function partsOf(index: ProximityIndex): PartsCache {
  let c = partsCaches.get(index);
  if (c) return c;
  const n = index.codes.length;
  const none = index.graphOf([]);
  const P = SIMILARITY_PARTS.length;
  const w = DEFAULT_PROXIMITY_WEIGHTS;
  c = { at: [], phi: [] };
  for (let s = 0; s < n; s++) {
    const cols = index.featureColumns(index.codes[s]!, none);
    const col = (k: (typeof PAIR_FEATURES)[number]) => cols[PAIR_FEATURES.indexOf(k)]!;
    const [mc, sav, tit, def] = [col("mcCoverage"), col("savoirCoverage"), col("titleSim"), col("definitionSim")];
    const blend = Float64Array.from({ length: n }, (_, i) =>
      i === s ? -Infinity : w.mc * mc[i]! + w.savoir * sav[i]! + w.title * tit[i]! + w.definition * def[i]!,
    );
    const at = Int32Array.from(
      Array.from({ length: n }, (_, i) => i)
        .sort((a, b) => blend[b]! - blend[a]! || a - b)
        .slice(0, Math.min(FIT_CANDIDATES, n - 1)),
    );
    const parts = SIMILARITY_PARTS.map(col);
    const phi = new Float32Array(at.length * P);
    at.forEach((u, r) => parts.forEach((p, j) => (phi[r * P + j] = p[u]!)));
    c.at.push(at);
    c.phi.push(phi);
  }
  partsCaches.set(index, c);
  return c;
}

export interface MetricFitSettings {
  epochs: number;
  learningRate: number;
  /** Share of each target's probability spread uniformly (a target no look-alike lists is not impossible). */
  smoothing: number;
  /** The fixed blend's weights times this start the fit (a softmax temperature). */
  initialScale: number;
}
export const DEFAULT_METRIC_FIT: MetricFitSettings = {
  epochs: 300,
  learningRate: 0.2,
  smoothing: 0.05,
  initialScale: 20,
};

/** Fits the similarity weights on the sources with mobilités in `graph` (full-batch Adam on the mixture likelihood). */
export function fitNeighbourMetric(
  index: ProximityIndex,
  graph: MobiliteGraph,
  opts: MetricFitSettings = DEFAULT_METRIC_FIT,
): NeighbourMetric {
  const { at, phi } = partsOf(index);
  const n = index.codes.length;
  const P = SIMILARITY_PARTS.length;
  const blend: Partial<Record<string, number>> = {
    mcCoverage: DEFAULT_PROXIMITY_WEIGHTS.mc,
    savoirCoverage: DEFAULT_PROXIMITY_WEIGHTS.savoir,
    titleSim: DEFAULT_PROXIMITY_WEIGHTS.title,
    definitionSim: DEFAULT_PROXIMITY_WEIGHTS.definition,
  };
  // Per training source: the candidate rows with mobilités, each with its out-degree and the source's targets it lists.
  const data: { s: number; rows: number[]; deg: number[]; hits: number[][]; targets: number }[] = [];
  for (let s = 0; s < n; s++) {
    const targets = graph.out[s]!;
    if (!targets.length) continue;
    const rows: number[] = [];
    const deg: number[] = [];
    const hits: number[][] = [];
    at[s]!.forEach((u, r) => {
      const outs = graph.out[u]!;
      if (!outs.length) return;
      rows.push(r);
      deg.push(outs.length);
      const h: number[] = [];
      targets.forEach((t, ti) => outs.includes(t) && h.push(ti));
      hits.push(h);
    });
    data.push({ s, rows, deg, hits, targets: targets.length });
  }
  const w = Float64Array.from(SIMILARITY_PARTS, (k) => (blend[k] ?? 0) * opts.initialScale);
  const m = new Float64Array(P);
  const v = new Float64Array(P);
  const g = new Float64Array(P);
  const eps = opts.smoothing;
  for (let t = 1; t <= opts.epochs && data.length; t++) {
    g.fill(0);
    for (const { s, rows, deg, hits, targets } of data) {
      const f = phi[s]!;
      const R = rows.length;
      const a = new Float64Array(R);
      let mx = -Infinity;
      for (let i = 0; i < R; i++) {
        let z = 0;
        const o = rows[i]! * P;
        for (let j = 0; j < P; j++) z += w[j]! * f[o + j]!;
        a[i] = z;
        if (z > mx) mx = z;
      }
      let Z = 0;
      for (let i = 0; i < R; i++) Z += a[i] = Math.exp(a[i]! - mx);
      for (let i = 0; i < R; i++) a[i]! /= Z;
      const p = new Float64Array(targets).fill(eps / n);
      for (let i = 0; i < R; i++) for (const ti of hits[i]!) p[ti]! += ((1 - eps) * a[i]!) / deg[i]!;
      // d(mean log p) / d a_i, then through the softmax to the logits and the weights (descent on −log p).
      const ga = new Float64Array(R);
      let mean = 0;
      for (let i = 0; i < R; i++) {
        let x = 0;
        for (const ti of hits[i]!) x += (1 - eps) / p[ti]! / deg[i]!;
        ga[i] = x / targets;
        mean += a[i]! * ga[i]!;
      }
      for (let i = 0; i < R; i++) {
        const dz = a[i]! * (ga[i]! - mean);
        if (!dz) continue;
        const o = rows[i]! * P;
        for (let j = 0; j < P; j++) g[j]! -= (dz * f[o + j]!) / data.length;
      }
    }
    for (let j = 0; j < P; j++) {
      m[j] = 0.9 * m[j]! + 0.1 * g[j]!;
      v[j] = 0.999 * v[j]! + 0.001 * g[j]! * g[j]!;
      w[j]! -= (opts.learningRate * (m[j]! / (1 - 0.9 ** t))) / (Math.sqrt(v[j]! / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  return Object.fromEntries(SIMILARITY_PARTS.map((k, j) => [k, round(w[j]!, 6)])) as NeighbourMetric;
}
