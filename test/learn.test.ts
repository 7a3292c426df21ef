import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { fitListwise, listLoss, type RankingList } from "../src/match/index.js";

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
    const noisy: RankingList[] = [...train, ...train.map((l) => ({ ...l, gold: (l.gold + 1) % 20, weight: 0 })), { x: train[0]!.x, gold: -1 }];
    expect(fitListwise(noisy, prior, { l2: 1e-4, epochs: 50 })).toEqual(fitListwise(train, prior, { l2: 1e-4, epochs: 50 }));
    expect(fitListwise([{ x: train[0]!.x, gold: -1 }], prior)).toEqual(prior);
  });
});
