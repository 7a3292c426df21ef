import { describe, expect, it } from "vitest";
import { segment } from "../../../src/text/index.js";
import { loadConfig } from "../../../src/config.js";
import { countCells, rankScore, termhoodOf, wholeKeys, wholeShare } from "../../../src/trends/index.js";
import { trendDoc } from "./fixtures.js";

const keys = (text: string) => [...wholeKeys(segment(text))];

describe("a phrase that stands whole in its statement", () => {
  it("starts and ends at an item's boundary: the unit's edges, list punctuation, a spaced dash, et / ou", () => {
    expect(keys("Rigueur, sens des responsabilités, esprit d'initiative")).toEqual(
      expect.arrayContaining(["sen responsabilit", "esprit initi", "rigueur"]),
    );
    expect(keys("Autonome et rigoureux - sens du service client.")).toEqual(
      expect.arrayContaining(["autonom", "rigour", "sen servic client"]),
    );
    expect(keys("Doté d'un bon relationnel ou sens de l'écoute / ponctualité")).toContain("sen ecout");
    expect(keys("Sens de l'organisation")).toEqual(["sen organis"]);
  });

  it("is not a window cut out of a frame that goes on", () => {
    // "le" before, "bien fait" after: no occurrence stands whole.
    expect(keys("Avoir le goût du travail bien fait")).toEqual([]);
    const k = keys("Doté d'un bon relationnel, vous êtes autonome");
    expect(k).not.toContain("dot bon");
    expect(k).not.toContain("relationnel");
    // A word that only ends in "et" / "ou" is no conjunction; a hyphen inside a word is no dash.
    expect(keys("Le budget sens client")).not.toContain("sen client");
    expect(keys("Un auto-entrepreneur motivé")).not.toContain("entrepreneur motiv");
  });
});

const doc = (id: string, source: string, phrases: string[], wholePhrases?: string[]) =>
  trendDoc(id, source, phrases, wholePhrases ? { wholePhrases } : {});

describe("the whole share", () => {
  it("counts the documents where a supported phrase stands whole, nothing without the lists", () => {
    const c = countCells(
      [doc("1", "a", ["sen respons", "dot bon"], ["sen respons"]), doc("2", "b", ["sen respons", "dot bon"], [])],
      "month",
      2,
    );
    expect(c.whole?.get("sen respons")).toBe(1);
    expect(c.whole?.has("dot bon")).toBe(false);
    expect(countCells([doc("1", "a", ["x y"]), doc("2", "b", ["x y"])], "month", 1).whole).toBeUndefined();
  });

  it("multiplies the rank by (1 + share) / 2, beside the stated factor; neutral when unknown", () => {
    const s = { salience: 4, trendScore: 0 };
    const t = termhoodOf(0.8);
    expect(rankScore(s, t, undefined, undefined)).toBeCloseTo(3.2, 9);
    expect(rankScore(s, t, undefined, 0)).toBeCloseTo(1.6, 9);
    expect(rankScore(s, t, 1, 0.5)).toBeCloseTo(2.4, 9);
    expect(rankScore(s, t, 0, 0)).toBeCloseTo(0.8, 9);
  });

  it("is off unless the config turns it on (TRENDS_WHOLE_FACTOR=1); other values are refused", () => {
    const whole = new Map([["sen respons", 3]]);
    const s = { key: "sen respons", support: 4 };
    expect(wholeShare(whole, s, true)).toBe(0.75);
    expect(wholeShare(whole, s, false)).toBeUndefined();
    const env = { ...process.env };
    delete env.TRENDS_WHOLE_FACTOR;
    expect(loadConfig(env).trendsWholeFactor).toBe(false);
    expect(loadConfig({ ...env, TRENDS_WHOLE_FACTOR: "0" }).trendsWholeFactor).toBe(false);
    expect(loadConfig({ ...env, TRENDS_WHOLE_FACTOR: "1" }).trendsWholeFactor).toBe(true);
    expect(() => loadConfig({ ...env, TRENDS_WHOLE_FACTOR: "yes" })).toThrow();
  });
});
