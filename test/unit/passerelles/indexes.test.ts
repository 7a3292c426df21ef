import { describe, expect, it } from "vitest";
import { AppellationMaxIndex, tfidfVectors } from "../../../src/passerelles/indexes.js";
import { topPositions, rankingScores, stageScore, RERANK_OFFSET } from "../../../src/passerelles/model.js";
import { PAIR_FEATURES } from "../../../src/passerelles/features.js";

describe("appellation-pair similarity", () => {
  // Three fiches; the first covers two jobs, one of which is the second fiche's only job.
  const labels = [
    [
      ["soudeur", "arc"],
      ["chaudronnier", "tole"],
    ],
    [["chaudronnier", "tole"]],
    [["boulanger"], ["patissier", "boulanger"]],
  ];
  const index = new AppellationMaxIndex(labels);

  it("is the best cosine over pairs of appellations, not the cosine of the fiches' whole bags", () => {
    const out = new Float64Array(3);
    index.maxInto(0, out);
    expect(out[1]).toBeCloseTo(1, 9);
    expect(out[2]).toBe(0);
    // The whole bags are less alike than the best pair: a broad fiche is not diluted.
    const [a, b] = tfidfVectors([labels[0]!.flat(), labels[1]!.flat()]);
    let bag = 0;
    for (const [t, w] of a!) bag += w * (b!.get(t) ?? 0);
    expect(bag).toBeLessThan(out[1]! - 0.2);
  });

  it("fills its output (no left-overs from a previous source) and scores each pair both ways alike", () => {
    const out = new Float64Array(3).fill(7);
    index.maxInto(2, out);
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(0);
    const back = new Float64Array(3);
    index.maxInto(1, back);
    const forth = new Float64Array(3);
    index.maxInto(0, forth);
    expect(back[0]).toBeCloseTo(forth[1]!, 12);
  });
});

describe("two-stage ranking keys", () => {
  it("puts the first stage's shortlist first, in the second stage's order, and leaves the source out", () => {
    // Columns: feature 0 drives the first stage, feature 1 the second.
    const cols = [Float64Array.from([9, 5, 4, 3, 2, 1]), Float64Array.from([0, 1, 2, 3, 4, 5])];
    // Feature names map to column indexes through PAIR_FEATURES: mcCoverage is 0, coreCoverage is 1.
    expect(PAIR_FEATURES.slice(0, 2)).toEqual(["mcCoverage", "coreCoverage"]);
    const model = {
      weights: { mcCoverage: 1 },
      interactions: [],
      rerank: { depth: 3, weights: { coreCoverage: 1 }, interactions: [] },
    };
    const keys = rankingScores(cols, model, 0);
    // The source (0) is left out of the shortlist: 1, 2, 3 are shortlisted, then ordered by feature 1.
    expect(topPositions(keys, 6, 0)).toEqual([3, 2, 1, 4, 5]);
    expect(keys[3]).toBe(RERANK_OFFSET + 3);
    expect(stageScore(keys[3]!)).toBe(3);
    expect(stageScore(keys[4]!)).toBe(2);
  });

  it("selects the k best positions, ties in position order", () => {
    expect(topPositions(Float64Array.from([1, 3, 3, 2]), 3)).toEqual([1, 2, 3]);
    expect(topPositions(Float64Array.from([1, 3, 3, 2]), 2, 1)).toEqual([2, 3]);
  });
});
