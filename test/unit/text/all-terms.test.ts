import { describe, expect, it } from "vitest";
import { AllTermsIndex } from "../../../src/text/index.js";

describe("AllTermsIndex", () => {
  const labels = [
    ["gestion", "projet"],
    ["projet", "agile", "pilotage"],
    ["soin", "hygien", "confort"],
  ];
  const idx = new AllTermsIndex(labels);

  it("answers whether one document holds every term, in any order", () => {
    expect(idx.anyHoldsAll(["projet", "gestion"])).toBe(true);
    expect(idx.anyHoldsAll(["agile", "pilotage", "projet"])).toBe(true);
    expect(idx.anyHoldsAll(["gestion", "agile"])).toBe(false); // each term is held, never together
    expect(idx.anyHoldsAll(["gestion", "inconnu"])).toBe(false);
    expect(idx.anyHoldsAll(["soin", "soin"])).toBe(true);
    expect(idx.anyHoldsAll([])).toBe(false);
  });

  it("visits the holders until the visitor says stop", () => {
    const seen: number[] = [];
    expect(idx.forEachHoldingAll(["projet"], (d) => (seen.push(d), true))).toBe(true);
    expect(seen).toEqual([0]); // stopped at the first holder
    expect(idx.forEachHoldingAll(["projet"], () => false)).toBe(false);
  });

  it("agrees with a brute-force check when frequent terms use bitsets", () => {
    // 500 documents over a small vocabulary: the common terms pass the bitset threshold, the rare ones do not.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const vocab = Array.from({ length: 40 }, (_, i) => `t${i}`);
    const pick = () => vocab[Math.floor(rnd() ** 2 * vocab.length)]!; // skewed: low ids are frequent
    const docs = Array.from({ length: 500 }, () => Array.from({ length: 1 + Math.floor(rnd() * 5) }, pick));
    const index = new AllTermsIndex(docs);
    const sets = docs.map((d) => new Set(d));
    let holds = 0;
    for (let q = 0; q < 2000; q++) {
      const terms = Array.from({ length: 1 + Math.floor(rnd() * 3) }, pick);
      const expected = sets.some((s) => terms.every((t) => s.has(t)));
      expect(index.anyHoldsAll(terms)).toBe(expected);
      // Every holder, in ascending order (the trends' coverage test picks the shortest of them).
      const visited: number[] = [];
      index.forEachHoldingAll(terms, (d) => void visited.push(d));
      expect(visited).toEqual(sets.flatMap((s, d) => (terms.every((t) => s.has(t)) ? [d] : [])));
      if (expected) holds++;
    }
    expect(holds).toBeGreaterThan(100); // both answers are exercised
    expect(holds).toBeLessThan(1900);
  });
});
