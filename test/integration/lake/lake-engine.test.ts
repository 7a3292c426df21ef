/** The lake with the real match engine (ROME v460 + bundled model) on the embedded store: dev offers as in the CLI. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { openLake } from "../../../src/ingest/index.js";
import { DocumentBody, lineToBody, toInput, type Lake } from "../../../src/lake/index.js";
import { createEngine, ExemplarMemory, type Engine } from "../../../src/match/index.js";
import { readLabelledOffers } from "../../../src/sources/index.js";

describe("lake with the real engine (PGlite)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lake-engine-"));
  let lake: Lake;
  let engine: Engine;
  beforeAll(async () => {
    const config = { ...loadConfig(), databaseUrl: undefined, lakeDir: dir };
    engine = await createEngine(config);
    lake = await openLake(config, engine, { retentionSweepMs: 0 });
  }, 120_000);
  afterAll(async () => {
    await lake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ingests dev offers as they are and matches a CV to the right ones", async () => {
    const lines = readFileSync(path.resolve(loadConfig().romeDir, "../../eval/offers-dev.jsonl"), "utf8")
      .split("\n")
      .slice(0, 12);
    const docs = lines.map((l) =>
      toInput(DocumentBody.parse(lineToBody(JSON.parse(l) as Record<string, unknown>, {}))),
    );
    expect(docs[0]).toMatchObject({
      kind: "offer",
      source: "mounaTay_france-travail",
      externalId: "193FKBM",
      title: "Vendeur / Vendeuse en prêt-à-porter",
    });
    const res = await lake.ingestBatch(docs);
    expect(res.every((r) => r.status === "created")).toBe(true);
    const stored = await lake.get(res[0]!.id!);
    expect(stored?.metiers.length).toBeGreaterThan(0);
    expect(stored?.competences.length).toBeGreaterThan(0);
    expect(stored?.documentDate.toISOString()).toBe("2025-05-31T14:14:44.737Z");

    const cv = await lake.ingest({
      kind: "cv",
      source: "test",
      externalId: "cv",
      title: "Vendeuse",
      text: "Vendeuse en magasin de vêtements : accueil et conseil des clients, encaissement, mise en rayon, réception des livraisons.",
    });
    const sim = await lake.similar(cv.id, { topK: 3 });
    expect(sim!.results).toHaveLength(3);
    expect(sim!.results[0]!.externalId).toBe("193FKBM");
    expect(sim!.results[0]!.sharedMacroCompetences.length).toBeGreaterThan(0);
    expect(sim!.results[0]!.sharedMacroCompetences[0]!.libelle).not.toMatch(/^\d+$/); // a real label, not a code
  }, 120_000);

  it("learns from feedback: an offer it labels, exported as a labelled offer, codes the next offer of that job right", async () => {
    const lines = readFileSync(path.resolve(loadConfig().romeDir, "../../eval/offers-dev.jsonl"), "utf8").split("\n");
    const line = (id: string) =>
      JSON.parse(lines.find((l) => l.includes(`"id": "${id}"`))!) as {
        intitule: string;
        description: string;
        romeCode: string;
      };
    // Two postings of "Conseiller / Conseillère en économie sociale et familiale", coded K1201, with different texts.
    const first = line("192ZJSC");
    const next = line("192QNDC");
    expect(first.description).not.toBe(next.description);
    const noMemory = ExemplarMemory.build([], engine.lexicon.ficheRow).memory;
    const before = await engine.match(
      { title: next.intitule, text: next.description, kind: "offer" },
      { exemplars: noMemory },
    );
    expect(before.metiers[0]!.code).not.toBe("K1201");

    const doc = await lake.ingest({
      kind: "offer",
      source: "advisor-portal",
      externalId: "cesf-1",
      title: first.intitule,
      text: first.description,
    });
    const stored = await lake.get(doc.id);
    const judged = stored!.metiers[0]!.code;
    await lake.addFeedback(
      judged === "K1201"
        ? { documentId: doc.id, code: judged, verdict: "right" }
        : { documentId: doc.id, code: judged, verdict: "wrong", correctCode: "K1201" },
    );
    const exported: string[] = [];
    for await (const o of lake.labelledOffers()) exported.push(JSON.stringify(o));
    expect(exported.map((l) => JSON.parse(l) as { id: string; romeCode: string })).toContainEqual(
      expect.objectContaining({ id: "advisor-portal:cesf-1", romeCode: "K1201" }),
    );

    // The export is a LABELLED_OFFERS file as the engine reads it at start.
    const file = path.join(dir, "feedback.jsonl");
    writeFileSync(file, `${exported.join("\n")}\n`);
    const { memory, skipped } = ExemplarMemory.build(readLabelledOffers([file]), engine.lexicon.ficheRow);
    expect(skipped).toBe(0);
    const after = await engine.match(
      { title: next.intitule, text: next.description, kind: "offer" },
      { exemplars: memory },
    );
    expect(after.metiers[0]!.code).toBe("K1201");
    expect(after.metiers[0]!.score.exemplars).toBeGreaterThan(0);
  }, 60_000);
});
