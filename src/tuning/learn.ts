/**
 * Learning the hybrid score's weights from labelled texts: a linear listwise ranker (softmax over each text's
 * candidate fiches, the likelihood of the right one: ListNet's top-1 objective) fitted by Adam, with a Gaussian
 * prior centred on hand-tuned weights (L2 towards them, not towards 0). Small and pure; scripts/tune-weights.ts
 * runs it. Why the prior: recruiters' codes are noisy, and the unregularised likelihood pays for every mislabelled
 * offer with flatter weights: on the dev offers it cost 2 points of top-1 in cross-validation against the hand-tuned
 * weights it started from, where the prior gives +2. Coordinate ascent of top-1 itself (RankLib's) reached the same
 * top-1 with weights that changed from fold to fold (the title's share from 2 % to 12 %).
 */

/** One text: its candidates' feature vectors and the index of the right one (-1: not among them, skipped). */
export interface RankingList {
  x: readonly (readonly number[])[];
  gold: number;
  /**
   * Every right candidate, `gold` among them, when several are (a text coded before a split: the code of its day and
   * the fiches created from it since): the likelihood is then that of any of them, i.e. of the merged code.
   */
  golds?: readonly number[];
  /** Weight of the text in the fit (class balance); 1 when absent. */
  weight?: number;
}

export interface FitOptions {
  epochs?: number;
  learningRate?: number;
  /** Strength of the pull towards the prior weights. */
  l2?: number;
  /** Indexes of features held at 0 (left out of the score). */
  pinned?: readonly number[];
}

/** Mean negative log-likelihood of the right candidates under softmax(w·x), over the lists that have one. */
export function listLoss(lists: readonly RankingList[], w: readonly number[]): number {
  let loss = 0;
  let n = 0;
  for (const l of lists) {
    if (l.gold < 0) continue;
    const s = l.x.map((x) => dotw(x, w));
    const m = Math.max(...s);
    const right = l.golds ?? [l.gold];
    const r = Math.max(...right.map((g) => s[g]!));
    loss += m + Math.log(s.reduce((a, v) => a + Math.exp(v - m), 0));
    loss -= r + Math.log(right.reduce((a, g) => a + Math.exp(s[g]! - r), 0));
    n++;
  }
  return n ? loss / n : 0;
}

/**
 * Maximum a posteriori weights: full-batch Adam on listLoss + (l2 / 2)·|w − prior|², from the prior. The prior's scale
 * sets the softmax's (weights are log-odds units: softmax(w·x) is the fitted probability of each candidate).
 */
export function fitListwise(lists: readonly RankingList[], prior: readonly number[], opts: FitOptions = {}): number[] {
  const { epochs = 600, learningRate = 0.05, l2 = 0.003 } = opts;
  const d = prior.length;
  const pinned = new Set(opts.pinned ?? []);
  const w = prior.map((x, j) => (pinned.has(j) ? 0 : x));
  const m = new Float64Array(d);
  const v = new Float64Array(d);
  const used = lists.filter((l) => l.gold >= 0);
  const mass = used.reduce((a, l) => a + (l.weight ?? 1), 0);
  if (!used.length || mass <= 0) return w;
  // Candidates packed into one sparse matrix (rows of the lists one after the other, only non-zero features: most
  // are 0 for most candidates, and so are their products): each epoch reads it once.
  const starts = new Int32Array(used.length + 1);
  used.forEach((l, k) => (starts[k + 1] = starts[k]! + l.x.length));
  const rowStart = [0];
  const col: number[] = [];
  const val: number[] = [];
  for (const l of used) {
    for (const x of l.x) {
      x.forEach((xj, j) => {
        if (xj !== 0) (col.push(j), val.push(xj));
      });
      rowStart.push(col.length);
    }
  }
  const rs = Int32Array.from(rowStart);
  const cols = Int32Array.from(col);
  const vals = Float64Array.from(val);
  const s = new Float64Array(starts[used.length]!);
  const wa = Float64Array.from(w);
  for (let t = 1; t <= epochs; t++) {
    const g = new Float64Array(d);
    for (let r = 0; r < s.length; r++) {
      let acc = 0;
      for (let q = rs[r]!; q < rs[r + 1]!; q++) acc += vals[q]! * wa[cols[q]!]!;
      s[r] = acc;
    }
    used.forEach((l, k) => {
      const a = starts[k]!;
      const b = starts[k + 1]!;
      let mx = -Infinity;
      for (let r = a; r < b; r++) if (s[r]! > mx) mx = s[r]!;
      let z = 0;
      for (let r = a; r < b; r++) z += s[r] = Math.exp(s[r]! - mx); // scores become their exponentials
      const lw = l.weight ?? 1;
      // ∂(−log Σ_right p)/∂s_r = p_r − [r right]·p_r / Σ_right p (one right candidate: p_r − [r = gold]).
      let zRight = 0;
      for (const g of l.golds ?? [l.gold]) zRight += s[a + g]!;
      const right = l.golds ? new Set(l.golds) : null;
      for (let r = a; r < b; r++) {
        const isRight = right ? right.has(r - a) : r - a === l.gold;
        const p = lw * (s[r]! / z - (isRight ? s[r]! / zRight : 0));
        if (Math.abs(p) < 1e-12) continue;
        for (let q = rs[r]!; q < rs[r + 1]!; q++) g[cols[q]!]! += p * vals[q]!;
      }
    });
    for (let j = 0; j < d; j++) {
      if (pinned.has(j)) continue;
      const gj = g[j]! / mass + l2 * (wa[j]! - prior[j]!);
      m[j] = 0.9 * m[j]! + 0.1 * gj;
      v[j] = 0.999 * v[j]! + 0.001 * gj * gj;
      wa[j]! -= (learningRate * (m[j]! / (1 - 0.9 ** t))) / (Math.sqrt(v[j]! / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  return [...wa];
}

/** A candidate's score under weights `w`: Σ x·w, in feature order. */
export function dotw(x: readonly number[], w: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += x[j]! * w[j]!;
  return s;
}

/**
 * Logistic regression by full-batch gradient descent on standardised features, with an L2 pull towards 0 (the bias
 * is not pulled): the offer-coding model's fit (scripts/tune-required.ts). Returns the bias and the weights in the
 * features' own units. `x`: one row per example; `y`: 1 or 0.
 */
export function fitLogistic(
  x: readonly (readonly number[])[],
  y: readonly number[],
  opts: { l2?: number; epochs?: number; rate?: number } = {},
): { bias: number; weights: number[] } {
  const { l2 = 1e-3, epochs = 2000, rate = 0.5 } = opts;
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const mu = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / Math.max(1, n));
  // A constant feature (sd 0) stays at weight 0 rather than dividing by 0.
  const sd = mu.map((m, j) => Math.sqrt(x.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / Math.max(1, n)) || 1);
  const z = x.map((r) => r.map((v, j) => (v - mu[j]!) / sd[j]!));
  let b = 0;
  const w = new Array<number>(d).fill(0);
  const g = new Array<number>(d);
  for (let e = 0; e < epochs; e++) {
    g.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const r = z[i]!;
      const p = 1 / (1 + Math.exp(-(b + dotw(r, w))));
      const err = p - y[i]!;
      gb += err;
      for (let j = 0; j < d; j++) g[j]! += err * r[j]!;
    }
    b -= (rate * gb) / n;
    for (let j = 0; j < d; j++) w[j]! -= rate * (g[j]! / n + l2 * w[j]!);
  }
  const weights = w.map((v, j) => v / sd[j]!);
  return { bias: b - weights.reduce((s, v, j) => s + v * mu[j]!, 0), weights };
}

/** One list with several right candidates: `x` holds `rows` candidates of `d` features each, row after row. */
export interface MultiRankingList {
  x: Float32Array;
  rows: number;
  /** Rows of the right candidates (none: the list is skipped). */
  golds: readonly number[];
  weight?: number;
  /**
   * Per-row log-weight added to the score (sampled softmax): a random negative standing for m fiches counts m times
   * in the softmax's denominator, so the sampled loss estimates the loss over every candidate.
   */
  offsets?: Float32Array;
}

/**
 * Listwise fit when a list has several right candidates (a fiche's official mobilités): ListNet's top-1 objective
 * with the target probability spread evenly over them, i.e. the mean of −log softmax(w·x)[g] over the golds g.
 * Full-batch Adam from 0 with an L2 pull towards 0. Dense rows (every pair feature is usually non-zero somewhere).
 */
export function fitListwiseSets(
  lists: readonly MultiRankingList[],
  d: number,
  opts: { epochs?: number; learningRate?: number; l2?: number } = {},
): number[] {
  const { epochs = 300, learningRate = 0.05, l2 = 1e-4 } = opts;
  const used = lists.filter((l) => l.golds.length > 0);
  const mass = used.reduce((a, l) => a + (l.weight ?? 1), 0);
  const w = new Float64Array(d);
  if (!used.length || mass <= 0) return [...w];
  const m = new Float64Array(d);
  const v = new Float64Array(d);
  const maxRows = Math.max(...used.map((l) => l.rows));
  const s = new Float64Array(maxRows);
  const g = new Float64Array(d);
  for (let t = 1; t <= epochs; t++) {
    g.fill(0);
    for (const l of used) {
      const { x, rows } = l;
      let mx = -Infinity;
      for (let r = 0; r < rows; r++) {
        let acc = 0;
        const o = r * d;
        for (let j = 0; j < d; j++) acc += x[o + j]! * w[j]!;
        if (l.offsets) acc += l.offsets[r]!;
        s[r] = acc;
        if (acc > mx) mx = acc;
      }
      let z = 0;
      for (let r = 0; r < rows; r++) z += s[r] = Math.exp(s[r]! - mx);
      const lw = (l.weight ?? 1) / mass;
      for (let r = 0; r < rows; r++) s[r] = (lw * s[r]!) / z;
      const share = lw / l.golds.length;
      for (const gr of l.golds) s[gr]! -= share;
      for (let r = 0; r < rows; r++) {
        const p = s[r]!;
        if (Math.abs(p) < 1e-12) continue;
        const o = r * d;
        for (let j = 0; j < d; j++) g[j]! += p * x[o + j]!;
      }
    }
    adamStep(w, g, m, v, t, learningRate, l2);
  }
  return [...w];
}

/** One Adam step (β 0.9 / 0.999) on `w` with gradient `g` plus the L2 term `l2 · w`, at step `t` (from 1). */
function adamStep(
  w: Float64Array | number[],
  g: Float64Array | number[],
  m: Float64Array | number[],
  v: Float64Array | number[],
  t: number,
  learningRate: number,
  l2: number,
): void {
  for (let j = 0; j < w.length; j++) {
    const gj = g[j]! + l2 * w[j]!;
    m[j] = 0.9 * m[j]! + 0.1 * gj;
    v[j] = 0.999 * v[j]! + 0.001 * gj * gj;
    w[j]! -= (learningRate * (m[j]! / (1 - 0.9 ** t))) / (Math.sqrt(v[j]! / (1 - 0.999 ** t)) + 1e-8);
  }
}

/** Mean over lists of −(1/|golds|) Σ log softmax(w·x)[g]: the loss fitListwiseSets minimises (without the L2 term). */
export function listSetsLoss(lists: readonly MultiRankingList[], d: number, w: readonly number[]): number {
  let loss = 0;
  let n = 0;
  for (const l of lists) {
    if (!l.golds.length) continue;
    const s = Array.from({ length: l.rows }, (_, r) => {
      let acc = 0;
      for (let j = 0; j < d; j++) acc += l.x[r * d + j]! * w[j]!;
      return acc + (l.offsets?.[r] ?? 0);
    });
    const mx = Math.max(...s);
    const lz = mx + Math.log(s.reduce((a, x) => a + Math.exp(x - mx), 0));
    loss += l.golds.reduce((a, gr) => a + lz - s[gr]!, 0) / l.golds.length;
    n++;
  }
  return n ? loss / n : 0;
}

export interface TopKRefineOptions {
  /** The cut whose recall the refinement aims at (recall@10: 10). */
  k: number;
  epochs: number;
  learningRate: number;
  l2?: number;
}

/**
 * LambdaRank-style refinement of listwise weights for recall@k: from `w0` (a `fitListwiseSets` fit), full-batch Adam
 * on the pairwise logistic loss log(1 + exp(−(s_g − s_n))) of the (right, wrong) pairs whose swap would change recall@k
 * under the current weights (one of the two in the top k, the other not). Each list weighs 1 whatever its size
 * (1 / (golds × k) per pair); pairs that cannot change recall@k (both in, both out) do not pull. Offsets are added to
 * the scores like in the softmax fit.
 */
export function refineForTopK(
  lists: readonly MultiRankingList[],
  d: number,
  w0: readonly number[],
  opts: TopKRefineOptions,
): number[] {
  const { k, epochs, learningRate, l2 = 1e-4 } = opts;
  const used = lists.filter((l) => l.golds.length > 0);
  const w = Float64Array.from(w0);
  if (!used.length) return [...w];
  const m = new Float64Array(d);
  const v = new Float64Array(d);
  const g = new Float64Array(d);
  const maxRows = Math.max(...used.map((l) => l.rows));
  const s = new Float64Array(maxRows);
  const coef = new Float64Array(maxRows);
  const rank = new Int32Array(maxRows);
  const isGold = new Uint8Array(maxRows);
  for (let t = 1; t <= epochs; t++) {
    g.fill(0);
    for (const l of used) {
      const { x, rows } = l;
      for (let r = 0; r < rows; r++) {
        let acc = l.offsets ? l.offsets[r]! : 0;
        const o = r * d;
        for (let j = 0; j < d; j++) acc += x[o + j]! * w[j]!;
        s[r] = acc;
      }
      Array.from({ length: rows }, (_, r) => r)
        .sort((a, b) => s[b]! - s[a]! || a - b)
        .forEach((r, i) => (rank[r] = i));
      isGold.fill(0, 0, rows);
      for (const gr of l.golds) isGold[gr] = 1;
      coef.fill(0, 0, rows);
      for (const gr of l.golds) {
        const gIn = rank[gr]! < k;
        for (let r = 0; r < rows; r++) {
          if (isGold[r] || rank[r]! < k === gIn) continue;
          // d/dΔ log(1 + e^−Δ) = −σ(−Δ), Δ = s_g − s_n
          const sig = 1 / (1 + Math.exp(s[gr]! - s[r]!));
          coef[gr]! -= sig;
          coef[r]! += sig;
        }
      }
      const scale = 1 / (Math.max(1, l.golds.length * k) * used.length);
      for (let r = 0; r < rows; r++) {
        const c = coef[r]! * scale;
        if (!c) continue;
        const o = r * d;
        for (let j = 0; j < d; j++) g[j]! += c * x[o + j]!;
      }
    }
    adamStep(w, g, m, v, t, learningRate, l2);
  }
  return [...w];
}
