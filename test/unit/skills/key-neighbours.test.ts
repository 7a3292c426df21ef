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
    serpill: [0.6, 0.8, 0],
  };
  const vocabulary = Object.keys(rows);
  return new WordVectors(vocabulary, 3, Float32Array.from(vocabulary.flatMap((w) => rows[w]!)));
}

describe("KeyNeighbours", () => {
  const families = new StemFamilies(["nettoyag", "nettoi", "balai", "comptabl", "serpill"]);
  const key = families.key("nettoyag");
  // Label terms by id; "serpill" is a word of the model that no label holds.
  const terms = ["balai", key, "comptabl"];
  const near = new KeyNeighbours(vectors(), families, 0.5, (k) => terms.indexOf(k));

  it("reads a family's stems as one key, whose vector is their mean direction", () => {
    expect(families.key("nettoi")).toBe(key);
    // mean of (1,0,0) and (0.8,0.6,0), normalised, against (0.6,0.8,0)
    const mean = [1.8, 0.6, 0].map((x) => x / Math.hypot(1.8, 0.6));
    const n = near.near("balai");
    expect([...n.ids]).toEqual([terms.indexOf(key)]);
    expect(n.cos[0]).toBeCloseTo(mean[0]! * 0.6 + mean[1]! * 0.8, 5);
  });

  it("keeps only label terms at the floor or above, never the key itself nor unknown words", () => {
    expect([...near.near(key).ids]).toEqual([terms.indexOf("balai")]);
    expect(near.near("comptabl").ids.length).toBe(0);
    expect(near.near("inconnu").ids.length).toBe(0);
    // A word no label holds has label neighbours (in the model's order), and is no one's neighbour ("balai" has
    // only the nettoyage family, above).
    expect([...near.near("serpill").ids]).toEqual([terms.indexOf(key), terms.indexOf("balai")]);
  });
});
