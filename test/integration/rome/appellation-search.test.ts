import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import {
  buildAppellationSearch,
  loadReferential,
  searchAppellations,
  tokenSimilarity,
  type AppellationSearchIndex,
} from "../../../src/rome/index.js";

let index: AppellationSearchIndex;
beforeAll(() => {
  index = buildAppellationSearch(loadReferential(loadConfig().romeDir));
});

const QUERIES = [
  "boulanger",
  "boulan",
  "infirmier",
  "infirmeir",
  "Développeur Java H/F",
  "agent de",
  "technicien maintenance",
  "aide soignant",
];

describe("appellation search (autocomplete, a title's appellation)", () => {
  it("gives the first results of a longer list, in its order, for a short limit (no full sort)", () => {
    for (const q of QUERIES) {
      const long = searchAppellations(index, q, 60);
      expect(long.length).toBeGreaterThan(3);
      for (const limit of [1, 3, 10]) expect(searchAppellations(index, q, limit)).toEqual(long.slice(0, limit));
    }
  });

  it("answers a query asked again as the first time (tokens remembered), whatever was asked between", () => {
    const first = searchAppellations(index, "infirmeir bloc", 5);
    searchAppellations(index, "infirmeir", 5);
    searchAppellations(index, "bloc operatoire", 5);
    expect(searchAppellations(index, "infirmeir bloc", 5)).toEqual(first);
  });

  it("still finds words one or two typos away, where the character filter must not rule them out", () => {
    expect(tokenSimilarity("infirmeir", "infirmier", false)).toBe(0.75);
    expect(tokenSimilarity("boulnager", "boulanger", false)).toBe(0.75);
    expect(tokenSimilarity("plonbier", "plombier", false)).toBe(0.75);
    expect(tokenSimilarity("plombiez", "plombier", true)).toBe(0.75);
    expect(tokenSimilarity("bouln", "boulanger", true)).toBe(0.7);
    expect(tokenSimilarity("zzzz", "plombier", true)).toBe(0);
    expect(searchAppellations(index, "infirmeir", 3)[0]!.libelle).toMatch(/^Infirmier/);
    expect(searchAppellations(index, "boulnager", 3)[0]!.libelle).toMatch(/^Boulanger/);
  });

  it("ranks a typo reading below exact words when the typed word is a label word ('full' is not 'fuel')", () => {
    const results = searchAppellations(index, "developpeur full stack", 5);
    expect(results[0]!.libelle).toMatch(/full-stack/i);
    // Every result reads "développeur" or "full stack" as typed; none comes from "full" read as "fuel".
    for (const r of results) expect(r.libelle).toMatch(/d[ée]veloppeu|full|stack/i);
    // A typo still finds the word when the typed token is not a label word.
    expect(searchAppellations(index, "developeur full stack", 1)[0]!.libelle).toMatch(/full-stack/i);
  });
});
