import { describe, expect, it } from "vitest";
import { lowerBound } from "../../../src/text/index.js";

describe("lowerBound", () => {
  it("gives the first index whose value is at least x, as a linear scan does", () => {
    const sorted = Int32Array.from([1, 3, 3, 3, 7, 9]);
    for (let x = -1; x <= 11; x++) {
      const scan = sorted.findIndex((v) => v >= x);
      expect(lowerBound(sorted, x)).toBe(scan < 0 ? sorted.length : scan);
    }
    expect(lowerBound([], 5)).toBe(0);
  });
});
