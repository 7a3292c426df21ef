/** The lake with the real match engine (ROME v460 + bundled model) on the embedded store: dev offers as in the CLI. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { DocumentBody, lineToBody, openLake, toInput, type Lake } from "../src/lake/index.js";
import { createEngine } from "../src/match/index.js";

describe("lake with the real engine (PGlite)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lake-engine-"));
  let lake: Lake;
  beforeAll(async () => {
    const config = { ...loadConfig(), databaseUrl: undefined, lakeDir: dir };
    lake = await openLake(config, await createEngine(config), { retentionSweepMs: 0 });
  }, 120_000);
  afterAll(async () => {
    await lake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ingests dev offers as they are and matches a CV to the right ones", async () => {
    const lines = readFileSync(path.resolve(loadConfig().romeDir, "../../eval/offers-dev.jsonl"), "utf8").split("\n").slice(0, 12);
    const docs = lines.map((l) => toInput(DocumentBody.parse(lineToBody(JSON.parse(l) as Record<string, unknown>, {}))));
    expect(docs[0]).toMatchObject({ kind: "offer", source: "mounaTay_france-travail", externalId: "193FKBM", title: "Vendeur / Vendeuse en prêt-à-porter" });
    const res = await lake.ingestBatch(docs);
    expect(res.every((r) => r.status === "created")).toBe(true);
    const stored = await lake.get(res[0]!.id!);
    expect(stored?.metiers.length).toBeGreaterThan(0);
    expect(stored?.competences.length).toBeGreaterThan(0);
    expect(stored?.documentDate.toISOString()).toBe("2025-05-31T14:14:44.737Z");

    const cv = await lake.ingest({ kind: "cv", source: "test", externalId: "cv", title: "Vendeuse", text: "Vendeuse en magasin de vêtements : accueil et conseil des clients, encaissement, mise en rayon, réception des livraisons." });
    const sim = await lake.similar(cv.id, { topK: 3 });
    expect(sim!.results).toHaveLength(3);
    expect(sim!.results[0]!.externalId).toBe("193FKBM");
    expect(sim!.results[0]!.sharedMacroCompetences.length).toBeGreaterThan(0);
    expect(sim!.results[0]!.sharedMacroCompetences[0]!.libelle).not.toMatch(/^\d+$/); // a real label, not a code
  }, 120_000);
});
