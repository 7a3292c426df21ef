import { describe, expect, it } from "vitest";
import { combinedScore, metierAgreement, SIMILAR_WEIGHTS } from "../../../src/lake/score.js";

const m = (code: string, confidence: number) => ({ code, score: confidence, confidence });

describe("similar documents' métier agreement", () => {
  it("sums the smaller confidence over the codes both documents list, most agreed first", () => {
    const r = metierAgreement([m("M1805", 0.7), m("M1855", 0.2)], [m("M1855", 0.5), m("M1805", 0.4), m("J1501", 0.1)]);
    expect(r.agreement).toBeCloseTo(0.6, 10);
    expect(r.shared).toEqual([
      { code: "M1805", confidence: 0.4 },
      { code: "M1855", confidence: 0.2 },
    ]);
  });
  it("is 0 for documents matched to different métiers or to none, and at most 1", () => {
    expect(metierAgreement([m("M1805", 0.9)], [m("J1501", 0.9)]).agreement).toBe(0);
    expect(metierAgreement([], [m("J1501", 0.9)])).toEqual({ agreement: 0, shared: [] });
    expect(metierAgreement([m("A", 0.8), m("B", 0.8)], [m("A", 0.8), m("B", 0.8)]).agreement).toBe(1);
  });
  it("weighs vector, MC overlap and métier agreement as SIMILAR_WEIGHTS says, summing to 1", () => {
    expect(SIMILAR_WEIGHTS.vector + SIMILAR_WEIGHTS.mcOverlap + SIMILAR_WEIGHTS.metiers).toBeCloseTo(1, 10);
    expect(combinedScore(1, 1, 1)).toBeCloseTo(1, 10);
    expect(combinedScore(0.5, 0, 1)).toBeCloseTo(SIMILAR_WEIGHTS.vector * 0.5 + SIMILAR_WEIGHTS.metiers, 10);
  });
});
