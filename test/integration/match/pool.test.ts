import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { MatchPool, type Engine, type MatchResult } from "../../../src/match/index.js";
import { testEngine } from "../../helpers.js";

let engine: Engine;
let pool: MatchPool;
beforeAll(async () => {
  engine = await testEngine();
  pool = await MatchPool.start(loadConfig(), 2);
}, 180_000);
afterAll(async () => {
  await pool?.close();
});

const TEXTS = [
  {
    title: "Vendeur / Vendeuse en boulangerie (H/F)",
    text: "Accueil des clients\nEncaissement\nMise en rayon des produits",
    kind: "offer" as const,
  },
  {
    title: "Développeur Java (H/F)",
    text: "Concevoir et développer des applications web en Java / Spring Boot.\nRédiger les tests unitaires.",
    kind: "offer" as const,
  },
  { text: "Conduite de chariot élévateur, CACES 3, préparation de commandes en entrepôt.", kind: "cv" as const },
];
const withoutTimings = (r: MatchResult) => ({ ...r, timings: null });

describe("match pool (engines in worker threads)", () => {
  it("gives the same results as the engine in this thread, for concurrent requests", async () => {
    const [fromPool, local] = await Promise.all([
      Promise.all(TEXTS.map((t) => pool.match({ ...t, topK: 5 }))),
      Promise.all(TEXTS.map((t) => engine.match({ ...t, topK: 5 }))),
    ]);
    expect(fromPool.map(withoutTimings)).toEqual(local.map(withoutTimings));
    expect(pool.size).toBe(2);
  });

  it("lists the codes in force at codedAt as the engine does, and keeps a caller error's code across the thread", async () => {
    const dated = { ...TEXTS[1]!, codedAt: "2024-05-02" };
    expect(withoutTimings(await pool.match(dated))).toEqual(withoutTimings(await engine.match(dated)));
    await expect(pool.match({ ...TEXTS[0]!, romeVersion: "v451" })).rejects.toMatchObject({ code: "invalid_request" });
  });

  it("extracts skills and embeds like the engine", async () => {
    expect(await pool.extractSkills(TEXTS[0]!.text)).toEqual(await engine.extractSkills(TEXTS[0]!.text));
    const [a] = await pool.embed(["chef de rang"], "query");
    const [b] = await engine.embedder.embed(["chef de rang"], "query");
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });

  it("can leave explanations out for callers that keep codes and scores", async () => {
    const lean = await pool.match({ ...TEXTS[1]!, topK: 5, explain: false });
    const full = await engine.match({ ...TEXTS[1]!, topK: 5 });
    expect(lean.metiers.map((m) => [m.code, m.score.total])).toEqual(full.metiers.map((m) => [m.code, m.score.total]));
    expect(lean.metiers.every((m) => m.sharedMacroCompetences.length === 0 && m.appellation === null)).toBe(true);
    expect(full.metiers.some((m) => m.sharedMacroCompetences.length > 0)).toBe(true);
  });

  it("refuses work once closed", async () => {
    // The last test: closing the shared pool is the case (starting another pool would load two more engines).
    await pool.close();
    await expect(pool.match(TEXTS[0]!)).rejects.toThrow(/closed/);
  });
});
