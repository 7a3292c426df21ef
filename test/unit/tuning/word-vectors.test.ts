import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  builtWordVectorsFile,
  currentWordVectorManifest,
  defaultWordVectorBuild,
  readWordVectors,
  wordVectorsAreCurrent,
} from "../../../src/embed/index.js";
import { loadConfig } from "../../../src/config.js";
import {
  builtBeforeOtherFit,
  jacobiEigen,
  trainWordVectors,
  WORD_VECTOR_DEFAULTS,
  writeWordVectors,
} from "../../../src/tuning/index.js";

/** Two families of words that share their contexts within a family and never across. */
function corpus(): string[][] {
  const lines: string[][] = [];
  const animals = ["chat", "chien", "lapin"];
  const vehicles = ["voiture", "camion", "moto"];
  for (let i = 0; i < 40; i++) {
    const a = animals[i % 3]!;
    const v = vehicles[(i + 1) % 3]!;
    lines.push(["le", a, "mange", "croquette", "gamelle"]);
    lines.push([a, "dort", "panier", "maison"]);
    lines.push(["la", v, "roule", "route", "vite"]);
    lines.push([v, "garage", "moteur", "essence"]);
  }
  return lines;
}

const settings = { ...WORD_VECTOR_DEFAULTS, dim: 4, oversample: 4, minCount: 2 };

function cos(m: ReturnType<typeof trainWordVectors>, a: string, b: string): number {
  const d = settings.dim;
  const i = m.vocabulary.indexOf(a);
  const j = m.vocabulary.indexOf(b);
  let s = 0;
  for (let k = 0; k < d; k++) s += m.vectors[i * d + k]! * m.vectors[j * d + k]!;
  return s;
}

describe("jacobiEigen", () => {
  it("decomposes a symmetric matrix: A·v = λ·v for each eigenpair", () => {
    const a = [
      [4, 1, 2],
      [1, 3, 0.5],
      [2, 0.5, 5],
    ].map((r) => Float64Array.from(r));
    const { values, vectors } = jacobiEigen(a);
    for (let e = 0; e < 3; e++)
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let j = 0; j < 3; j++) av += a[i]![j]! * vectors[j]![e]!;
        expect(av).toBeCloseTo(values[e]! * vectors[i]![e]!, 9);
      }
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(12, 9);
  });
});

describe("trainWordVectors", () => {
  it("puts words that share contexts closer than words that do not, with unit rows, the same run to run", () => {
    const m = trainWordVectors(corpus(), settings);
    expect(cos(m, "chat", "chien")).toBeGreaterThan(cos(m, "chat", "voiture") + 0.5);
    expect(cos(m, "camion", "moto")).toBeGreaterThan(cos(m, "camion", "lapin") + 0.5);
    for (const w of ["chat", "moteur"]) expect(cos(m, w, w)).toBeCloseTo(1, 5);
    expect(Array.from(trainWordVectors(corpus(), settings).vectors)).toEqual(Array.from(m.vectors));
    expect(m.singularValues[0]).toBeGreaterThanOrEqual(m.singularValues[1]!);
  });

  it("round-trips through the manifest and int8 rows, and refuses a file whose rows changed", () => {
    const m = trainWordVectors(corpus(), settings);
    const dir = mkdtempSync(path.join(tmpdir(), "wv-"));
    const file = path.join(dir, "wv.json");
    writeWordVectors(file, m, { fitted: { date: "2026-12-02", command: "test" }, settings: { ...settings } });
    const wv = readWordVectors(file);
    expect(wv.dim).toBe(settings.dim);
    const v = wv.vector("chat")!;
    const i = m.vocabulary.indexOf("chat");
    for (let k = 0; k < settings.dim; k++) expect(v[k]!).toBeCloseTo(m.vectors[i * settings.dim + k]!, 1);
    expect(wv.vector("absent")).toBeNull();
    const bin = path.join(dir, "wv.bin");
    const bytes = readFileSync(bin);
    bytes[0] = (bytes[0]! + 1) % 128;
    writeFileSync(bin, bytes);
    expect(() => readWordVectors(file)).toThrow(/wv\.bin: sha256/);
  });
});

describe("the model built at set-up (wordVectorsAreCurrent, WORD_VECTORS)", () => {
  const build = defaultWordVectorBuild("v460");

  it("is current only when its manifest's build equals today's, whatever the keys' order", () => {
    const m = trainWordVectors(corpus(), settings);
    const file = builtWordVectorsFile(mkdtempSync(path.join(tmpdir(), "wv-")), "v460");
    expect(file).toMatch(/v460-word-vectors\/word-vectors\.json$/);
    expect(wordVectorsAreCurrent(file, build)).toBe(false);
    mkdirSync(path.dirname(file));
    const meta = { fitted: { date: "2026-12-03", command: "test" }, settings: { ...settings } };
    writeWordVectors(file, m, meta);
    expect(wordVectorsAreCurrent(file, build)).toBe(false); // no build recorded: a hand-trained model
    const reversed = Object.fromEntries(Object.entries(build).reverse()) as typeof build;
    writeWordVectors(file, m, { ...meta, build: reversed });
    expect(wordVectorsAreCurrent(file, build)).toBe(true);
    // The manifest read for the check is the one the vectors are read with (parsed once at start).
    const manifest = currentWordVectorManifest(file, build)!;
    expect(manifest.vocabulary).toEqual(m.vocabulary);
    // Asked again (createEngine after ensureWordVectors), the same file is not parsed again.
    expect(currentWordVectorManifest(file, build)).toBe(manifest);
    expect(readWordVectors(file, manifest).vector(m.vocabulary[0]!)).toEqual(
      readWordVectors(file).vector(m.vocabulary[0]!),
    );
    for (const stale of [
      { ...build, romeVersion: "v458" },
      { ...build, trainer: build.trainer + 1 },
      { ...build, settings: { ...build.settings, dim: 64 } },
      { ...build, excludedIds: null },
    ]) {
      writeWordVectors(file, m, { ...meta, build: stale });
      expect(wordVectorsAreCurrent(file, build)).toBe(false);
    }
  });

  it("is stale when built before a model was fitted on other vectors, and only then", () => {
    const m = trainWordVectors(corpus(), settings);
    const file = builtWordVectorsFile(mkdtempSync(path.join(tmpdir(), "wv-")), "v460");
    mkdirSync(path.dirname(file));
    writeWordVectors(file, m, { fitted: { date: "2026-12-03T05:57:34Z", command: "test" }, settings, build });
    const manifest = currentWordVectorManifest(file, build)!;
    const sha = manifest.bin.sha256;
    const other = "0".repeat(64);
    expect(builtBeforeOtherFit(manifest, undefined)).toBe(false); // no model reads them
    expect(builtBeforeOtherFit(manifest, { sha256: sha, date: "2026-12-03T18:00:00Z" })).toBe(false); // the fit's
    // Other vectors, fitted later: the text pipeline moved since these were built.
    expect(builtBeforeOtherFit(manifest, { sha256: other, date: "2026-12-03T18:00:00Z" })).toBe(true);
    // Other vectors, fitted before these were built (a rebuild that cannot give the fit's): no rebuild loop.
    expect(builtBeforeOtherFit(manifest, { sha256: other, date: "2026-12-02T09:00:00Z" })).toBe(false);
  });

  it("is described once a process and ROME version", () => {
    expect(defaultWordVectorBuild("v460")).toBe(build);
    expect(defaultWordVectorBuild("v458")).not.toBe(build);
    expect(defaultWordVectorBuild("v458").romeVersion).toBe("v458");
  });

  it("is read by default; WORD_VECTORS=none turns it off, WORD_VECTORS=FILE names another model", () => {
    const env = { ...process.env, WORD_VECTORS: undefined };
    expect(loadConfig(env)).toMatchObject({ wordVectors: undefined, wordVectorsBuilt: true });
    expect(loadConfig({ ...env, WORD_VECTORS: "none" })).toMatchObject({
      wordVectors: undefined,
      wordVectorsBuilt: false,
    });
    expect(loadConfig({ ...env, WORD_VECTORS: "/m/wv.json" })).toMatchObject({
      wordVectors: "/m/wv.json",
      wordVectorsBuilt: false,
    });
  });
});
