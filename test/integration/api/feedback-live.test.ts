/**
 * Feedback learned live (docs/lake.md "Feedback"): a `wrong` verdict with the right code, posted through the API to a
 * real PostgreSQL lake, codes the next posting of that job right once the memory is refreshed, without a restart;
 * a refresh while the lake is unavailable keeps the memory learned.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type express from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../src/api/app.js";
import { loadConfig, type Config } from "../../../src/config.js";
import type { Lake } from "../../../src/lake/index.js";
import {
  countsOf,
  createEngine,
  FeedbackLearning,
  LiveEngine,
  MatchPool,
  type Engine,
  type MemoryTarget,
} from "../../../src/match/index.js";
import { KEYS, roleAuth } from "../../api-helpers.js";
import { makeBackend, type Backend } from "../../lake-helpers.js";

const lines = () => readFileSync(path.resolve(loadConfig().romeDir, "../../eval/offers-dev.jsonl"), "utf8").split("\n");
const offer = (id: string) =>
  JSON.parse(lines().find((l) => l.includes(`"id": "${id}"`))!) as { intitule: string; description: string };
// Two postings of "Conseiller / Conseillère en économie sociale et familiale", coded K1201, with different texts
// (lake-engine.test.ts: K1225 first without memory).
const first = offer("192ZJSC");
const next = offer("192QNDC");

describe("feedback learned live (PostgreSQL lake, real engine)", () => {
  // No LABELLED_OFFERS: the memory is the lake's feedback alone, so that the dev offers themselves do not vote.
  const config: Config = { ...loadConfig(), labelledOffers: undefined, matchThreads: 0 };
  let engine: Engine;
  let b: Backend;
  let lake: Lake;
  let live: LiveEngine;
  let learning: FeedbackLearning;
  let app: express.Express;
  beforeAll(async () => {
    engine = await createEngine(config);
    live = new LiveEngine(engine);
    b = makeBackend("postgres");
    lake = await b.open(live);
    learning = new FeedbackLearning(lake, live, 3_600_000, countsOf(engine));
    app = createApp({ config, engine, auth: roleAuth(), lake, matcher: live, learning });
  }, 180_000);
  afterAll(async () => {
    learning?.close();
    await b?.cleanup();
  });

  const matchNext = async () =>
    (
      await request(app)
        .post("/v1/match")
        .send({ title: next.intitule, text: next.description, kind: "offer" })
        .expect(200)
    ).body as { metiers: { code: string }[] };
  const health = async () => (await request(app).get("/health").expect(200)).body as Record<string, unknown>;

  it("a wrong verdict with the right code is learned without a restart; a refresh with the lake down keeps it", async () => {
    expect((await matchNext()).metiers[0]!.code).not.toBe("K1201");
    const posted = await request(app)
      .post("/v1/documents")
      .set("x-api-key", KEYS.ingest)
      .send({
        kind: "offer",
        source: "advisor-portal",
        externalId: "cesf-1",
        title: first.intitule,
        text: first.description,
      })
      .expect(201);
    const doc = await request(app).get(`/v1/documents/${posted.body.id}`).set("x-api-key", KEYS.advisor).expect(200);
    const judged = (doc.body as { metiers: { code: string }[] }).metiers[0]!.code;
    expect(judged).not.toBe("K1201"); // the engine got it wrong: the advisor corrects it
    await request(app)
      .post("/v1/feedback")
      .set("x-api-key", KEYS.advisor)
      .send({ documentId: posted.body.id, code: judged, verdict: "wrong", correctCode: "K1201" })
      .expect(201);

    expect(await learning.refresh()).toBe(true);
    expect((await matchNext()).metiers[0]!.code).toBe("K1201");
    const h = await health();
    expect(h).toMatchObject({ labelledOffers: 1, feedbackOffers: 1 });
    expect(typeof h.memoryRefreshedAt).toBe("string");

    // The lake goes away: the refresh fails, the memory learned is still served.
    await lake.close();
    expect(await learning.refresh()).toBe(false);
    expect((await matchNext()).metiers[0]!.code).toBe("K1201");
    expect(await health()).toMatchObject({
      labelledOffers: 1,
      feedbackOffers: 1,
      memoryRefreshedAt: h.memoryRefreshedAt,
    });
  }, 120_000);

  it("match threads learn the same offers (MATCH_THREADS > 0)", async () => {
    const pool = await MatchPool.start(config, 1);
    try {
      const target: MemoryTarget = pool;
      const feedback = [
        { id: "advisor-portal:cesf-1", title: first.intitule, text: first.description, romeCode: "K1201" },
      ];
      const input = { title: next.intitule, text: next.description, kind: "offer" as const };
      expect((await pool.match(input)).metiers[0]!.code).not.toBe("K1201");
      expect(await target.learn(feedback)).toEqual({ labelledOffers: 1, codedOffers: 0 });
      expect((await pool.match(input)).metiers[0]!.code).toBe("K1201");
    } finally {
      await pool.close();
    }
  }, 180_000);
});
