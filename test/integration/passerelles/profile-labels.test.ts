import request from "supertest";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Express } from "express";
import { createApp } from "../../../src/api/app.js";
import { createAuth } from "../../../src/api/auth.js";
import { loadConfig } from "../../../src/config.js";
import type { Engine } from "../../../src/match/index.js";
import { ProfileResolver } from "../../../src/passerelles/index.js";
import { createStatedExtractor } from "../../../src/skills/label-index.js";
import { testEngine } from "../../helpers.js";

// Every stated extractor built in this file is counted (the engine builds one; the profile route must build none).
vi.mock("../../../src/skills/label-index.js", async (importOriginal) => {
  const m = await importOriginal<typeof import("../../../src/skills/label-index.js")>();
  return { ...m, createStatedExtractor: vi.fn(m.createStatedExtractor) };
});
const builds = () => vi.mocked(createStatedExtractor).mock.calls.length;

let engine: Engine;
let app: Express;
beforeAll(async () => {
  engine = await testEngine();
  app = createApp({ config: loadConfig(), engine, auth: createAuth([]) });
});

const LABELS = ["souder à l'arc", "permis B", "rigoureux", "meulage", "soudage MIG", "programmation java"];

describe("profile labels are read with the engine's stated extractor", () => {
  it("builds no extractor in the request path (one took ~5 s and ~90 MB on the first labels)", async () => {
    const before = builds();
    expect(before).toBeGreaterThanOrEqual(1);
    const res = await request(app)
      .post("/v1/profile/match")
      .send({ competences: [], labels: LABELS, topK: 3 })
      .expect(200);
    expect(res.body.resolution.unresolved).toEqual([]);
    const permis = res.body.resolution.resolved.find((r: { input: string }) => r.input === "permis B");
    expect(permis.code).toBe("123456");
    expect(builds()).toBe(before);
  });

  it("resolves labels as a resolver with its own extractor, without vectors, does", () => {
    const ref = engine.referential;
    // The engine's extractor has the labels' vectors (and word vectors, paraphrases when configured); the own one none.
    expect(engine.stated.ctx.skillVectors.some((v) => v !== null)).toBe(true);
    // ROME's own labels as people type them (lower case, no accents) and everyday phrasings.
    const strip = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    const rome = [...ref.competences.values(), ...ref.savoirs.values(), ...ref.macroCompetences.values()]
      .filter((_, i) => i % 40 === 0)
      .map((x) => strip(x.libelle.toLowerCase()));
    const labels = [...LABELS, ...rome, "accueil des clients", "gestion des stocks", "CACES 3", "anglais courant"];
    const input = { codes: [], labels };
    const shared = new ProfileResolver(ref, engine.stated).resolve(input);
    const before = builds();
    const own = new ProfileResolver(ref).resolve(input);
    expect(builds()).toBe(before + 1);
    expect(shared.resolved.length).toBeGreaterThan(labels.length / 2);
    expect(shared).toEqual(own);
  });
});
