import { describe, expect, it } from "vitest";
import {
  analyzeTrends,
  countCells,
  rankScore,
  termhoodOf,
  trendOptions,
  type AttachResult,
  type PhraseAttacher,
  type StatedTrendDocument,
} from "../../../src/trends/index.js";
import { trendDoc } from "./fixtures.js";

const doc = (id: string, source: string, phrases: string[], statedPhrases?: string[]) =>
  trendDoc(id, source, phrases, statedPhrases ? { statedPhrases } : {});

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

/** Two phrases of the same spread (3 domaines, 2 sources, 2 months); `listed` is said among ROME items. */
function spreadDocs(listed: string): StatedTrendDocument[] {
  const out: StatedTrendDocument[] = [];
  let n = 0;
  for (const source of ["a", "b"])
    for (const metier of ["A1101", "D1202", "M1203"])
      for (const month of [0, 1, 2, 3])
        for (let i = 0; i < 2; i++)
          out.push({
            ...doc(`d${n++}`, source, ["alpha beta", "gamma delta"], [listed]),
            metiers: [metier],
            documentDate: new Date(Date.UTC(2025, month, 5 + i)),
          });
  return out;
}

const attacher: PhraseAttacher = {
  attach: async (labels) =>
    labels.map((): AttachResult => ({
      macroCompetence: null,
      competences: [],
      attachedBy: "vector",
      nearestSimilarity: 0.8,
      covered: false,
      coveredBy: null,
    })),
};

describe("the analysis's order", () => {
  it("puts the phrase said among ROME items first, whichever it is", async () => {
    const o = trendOptions({ minSupport: 5, limit: 5 });
    for (const listed of ["alpha beta", "gamma delta"]) {
      const r = await analyzeTrends(() => spreadDocs(listed), o, { attacher });
      expect(r.emerging.map((e) => e.key)).toEqual([listed, listed === "alpha beta" ? "gamma delta" : "alpha beta"]);
      expect(r.emerging[0]!.score).toBeCloseTo(2 * r.emerging[1]!.score, 6);
    }
  });
});
