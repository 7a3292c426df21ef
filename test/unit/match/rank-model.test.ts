import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RANK_MODEL, RANK_MODEL_NO_TITLE } from "../../../src/match/index.js";
import { FEATURE_NAMES } from "../../../src/match/fitting.js";
import { RANK_MODEL_FILE, readRankModelFile, sharesOf } from "../../../src/match/rank.js";

describe("ranking-model file", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rank-model-"));
  const good = JSON.parse(readFileSync(RANK_MODEL_FILE, "utf8"));
  const write = (name: string, json: unknown) => {
    const f = path.join(dir, name);
    writeFileSync(f, typeof json === "string" ? json : JSON.stringify(json));
    return f;
  };

  it("is what the engine ranks with, every feature weighed, with how it was fitted", () => {
    const file = readRankModelFile(RANK_MODEL_FILE);
    expect(file.title).toEqual(RANK_MODEL);
    expect(file.noTitle).toEqual(RANK_MODEL_NO_TITLE);
    expect(Object.keys(RANK_MODEL.weights).sort()).toEqual([...FEATURE_NAMES].sort());
    expect(file.fitted.date).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(file.noTitleFitted?.command).toMatch(/--no-title/);
  });
  it("is refused with the file and the field named when invalid", () => {
    const { titleFiche: _, ...missing } = good.title.weights;
    expect(() =>
      readRankModelFile(write("missing.json", { ...good, title: { ...good.title, weights: missing } })),
    ).toThrow(/missing\.json: title\.weights/);
    expect(() =>
      readRankModelFile(
        write("pair.json", { ...good, title: { ...good.title, interactions: [["titleLex", "nope", 1]] } }),
      ),
    ).toThrow(/pair\.json: title\.interactions/);
    expect(() =>
      readRankModelFile(write("temp.json", { ...good, noTitle: { ...good.noTitle, temperature: 0 } })),
    ).toThrow(/temp\.json: noTitle\.temperature/);
    expect(() => readRankModelFile(write("format.json", { ...good, format: "other" }))).toThrow(/format\.json: format/);
    expect(() => readRankModelFile(write("broken.json", "{"))).toThrow(/broken\.json/);
  });
});

describe("sharesOf", () => {
  it("is the softmax when a list is normalised over itself", () => {
    const s = [0.31, 0.2, 0.27, -0.05];
    const e = s.map((x) => Math.exp(x / 0.023));
    const z = e.reduce((a, b) => a + b, 0);
    const shares = sharesOf(s, s, 0.023);
    shares.forEach((p, i) => expect(p).toBeCloseTo(e[i]! / z, 12));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Scores far beyond exp's range are shifted by their maximum first.
    const far = sharesOf([1000, 999], [1000, 999], 1);
    expect(far[0]).toBeCloseTo(Math.E / (Math.E + 1), 12);
    expect(far[1]).toBeCloseTo(1 / (Math.E + 1), 12);
    expect(sharesOf([], [1], 1)).toEqual([]);
  });
  it("gives each listed score its share of a softmax over another list (the one with lifted parents)", () => {
    // Listed: a child and a fiche after it; normalised over the child, its lifted parent (ln 5 below) and that fiche.
    const shares = sharesOf([1, 0], [1, 1 - Math.log(5), 0], 1);
    const z = Math.E + Math.E / 5 + 1;
    expect(shares[0]).toBeCloseTo(Math.E / z, 12);
    expect(shares[1]).toBeCloseTo(1 / z, 12);
    expect(shares[0]! + shares[1]!).toBeLessThan(1);
  });
});
