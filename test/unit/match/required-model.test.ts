import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REQUIRED_MODEL, REQUIRED_MODEL_UNCODED } from "../../../src/match/index.js";
import { readRequiredModelFile, REQUIRED_FEATURES, REQUIRED_MODEL_FILE } from "../../../src/match/fitting.js";

describe("offer-coding model file", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "required-model-"));
  const good = JSON.parse(readFileSync(REQUIRED_MODEL_FILE, "utf8"));
  const write = (name: string, json: unknown) => {
    const f = path.join(dir, name);
    writeFileSync(f, typeof json === "string" ? json : JSON.stringify(json));
    return f;
  };

  it("is what the engine reports items with, every feature weighed, with how each model was fitted", () => {
    const file = readRequiredModelFile(REQUIRED_MODEL_FILE);
    const { fitted: coded, ...codedModel } = file.coded;
    const { fitted: uncoded, ...uncodedModel } = file.uncoded;
    expect(codedModel).toEqual(REQUIRED_MODEL);
    expect(uncodedModel).toEqual(REQUIRED_MODEL_UNCODED);
    expect(Object.keys(REQUIRED_MODEL.weights).sort()).toEqual([...REQUIRED_FEATURES].sort());
    for (const f of [coded, uncoded]) expect(f.date).toMatch(/^\d{4}-\d{2}-\d{2}/);
    // Without recruiters' choices the memory's features carry nothing, so the model must not weigh them.
    for (const k of ["share", "coded", "popularity", "neighbours"] as const)
      expect(REQUIRED_MODEL_UNCODED.weights[k]).toBe(0);
  });
  it("is refused with the file and the field named when invalid", () => {
    const { neighbours: _, ...missing } = good.coded.weights;
    expect(() =>
      readRequiredModelFile(write("missing.json", { ...good, coded: { ...good.coded, weights: missing } })),
    ).toThrow(/missing\.json: coded\.weights/);
    expect(() =>
      readRequiredModelFile(
        write("extra.json", { ...good, uncoded: { ...good.uncoded, weights: { ...good.uncoded.weights, nope: 1 } } }),
      ),
    ).toThrow(/extra\.json: uncoded\.weights/);
    expect(() =>
      readRequiredModelFile(write("prob.json", { ...good, coded: { ...good.coded, minProbability: 2 } })),
    ).toThrow(/prob\.json: coded\.minProbability/);
    expect(() => readRequiredModelFile(write("fit.json", { ...good, coded: { ...good.coded, fitted: {} } }))).toThrow(
      /fit\.json: coded\.fitted/,
    );
    expect(() => readRequiredModelFile(write("broken.json", "{"))).toThrow(/broken\.json/);
  });
});
