import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createCoverageChecker } from "../../../src/match/index.js";
import { loadReferential } from "../../../src/rome/index.js";
import { segment } from "../../../src/text/index.js";

let checker: ReturnType<typeof createCoverageChecker>;
beforeAll(() => {
  checker = createCoverageChecker(loadReferential(loadConfig().romeDir));
});

describe("uncovered phrases", () => {
  const text = "Maîtrise de xyzzyplus zorglub quotidienne.";
  const at = (w: string) => text.indexOf(w);

  it("reports the phrases no ROME label and no evidence span covers", () => {
    const keys = checker(segment(text), []).map((p) => p.key);
    expect(keys.some((k) => k.includes("xyzzyplus"))).toBe(true);
    expect(keys.some((k) => k.includes("zorglub"))).toBe(true);
  });

  it("drops a phrase inside one evidence span, not one that only the union of two spans holds", () => {
    const first = { start: 0, end: at("zorglub") - 1 };
    const second = { start: at("xyzzyplus"), end: text.length };
    // Every phrase lies inside one of the spans but the one from "Maîtrise" to "zorglub", which crosses both.
    for (const spans of [
      [first, second],
      [second, first],
    ]) {
      expect(checker(segment(text), spans).map((p) => p.key)).toEqual(["maitris xyzzyplus zorglub"]);
    }
    expect(checker(segment(text), [{ start: 0, end: text.length }])).toEqual([]);
  });
});
