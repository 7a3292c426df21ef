import { describe, expect, it } from "vitest";
import { WordVectors } from "../../../src/embed/index.js";
import { StemFamilies } from "../../../src/skills/index.js";
import { KeyNeighbours } from "../../../src/skills/label-index.js";

/** Unit rows in 3 dimensions: a noun and its verb (one family), a near word, a far one. */
function vectors(): WordVectors {
  const rows: Record<string, number[]> = {
    nettoyag: [1, 0, 0],
    nettoi: [0.8, 0.6, 0],
    balai: [0.6, 0.8, 0],
    comptabl: [0, 0, 1],
  };
  const vocabulary = Object.keys(rows);
  return new WordVectors(vocabulary, 3, Float32Array.from(vocabulary.flatMap((w) => rows[w]!)));
}

describe("KeyNeighbours", () => {
  const families = new StemFamilies(["nettoyag", "nettoi", "balai", "comptabl"]);
  const near = new KeyNeighbours(vectors(), families, 0.5);

  it("reads a family's stems as one key, whose vector is their mean direction", () => {
    const key = families.key("nettoyag");
    expect(families.key("nettoi")).toBe(key);
    // mean of (1,0,0) and (0.8,0.6,0), normalised, against (0.6,0.8,0)
    const mean = [1.8, 0.6, 0].map((x) => x / Math.hypot(1.8, 0.6));
    expect(near.neighbours("balai").get(key)).toBeCloseTo(mean[0]! * 0.6 + mean[1]! * 0.8, 5);
  });

  it("keeps only keys at the floor or above, never the key itself nor unknown words", () => {
    const key = families.key("nettoyag");
    expect([...near.neighbours(key).keys()]).toEqual(["balai"]);
    expect(near.neighbours("comptabl").size).toBe(0);
    expect(near.neighbours("inconnu").size).toBe(0);
  });
});
