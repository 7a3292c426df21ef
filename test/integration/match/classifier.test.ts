import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import {
  classifierFeature,
  classifierInput,
  ficheProbabilities,
  packWeights,
  readClassifier,
  unpackWeights,
} from "../../../src/match/fitting.js";
import { loadReferential } from "../../../src/rome/index.js";
import { testEngine } from "../../helpers.js";
import {
  CLASSIFIER_DEFAULTS,
  genderForm,
  pseudoOffer,
  romeExamples,
  seededRandom,
  trainClassifier,
  writeClassifier,
} from "../../../src/tuning/index.js";

const ref = loadReferential(loadConfig().romeDir);
// A small world: five fiches far apart (a waiter, a nurse, a developer, a truck driver, a baker).
const CODES = ["G1803", "J1506", "M1805", "N4101", "D1102"].filter((c) => ref.fiches.has(c));
const small = {
  ...CLASSIFIER_DEFAULTS,
  buckets: 1 << 14,
  dim: 8,
  epochs: 4,
  minPerFiche: 60,
  perAppellation: 0,
  learningRate: 1,
};
const argmax = (p: Float64Array) => p.reduce((b, x, i) => (x > p[b]! ? i : b), 0);

describe("fiche classifier", () => {
  it("reads a title's job words and the body's stems, whatever the title's noise", () => {
    const a = classifierInput("Serveur H/F - CDI", "Vous assurez le service en salle.", 1 << 16);
    const b = classifierInput("SERVEUR (H/F)", "Vous assurez le service en salle.", 1 << 16);
    expect([...a.title]).toEqual([...b.title]);
    expect(a.body.length).toBeGreaterThan(0);
    expect(classifierInput("", "", 1 << 16).title.length).toBe(0);
  });

  it("makes offer-like examples from ROME: a gender form of an appellation, the fiche's own items", () => {
    const r = seededRandom(3);
    expect(new Set(Array.from({ length: 30 }, () => genderForm("Vendeur / Vendeuse en prêt-à-porter", r)))).toEqual(
      new Set(["Vendeur en prêt-à-porter", "Vendeuse en prêt-à-porter", "Vendeur / Vendeuse en prêt-à-porter"]),
    );
    const ex = Array.from({ length: 20 }, () => pseudoOffer(ref, "G1803", r, CODES));
    expect(ex.every((e) => e.code === "G1803" && (e.title || e.body))).toBe(true);
    expect(ex.some((e) => /serveu/i.test(e.title))).toBe(true);
  });

  it("learns fiches from ROME-made examples, deterministically for a seed, and survives its file format", () => {
    const draw = (seed: number) => {
      const r = seededRandom(seed);
      return () => CODES.flatMap((c) => Array.from({ length: small.minPerFiche }, () => pseudoOffer(ref, c, r, CODES)));
    };
    const m1 = trainClassifier(CODES, draw(1), small);
    const m2 = trainClassifier(CODES, draw(1), small);
    expect(m1.output).toEqual(m2.output);
    const p = (t: string, b: string) => CODES[argmax(ficheProbabilities(m1, t, b))];
    expect(p("Serveur H/F", "")).toBe("G1803");
    expect(p("Infirmier diplômé d'État", "Soins aux patients en service hospitalier")).toBe("J1506");
    expect(p("Chauffeur poids lourd", "Transport de marchandises, permis C")).toBe("N4101");
    const dir = mkdtempSync(path.join(os.tmpdir(), "classifier-"));
    const file = path.join(dir, "c.json");
    writeClassifier(m1, file, { date: "2026-12-02", command: "test" });
    const back = readClassifier(file).model;
    expect(back.codes).toEqual(CODES);
    expect(back.output).toEqual(m1.output);
    const maxErr = back.input.reduce((e, x, i) => Math.max(e, Math.abs(x - m1.input[i]!)), 0);
    expect(maxErr).toBeLessThan(0.05);
    expect(p("Serveur H/F", "")).toBe(CODES[argmax(ficheProbabilities(back, "Serveur H/F", ""))]);
    // The feature: the best fiche 1, fiches outside the engine's rows left out.
    const out = new Float64Array(3);
    classifierFeature(
      back,
      new Map([
        ["G1803", 0],
        ["N4101", 2],
      ]),
    )("Serveur H/F", "", out);
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(0);
    // A damaged or mismatched weights file is refused with its name.
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ ...manifest, buckets: manifest.buckets * 2 }));
    expect(() => readClassifier(path.join(dir, "bad.json"))).toThrow(/bytes, expected/);
    writeFileSync(path.join(dir, "c.bin.gz"), Buffer.from("x"));
    expect(() => readClassifier(file)).toThrow(/sha256/);
  });

  it("packs the embedding table in int8 with a scale per row, untouched rows as zeros", () => {
    const model = {
      buckets: 3,
      dim: 4,
      input: Float32Array.from([0, 0, 0, 0, 1, -0.5, 0.25, 0, -2, 2, 1, 0.5]),
      output: Float32Array.from({ length: 8 }, (_, i) => i / 10),
      bias: Float32Array.from([0.3]),
    };
    const back = unpackWeights(packWeights(model), 3, 4, 1);
    expect([...back.input.slice(0, 4)]).toEqual([0, 0, 0, 0]);
    back.input.forEach((x, i) => expect(Math.abs(x - model.input[i]!)).toBeLessThan(0.01));
    expect(back.output).toEqual(model.output);
    expect(back.bias).toEqual(model.bias);
  });

  it("learns from examples with several right fiches the likelihood of their merged probability", () => {
    // "Zorglub" texts: half labelled N4101 alone, half J1506 with N4101 also right (an offer coded before a split).
    // One label each would split the mass; merged golds let N4101 take it, since it is right for both halves.
    const extra = Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? { code: "N4101", title: "Zorglub", body: "" }
        : { code: "J1506", title: "Zorglub", body: "", golds: ["J1506", "N4101"] },
    );
    const rome = () => [];
    const p = (golds: boolean) => {
      const m = trainClassifier(
        CODES,
        rome,
        small,
        golds ? extra : extra.map(({ code, title, body }) => ({ code, title, body })),
      );
      const q = ficheProbabilities(m, "Zorglub", "");
      return q[CODES.indexOf("N4101")]!;
    };
    expect(p(true)).toBeGreaterThan(0.8);
    expect(p(false)).toBeLessThan(0.7);
  });

  it("draws each epoch's examples for every fiche", () => {
    const ex = romeExamples(ref, { ...small, minPerFiche: 1, perAppellation: 0 }, seededRandom(1));
    expect(new Set(ex.map((e) => e.code)).size).toBe(ref.fiches.size);
  });

  it("gives the engine its `classifier` feature when one is loaded", async () => {
    const r = seededRandom(2);
    const m = trainClassifier(
      CODES,
      () => CODES.flatMap((c) => Array.from({ length: small.minPerFiche }, () => pseudoOffer(ref, c, r, CODES))),
      small,
    );
    const engine = await testEngine();
    const f0 = await engine.featuresFor("Service en salle, prise de commandes.", "Serveur H/F");
    expect(f0.classifier.every((x) => x === 0)).toBe(true);
    const withIt = engine.withClassifier(classifierFeature(m, engine.lexicon.ficheRow));
    const f = await withIt.featuresFor("Service en salle, prise de commandes.", "Serveur H/F");
    expect(f.classifier[engine.lexicon.ficheRow.get("G1803")!]).toBe(1);
    expect(f.classifier.filter((x) => x > 0).length).toBeLessThanOrEqual(CODES.length);
  }, 300_000);
});
