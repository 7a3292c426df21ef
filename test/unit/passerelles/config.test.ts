import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PASSERELLES_MODEL, loadConfig, passerellesConfigOf } from "../../../src/config.js";
import { passerellesWordVectorsFile } from "../../../src/passerelles/text-vectors.js";

/** The environment without the two passerelles variables, whatever the shell running the tests sets. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PASSERELLES_MODEL;
  delete env.PASSERELLES_WORD_VECTORS;
  return env;
}

describe("passerelles settings in the validated config", () => {
  it("keep their defaults: the bundled model, the word vectors built at set-up", () => {
    const env = baseEnv();
    for (const c of [loadConfig(env), passerellesConfigOf(env)]) {
      expect(c.passerellesModel).toBe(DEFAULT_PASSERELLES_MODEL);
      expect(c.passerellesWordVectors).toBeUndefined();
    }
    // Empty values are unset, as `||` read them before.
    const empty = passerellesConfigOf({ ...env, PASSERELLES_MODEL: "", PASSERELLES_WORD_VECTORS: "" });
    expect(empty).toEqual({ passerellesModel: DEFAULT_PASSERELLES_MODEL, passerellesWordVectors: undefined });
  });

  it("read a model file, a word-vector file with {version}, or none", () => {
    const env = { ...baseEnv(), PASSERELLES_MODEL: "/tmp/m.json", PASSERELLES_WORD_VECTORS: "/x/{version}/wv.json" };
    expect(loadConfig(env).passerellesModel).toBe("/tmp/m.json");
    expect(loadConfig(env).passerellesWordVectors).toBe("/x/{version}/wv.json");
    expect(loadConfig({ ...env, PASSERELLES_WORD_VECTORS: "none" }).passerellesWordVectors).toBe("none");

    const dir = mkdtempSync(path.join(os.tmpdir(), "passerelles-config-"));
    mkdirSync(path.join(dir, "v458"));
    writeFileSync(path.join(dir, "v458", "wv.json"), "{}");
    const pattern = path.join(dir, "{version}", "wv.json");
    expect(passerellesWordVectorsFile("v458", pattern)).toBe(path.join(dir, "v458", "wv.json"));
    expect(passerellesWordVectorsFile("v460", pattern)).toBeNull(); // no such file
    expect(passerellesWordVectorsFile("v458", "none")).toBeNull();
  });

  it("refuse a value that names no JSON file", () => {
    const env = baseEnv();
    expect(() => loadConfig({ ...env, PASSERELLES_MODEL: "models/passerelles" })).toThrow(/\.json model file/);
    expect(() => passerellesConfigOf({ ...env, PASSERELLES_MODEL: "models/passerelles" })).toThrow();
    expect(() => loadConfig({ ...env, PASSERELLES_WORD_VECTORS: "off" })).toThrow(/manifest or/);
    expect(() => passerellesConfigOf({ ...env, PASSERELLES_WORD_VECTORS: "/x/{version}/" })).toThrow();
  });
});
