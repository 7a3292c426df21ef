import { type MobiliteGraph, NEIGHBOURS, PAIR_FEATURES, log1p, type PairFeature } from "./features.js";

/** What the graph features read of the fiches besides the graph: split families, domaines, nearest fiches. */
export interface GraphContext {
  /** Per fiche: the other fiches of its split family. */
  family: readonly Int32Array[];
  /** Per fiche: its domaine professionnel as an id 0..d-1. */
  domaine: Int32Array;
  /** Per fiche: its NEAR most similar fiches (fixed blend) and their similarity, best first (built on first call). */
  nearest: () => { at: readonly Int32Array[]; sim: readonly Float64Array[] };
}

const EMPTY = new Int32Array(0);

/** Edges between domaines professionnels (from × to, row-major) and out of each: counted once per graph. */
interface DomaineFlow {
  d: number;
  counts: Float64Array;
  out: Float64Array;
}
const flows = new WeakMap<MobiliteGraph, DomaineFlow>();
function domaineFlow(graph: MobiliteGraph, domaine: Int32Array): DomaineFlow {
  let f = flows.get(graph);
  if (!f) {
    const d = Math.max(0, ...domaine) + 1;
    f = { d, counts: new Float64Array(d * d), out: new Float64Array(d) };
    graph.out.forEach((ts, u) => {
      for (const t of ts) f!.counts[domaine[u]! * d + domaine[t]!]!++;
      f!.out[domaine[u]!]! += ts.length;
    });
    flows.set(graph, f);
  }
  return f;
}

/**
 * The graph features of source position `s` → every fiche, written into `cols` (PAIR_FEATURES order): in-degree
 * without the source's own edge, edges back to the source, co-citation by the fiches that lead to the source, and
 * where the fiches most like the source lead (`sim`: the fixed blend's similarity of the source to each fiche;
 * `learnedSim`: the model's learned similarity logits, for `neighboursGoLearned`).
 */
export function graphColumns(
  ctx: GraphContext,
  s: number,
  graph: MobiliteGraph,
  sim: ArrayLike<number>,
  cols: Float64Array[],
  known: readonly number[] = [],
  need?: Uint8Array,
  learnedSim?: ArrayLike<number>,
): void {
  const n = graph.inDegree.length;
  const c = (k: PairFeature) => cols[PAIR_FEATURES.indexOf(k)]!;
  // `need` (PAIR_FEATURES order): the serving path skips the columns its model does not read; they stay 0.
  const want = (...ks: PairFeature[]) => !need || ks.some((k) => need[PAIR_FEATURES.indexOf(k)]);
  const indeg = c("targetInDegree");
  indeg.set(graph.logInDegree);
  for (const t of graph.out[s]!) indeg[t] = graph.logInDegreeLessOne[t]!;
  const rev = c("reverseMobilite").fill(0);
  const cc = c("coCited").fill(0);
  // Co-citation weighted as Adamic-Adar: a fiche listing few mobilités says more than one listing many.
  const aa = c("coCitedAdamicAdar").fill(0);
  for (const u of graph.in[s]!) {
    rev[u] = 1;
    const w = 1 / Math.log(2 + graph.out[u]!.length);
    for (const t of graph.out[u]!) if (t !== s) (cc[t]!++, (aa[t]! += w));
  }
  for (let i = 0; i < n; i++) if (cc[i]) cc[i] = log1p(cc[i]!);
  // The source's NEIGHBOURS most similar fiches vote for their own targets, each by its similarity (normalised).
  const knn: number[] = [];
  for (let u = 0; u < n; u++) {
    if (u === s || !(sim[u]! > 0)) continue;
    if (knn.length === NEIGHBOURS && sim[u]! <= sim[knn[knn.length - 1]!]!) continue;
    let j = knn.length;
    while (j > 0 && sim[knn[j - 1]!]! < sim[u]!) j--;
    knn.splice(j, 0, u);
    if (knn.length > NEIGHBOURS) knn.pop();
  }
  const nb = c("neighboursGo").fill(0);
  const mass = knn.reduce((a, u) => a + sim[u]!, 0);
  for (const u of knn) for (const t of graph.out[u]!) nb[t]! += sim[u]! / mass;
  // The other way: the target leads to the source's nearest fiches (mobilités are often two-way between close
  // métiers). Reads in-edges of the neighbours, where the source's own edges only reach the source (zeroed).
  if (want("reverseNeighboursGo")) {
    const rnb = c("reverseNeighboursGo").fill(0);
    for (const u of knn) for (const t of graph.in[u]!) rnb[t]! += sim[u]! / mass;
  }
  // Where the source's split family leads (to the target, or to the target's own family): ROME's editors gave
  // fiches split from one parent overlapping mobilités.
  const family = ctx.family;
  const fam = family[s]!;
  const fg = c("familyGo").fill(0);
  const fgf = c("familyGoFamily").fill(0);
  if (fam.length && want("familyGo", "familyGoFamily")) {
    for (const u of fam)
      for (const t of graph.out[u]!) {
        fg[t]! += 1 / fam.length;
        fgf[t]! += 1 / fam.length;
        for (const v of family[t]!) fgf[v]! += 1 / fam.length;
      }
    for (let i = 0; i < n; i++) fgf[i] = Math.min(1, fgf[i]!);
  }
  // Where the fiches that share the source's in-neighbours lead (collaborative filtering on the graph alone):
  // x → s and x → u, then u → t.
  if (want("inNeighboursGo")) {
    const ing = c("inNeighboursGo").fill(0);
    for (const x of graph.in[s]!) for (const u of graph.out[x]!) if (u !== s) for (const t of graph.out[u]!) ing[t]!++;
    for (let i = 0; i < n; i++) if (ing[i]) ing[i] = log1p(ing[i]!);
  }
  // Only when the source's current mobilités are given (`known`, the forward test's setting: what a fiche
  // already lists predicts what ROME adds next): where its own targets lead.
  if (known.length) {
    const own = c("ownTargetsGo").fill(0);
    for (const u of known) for (const t of graph.out[u]!) if (t !== s) own[t]!++;
    for (let i = 0; i < n; i++) if (own[i]) own[i] = log1p(own[i]!);
  } else c("ownTargetsGo").fill(0);
  // …and which fiches lead to the same places as the source (x → u for the source's u): same role in the graph.
  const shared = c("ownTargetsShared").fill(0);
  if (known.length) {
    for (const u of known) for (const t of graph.in[u]!) if (t !== s) shared[t]!++;
    for (let i = 0; i < n; i++) if (shared[i]) shared[i] = log1p(shared[i]!);
  }
  // Where the source's domaine professionnel leads, domaine to domaine (without the source's own edges): a block
  // model of the graph, which speaks for targets no fiche lists yet.
  if (want("domaineFlow")) {
    const dom = ctx.domaine;
    const flow = domaineFlow(graph, dom);
    const ds = dom[s]!;
    const row = flow.counts.subarray(ds * flow.d, (ds + 1) * flow.d).slice();
    for (const t of graph.out[s]!) row[dom[t]!]!--;
    const rowTotal = flow.out[ds]! - graph.out[s]!.length;
    const df = c("domaineFlow");
    for (let i = 0; i < n; i++) df[i] = rowTotal > 0 ? row[dom[i]!]! / rowTotal : 0;
  }
  // The neighbours' targets, each vote spread to the target's nearest fiches (by their similarity): where fiches
  // like the source go, and what is like it, for targets nobody lists yet.
  const nn = c("neighboursGoNear").fill(0);
  if (want("neighboursGoNear")) {
    const { at: nearAt, sim: nearSim } = ctx.nearest();
    for (const u of knn) {
      const outs = graph.out[u]!;
      if (!outs.length) continue;
      const wu = sim[u]! / mass / outs.length;
      for (const v of outs) {
        const near = nearAt[v]!;
        const ns = nearSim[v]!;
        for (let j = 0; j < near.length; j++) nn[near[j]!]! += wu * ns[j]!;
      }
    }
  }
  // Personalised PageRank from the source's neighbours over the graph (3 steps, restart 0.3): where walks from fiches
  // like the source end, further than one hop. The source is a dead end (its own edges are not read).
  const walk = c("neighboursWalk").fill(0);
  if (want("neighboursWalk") && mass > 0) {
    const start = new Float64Array(n);
    for (const u of knn) start[u] = sim[u]! / mass;
    let p = start.slice();
    for (let step = 0; step < 3; step++) {
      const next = new Float64Array(n);
      for (let u = 0; u < n; u++) {
        const x = p[u]!;
        if (!x) continue;
        const outs = u === s ? EMPTY : graph.out[u]!;
        if (!outs.length) continue;
        const share = (0.7 * x) / outs.length;
        for (const t of outs) next[t]! += share;
      }
      for (let u = 0; u < n; u++) next[u]! += 0.3 * start[u]!;
      p = next;
    }
    for (let u = 0; u < n; u++) walk[u] = p[u]! - 0.3 * start[u]!;
  }
  const learned = c("neighboursGoLearned").fill(0);
  if (learnedSim && want("neighboursGoLearned")) learnedNeighboursVote(graph, s, learnedSim, learned);
  const go = c("similarSourcesGo").fill(0);
  const goMax = c("similarSourcesGoMax").fill(0);
  if (want("similarSourcesGo", "similarSourcesGoMax"))
    for (let u = 0; u < n; u++) {
      if (u === s) continue;
      const x = sim[u]!;
      if (x <= 0) continue;
      for (const t of graph.out[u]!) {
        go[t]! += x;
        if (x > goMax[t]!) goMax[t] = x;
      }
    }
}

/**
 * Where fiches like the source lead, with a learned likeness: every fiche u that lists mobilités (the source
 * itself left out, so its own edges are never read) votes softmax(learnedSim)[u] for each of its targets (as
 * `neighboursGo`, a share of the neighbours' mass). `learnedSim` holds logits fitted so that fiches with overlapping mobilités are near
 * (tuning/passerelles-metric.ts): the softmax's temperature replaces a fixed number of neighbours.
 */
export function learnedNeighboursVote(
  graph: MobiliteGraph,
  s: number,
  learnedSim: ArrayLike<number>,
  out: Float64Array,
): void {
  const n = graph.inDegree.length;
  let mx = -Infinity;
  for (let u = 0; u < n; u++) if (u !== s && graph.out[u]!.length && learnedSim[u]! > mx) mx = learnedSim[u]!;
  if (mx === -Infinity) return;
  let z = 0;
  for (let u = 0; u < n; u++) if (u !== s && graph.out[u]!.length) z += Math.exp(learnedSim[u]! - mx);
  for (let u = 0; u < n; u++) {
    const outs = graph.out[u]!;
    if (u === s || !outs.length) continue;
    const a = Math.exp(learnedSim[u]! - mx) / z;
    if (a < 1e-9) continue;
    for (const t of outs) out[t]! += a;
  }
}
