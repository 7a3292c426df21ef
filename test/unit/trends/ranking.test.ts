import { describe, expect, it } from "vitest";
import { countCells, rankScore, termhoodOf, type StatedTrendDocument } from "../../../src/trends/index.js";

const doc = (id: string, source: string, phrases: string[], statedPhrases?: string[]): StatedTrendDocument => ({
  id,
  kind: "offer",
  source,
  documentDate: new Date("2025-03-10"),
  metiers: ["M1203"],
  competences: [],
  phrases,
  text: "",
  ...(statedPhrases ? { statedPhrases } : {}),
});

describe("stated beside ROME items", () => {
  it("counts the documents that say a supported phrase in a statement naming an item", () => {
    const docs = [
      doc("1", "a", ["sen respons", "nouveau challeng"], ["sen respons"]),
      doc("2", "b", ["sen respons", "nouveau challeng"], ["sen respons", "nouveau challeng"]),
      doc("3", "a", ["sen respons", "nouveau challeng", "rare"], []),
    ];
    const c = countCells(docs, "month", 2);
    expect(c.stated?.get("sen respons")).toBe(2);
    expect(c.stated?.get("nouveau challeng")).toBe(1);
    // Below the support threshold no count is kept, as for the cells.
    expect(c.stated?.has("rare")).toBe(false);
  });

  it("tells nothing when no document carries statements (the lake's documents)", () => {
    const c = countCells([doc("1", "a", ["x y"]), doc("2", "b", ["x y"])], "month", 1);
    expect(c.stated).toBeUndefined();
  });

  it("ranks a phrase said among compétences above the same spread said in prose, neutral without a share", () => {
    const s = { salience: 4, trendScore: 0 };
    const t = termhoodOf(0.8);
    expect(rankScore(s, t)).toBeCloseTo(3.2, 9);
    expect(rankScore(s, t, 1)).toBeCloseTo(3.2, 9);
    expect(rankScore(s, t, 0)).toBeCloseTo(1.6, 9);
    expect(rankScore(s, t, 0.5)).toBeCloseTo(2.4, 9);
    expect(rankScore(s, t, 0.9)).toBeGreaterThan(rankScore(s, t, 0.1));
  });
});
