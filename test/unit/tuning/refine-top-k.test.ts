import { describe, expect, it } from "vitest";
import { refineForTopK, type MultiRankingList } from "../../../src/tuning/learn.js";

/** Rows of two features each, the first row right. */
const list = (rows: number[][], golds = [0]): MultiRankingList => ({
  x: Float32Array.from(rows.flat()),
  rows: rows.length,
  golds,
});
const score = (row: readonly number[], w: readonly number[]) => row[0]! * w[0]! + row[1]! * w[1]!;
/** Share of the lists whose right row ranks first (recall@1 with one right row per list). */
const recallAt1 = (lists: number[][][], w: readonly number[]) =>
  lists.filter((rows) => rows.slice(1).every((r) => score(rows[0]!, w) > score(r, w))).length / lists.length;

describe("refineForTopK", () => {
  it("returns the starting weights when there are no epochs", () => {
    const lists = [
      list([
        [1, 0],
        [0, 1],
      ]),
    ];
    expect(refineForTopK(lists, 2, [0.3, -0.2], { k: 1, epochs: 0, learningRate: 0.1 })).toEqual([0.3, -0.2]);
  });

  it("moves the weights so that right rows enter the top k", () => {
    // Feature 0 separates the right row in every list; feature 1 points the wrong way.
    const raw = [
      [
        [1, 0],
        [0, 1],
        [0.2, 0.5],
      ],
      [
        [0.8, 0.1],
        [0.1, 0.9],
        [0, 0],
      ],
      [
        [0.9, 0.3],
        [0.3, 0.4],
        [0.5, 0.6],
      ],
    ];
    const w = refineForTopK(
      raw.map((r) => list(r)),
      2,
      [0, 0],
      { k: 1, epochs: 200, learningRate: 0.05 },
    );
    expect(w[0]).toBeGreaterThan(0);
    expect(recallAt1(raw, w)).toBe(1);
  });
});
