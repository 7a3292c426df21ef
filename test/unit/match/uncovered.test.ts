import { describe, expect, it } from "vitest";
import { coveredFlags } from "../../../src/match/uncovered.js";
import { candidatePhrases } from "../../../src/text/index.js";
import { seededRandom } from "../../../src/tuning/random.js";

// A toy referential: a phrase is covered when one label holds all its stems.
const LABELS = [new Set(["gestion", "projet", "agil"]), new Set(["soin", "hygien"]), new Set(["projet"])];
const coveredByLabels = (key: string) => {
  const stems = key.split(" ");
  return LABELS.some((l) => stems.every((s) => l.has(s)));
};

describe("uncovered phrases: which of a unit's phrases are covered", () => {
  it("gives the flags a test of every phrase gives, testing fewer", () => {
    const text = "gestion de projet agile avec des soins d'hygiène en équipe projet";
    const phrases = candidatePhrases({ text, start: 0, end: text.length });
    expect(phrases.length).toBeGreaterThan(10);
    const tested: string[] = [];
    const flags = coveredFlags(phrases, (k) => (tested.push(k), coveredByLabels(k)));
    expect([...flags]).toEqual(phrases.map((p) => (coveredByLabels(p.key) ? 1 : 0)));
    expect(flags.some((f) => f === 1)).toBe(true);
    expect(tested.length).toBeLessThan(phrases.length);
  });

  it("agrees with a test of every phrase on random phrase sets", () => {
    const random = seededRandom(22);
    const vocabulary = ["gestion", "projet", "agil", "soin", "hygien", "equip", "client"];
    for (let round = 0; round < 200; round++) {
      const words = Array.from({ length: 2 + Math.floor(random() * 8) }, () =>
        random() < 0.2 ? "" : vocabulary[Math.floor(random() * vocabulary.length)]!,
      );
      // Every phrase of 1–4 words, in candidatePhrases' order (by first word, then by length); "" is a stopword.
      const phrases: { key: string; first: number; last: number }[] = [];
      for (let i = 0; i < words.length; i++)
        for (let j = i; j < Math.min(words.length, i + 4); j++)
          phrases.push({
            key: words
              .slice(i, j + 1)
              .filter(Boolean)
              .join(" "),
            first: i,
            last: j,
          });
      const keyCovered = (k: string) => k === "" || coveredByLabels(k);
      expect([...coveredFlags(phrases, keyCovered)]).toEqual(phrases.map((p) => (keyCovered(p.key) ? 1 : 0)));
    }
  });
});
