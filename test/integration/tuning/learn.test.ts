import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { RANK_MODEL, RANK_MODEL_NO_TITLE, type FicheFeatures, type RankModel } from "../../../src/match/index.js";
import {
  combine,
  featurePairs,
  featuresUsed,
  FEATURE_NAMES,
  rankScores,
  RERANK_DEPTH,
  scoreOf,
} from "../../../src/match/fitting.js";
import { fitListwise, listLoss, type RankingList } from "../../../src/tuning/index.js";

/** Texts of 20 candidates with 4 features each, whose right candidate is the best under `truth` plus noise. */
function lists(n: number, truth: readonly number[], seed: string): RankingList[] {
  const rnd = seedrandom(seed);
  return Array.from({ length: n }, () => {
    const x = Array.from({ length: 20 }, () => truth.map(() => rnd()));
    const s = x.map((f) => f.reduce((a, v, j) => a + v * truth[j]!, 0) + 0.3 * rnd());
    return { x, gold: s.indexOf(Math.max(...s)) };
  });
}
const top1 = (ls: readonly RankingList[], w: readonly number[]) =>
  ls.filter((l) => {
    const s = l.x.map((f) => f.reduce((a, v, j) => a + v * w[j]!, 0));
    return s.indexOf(Math.max(...s)) === l.gold;
  }).length / ls.length;

describe("listwise weight fitting", () => {
  const truth = [4, 0, 2, 1];
  const train = lists(300, truth, "train");
  const test = lists(300, truth, "test");
  const prior = [1, 1, 1, 1];

  it("moves from a wrong prior towards weights that rank held-out texts better", () => {
    const w = fitListwise(train, prior, { l2: 1e-4 });
    expect(listLoss(train, w)).toBeLessThan(listLoss(train, prior));
    expect(top1(test, w)).toBeGreaterThan(top1(test, prior) + 0.1);
    expect(w[0]!).toBeGreaterThan(w[1]!); // the feature that decides weighs more than the one that does not
  });

  it("stays at the prior when the pull towards it is strong, and keeps pinned features at 0", () => {
    const held = fitListwise(train, prior, { l2: 1e4 });
    held.forEach((x) => expect(x).toBeCloseTo(1, 1));
    const pinned = fitListwise(train, prior, { l2: 1e-4, pinned: [2] });
    expect(pinned[2]).toBe(0);
    expect(top1(test, pinned)).toBeLessThan(top1(test, fitListwise(train, prior, { l2: 1e-4 })));
  });

  it("skips texts whose right candidate is missing or that weigh 0", () => {
    const noisy: RankingList[] = [
      ...train,
      ...train.map((l) => ({ ...l, gold: (l.gold + 1) % 20, weight: 0 })),
      { x: train[0]!.x, gold: -1 },
    ];
    expect(fitListwise(noisy, prior, { l2: 1e-4, epochs: 50 })).toEqual(
      fitListwise(train, prior, { l2: 1e-4, epochs: 50 }),
    );
    expect(fitListwise([{ x: train[0]!.x, gold: -1 }], prior)).toEqual(prior);
  });
});

describe("pairwise products in the ranking model", () => {
  it("lists every pair once, squares included", () => {
    expect(featurePairs(["a", "b", "c"])).toEqual([
      ["a", "a"],
      ["a", "b"],
      ["a", "c"],
      ["b", "b"],
      ["b", "c"],
      ["c", "c"],
    ]);
  });

  it("scores a fiche as the linear sum plus each product times its weight", () => {
    const f = Object.fromEntries(FEATURE_NAMES.map((k) => [k, Float64Array.of(0, 0.5)])) as unknown as FicheFeatures;
    f.titleLex[1] = 0.8;
    f.exemplarBody[1] = 0.25;
    const model: RankModel = {
      weights: RANK_MODEL.weights,
      interactions: [
        ["titleLex", "titleLex", 2],
        ["titleLex", "exemplarBody", -1],
      ],
      temperature: 1,
    };
    expect(scoreOf(f, model, 1)).toBeCloseTo(combine(f, model.weights, 1) + 2 * 0.64 - 0.2, 12);
    expect(scoreOf(f, model, 0)).toBe(0);
  });

  it("makes the engine compute every feature a product reads, even one without a linear weight", () => {
    const model: RankModel = {
      weights: { ...RANK_MODEL.weights, mc: 0, items: 0 },
      interactions: [
        ["mc", "titleLex", 0.1],
        ["items", "items", 0],
      ],
      temperature: 1,
    };
    expect(featuresUsed(model).has("mc")).toBe(true);
    expect(featuresUsed(model).has("items")).toBe(false); // weight 0: not read
    expect(featuresUsed({ ...model, weights: { ...model.weights, items: -0.05 } }).has("items")).toBe(true); // a negative weight is read
    for (const m of [RANK_MODEL, RANK_MODEL_NO_TITLE])
      for (const [a, b] of m.interactions) expect(featuresUsed(m).has(a) && featuresUsed(m).has(b)).toBe(true);
  });

  it("adds the products to the linear score's best RERANK_DEPTH fiches only, the fiches a list is made of", () => {
    const n = RERANK_DEPTH + 50;
    const rnd = seedrandom("two-stage");
    const f = Object.fromEntries(FEATURE_NAMES.map((k) => [k, new Float64Array(n)])) as unknown as FicheFeatures;
    for (let i = 0; i < n - 10; i++) {
      f.titleLex[i] = rnd();
      f.exemplarBody[i] = rnd();
    } // the last 10 fiches have no evidence
    const model: RankModel = {
      weights: RANK_MODEL.weights,
      interactions: [["titleLex", "exemplarBody", 5]],
      temperature: 1,
    };
    const { ranked, totals, interactions } = rankScores(f, model);
    const linear = Array.from({ length: n }, (_, i) => combine(f, model.weights, i));
    const byLinear = [...linear.keys()].filter((i) => linear[i]! > 0).sort((a, b) => linear[b]! - linear[a]!);
    expect(new Set(ranked)).toEqual(new Set(byLinear.slice(0, RERANK_DEPTH)));
    for (const i of ranked) expect(totals[i]).toBe(scoreOf(f, model, i)); // the same sums, in the same order
    for (const i of byLinear.slice(RERANK_DEPTH)) {
      expect(interactions[i]).toBe(0);
      expect(totals[i]).toBe(linear[i]);
    }
  });

  it("learns an interaction that linear weights cannot express", () => {
    // The right candidate is the one whose two signals agree most, −(a − b)², whatever their level.
    const make = (n: number, seed: string): RankingList[] => {
      const rnd = seedrandom(seed);
      return Array.from({ length: n }, () => {
        const x = Array.from({ length: 20 }, () => [rnd(), rnd()]);
        const s = x.map(([a, b]) => -((a! - b!) ** 2) + 0.002 * rnd());
        return { x, gold: s.indexOf(Math.max(...s)) };
      });
    };
    const expand = (ls: RankingList[]) =>
      ls.map((l) => ({
        ...l,
        x: l.x.map(([a, b]) => [a!, b!, ...featurePairs([0, 1]).map(([i, j]) => [a!, b!][i]! * [a!, b!][j]!)]),
      }));
    const train = make(300, "pairs-train");
    const test = make(300, "pairs-test");
    const linear = fitListwise(train, [1, 1], { l2: 1e-4 });
    const withPairs = fitListwise(expand(train), [1, 1, 0, 0, 0], { l2: 1e-4, epochs: 1500 });
    expect(top1(expand(test), withPairs)).toBeGreaterThan(top1(test, linear) + 0.15);
    expect(withPairs[3]!).toBeGreaterThan(0); // the product a·b counts for, the squares against
    expect(withPairs[2]!).toBeLessThan(0);
  });
});

describe("listwise fitting with several right candidates (a code that merges fiches)", () => {
  it("scores the likelihood of any right candidate, and its gradient raises their summed probability", () => {
    const x = [
      [1, 0],
      [0, 1],
      [0.5, 0.5],
      [0, 0],
    ];
    const w = [0.3, -0.2];
    const s = x.map((r) => r[0]! * w[0]! + r[1]! * w[1]!);
    const z = s.reduce((a, v) => a + Math.exp(v), 0);
    const merged: RankingList = { x, gold: 1, golds: [1, 2] };
    expect(listLoss([merged], w)).toBeCloseTo(-Math.log((Math.exp(s[1]!) + Math.exp(s[2]!)) / z), 10);
    expect(listLoss([{ x, gold: 1 }], w)).toBeCloseTo(-Math.log(Math.exp(s[1]!) / z), 10);
    // Candidates 1 and 2 are right: the fit moves weight to the second feature, which both carry.
    const fitted = fitListwise([merged], w, { l2: 1e-4, epochs: 200 });
    expect(listLoss([merged], fitted)).toBeLessThan(listLoss([merged], w));
    expect(fitted[1]!).toBeGreaterThan(w[1]!);
  });
});
