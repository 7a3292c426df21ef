import type express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { documentRoutes } from "../../../src/api/routes/documents.js";
import { loadConfig } from "../../../src/config.js";
import { LAKE_LIMITS, type Lake } from "../../../src/lake/index.js";
import { KEYS, lakeContext, postNotJson, routesApp } from "../../api-helpers.js";
import { fakeEngine, useBackend, type Backend } from "../../lake-helpers.js";

/** The offer the tests post first and re-post (single and in a batch) to see it unchanged. */
const OFFER_A1 = {
  kind: "offer",
  source: "ft",
  externalId: "A1",
  title: "Dev",
  text: "java sql python",
  documentDate: "2025-05-31T14:14:44.737Z",
};
const CV_TEXT = "Jeanne Dupont, 12 rue des Lilas, java et sql depuis 2015";

const appWith = (lake: Lake | undefined): express.Express =>
  routesApp(documentRoutes(lakeContext(fakeEngine(), lake, { config: { ...loadConfig(), cvRetentionDays: 30 } })));

describe.each(["pglite", "postgres"] as const)("lake API on %s", (name) => {
  let b: Backend;
  let app: express.Express;
  let cvId = "";
  let offerId = "";
  useBackend(name, (x) => ((b = x.b), (app = appWith(x.lake))));

  const post = (path: string, key: string | null, body: unknown) => {
    const r = request(app)
      .post(path)
      .send(body as object);
    return key ? r.set("x-api-key", key) : r;
  };
  const get = (path: string, key: string | null) =>
    key ? request(app).get(path).set("x-api-key", key) : request(app).get(path);

  it("creates once and is idempotent on re-post", async () => {
    const a = await post("/v1/documents", KEYS.ingest, OFFER_A1).expect(201);
    const again = await post("/v1/documents", KEYS.ingest, OFFER_A1).expect(200);
    expect(again.body).toEqual({ ...a.body, status: "unchanged" });
    offerId = a.body.id;
    const cv = await post("/v1/documents", `${KEYS.ingest}`, {
      kind: "cv",
      source: "portal",
      externalId: "u-42",
      text: CV_TEXT,
      storeText: true,
    }).expect(201);
    cvId = cv.body.id;
  });

  it("needs a key (401) and the right role (403)", async () => {
    await post("/v1/documents", null, { kind: "offer" }).expect(401);
    expect((await post("/v1/documents", "not-a-key-at-all-xx", {}).expect(401)).body.error.code).toBe("unauthorized");
    await post("/v1/documents", KEYS.advisor, { kind: "offer" }).expect(403);
    await post("/v1/documents/batch", KEYS.analyst, { documents: [] }).expect(403);
    await get(`/v1/documents/${offerId}`, null).expect(401);
    await get(`/v1/documents/${offerId}`, KEYS.ingest).expect(403);
    await get(`/v1/documents/${cvId}/similar`, KEYS.analyst).expect(403);
    await request(app).delete(`/v1/documents/${cvId}`).set("x-api-key", KEYS.advisor).expect(403);
    await request(app).delete(`/v1/documents?source=portal`).expect(401);
    await request(app).post("/v1/lake/purge").set("x-api-key", KEYS.ingest).expect(403);
  });

  it("never returns a CV's text to a role other than admin", async () => {
    expect((await get(`/v1/documents/${cvId}`, KEYS.analyst).expect(403)).body.error.message).toMatch(/personal data/);
    const adv = await get(`/v1/documents/${cvId}`, KEYS.advisor).expect(200);
    expect(adv.body.text).toBeNull();
    expect(adv.body.hasText).toBe(true);
    expect(JSON.stringify(adv.body)).not.toContain("Lilas");
    await get(`/v1/documents/${cvId}?includeText=true`, KEYS.advisor).expect(403);
    expect((await get(`/v1/documents/${cvId}?includeText=true`, KEYS.admin).expect(200)).body.text).toBe(CV_TEXT);
    const sim = await get(`/v1/documents/${offerId}/similar`, KEYS.advisor).expect(200);
    expect(sim.body.results.map((r: { id: string }) => r.id)).toEqual([cvId]);
    expect(JSON.stringify(sim.body)).not.toContain("Lilas");
    // Offers' text is not personal data.
    expect((await get(`/v1/documents/${offerId}`, KEYS.analyst).expect(200)).body.text).toBe("java sql python");
  });

  it("explains CV → offer matches like /v1/match and validates the query", async () => {
    const r = await get(
      `/v1/documents/${cvId}/similar?topK=5&metier=m1805&from=2025-01-01&to=2025-12-31`,
      KEYS.advisor,
    ).expect(200);
    expect(r.body.kind).toBe("offer");
    expect(r.body.results[0].id).toBe(offerId);
    expect(r.body.results[0].sharedMacroCompetences[0]).toMatchObject({
      code: "MC-DEV",
      libelle: "Développer des logiciels",
      weight: 2,
      evidence: [],
    });
    expect((await get(`/v1/documents/${cvId}/similar?to=2024-12-31`, KEYS.advisor).expect(200)).body.results).toEqual(
      [],
    );
    await get(`/v1/documents/${cvId}/similar?topK=0`, KEYS.advisor).expect(400);
    await get(`/v1/documents/${cvId}/similar?topK=${LAKE_LIMITS.maxTopK + 1}`, KEYS.advisor).expect(400);
    await get(`/v1/documents/${cvId}/similar?metier=XX`, KEYS.advisor).expect(400);
    await get(`/v1/documents/${cvId}/similar?from=2025-02-01&to=2025-01-01`, KEYS.advisor).expect(400);
    await get(`/v1/documents/not-a-uuid/similar`, KEYS.advisor).expect(400);
    await get(`/v1/documents/00000000-0000-4000-8000-000000000000/similar`, KEYS.advisor).expect(404);
  });

  it("answers bad payloads with a 4xx JSON error and stores nothing", async () => {
    const before = (await get("/v1/lake/stats", KEYS.admin).expect(200)).body.documents;
    const bad = await postNotJson(app, "/v1/documents", KEYS.ingest).expect(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const missing = await post("/v1/documents", KEYS.ingest, { kind: "offer", source: "ft", externalId: "x" }).expect(
      400,
    );
    expect(missing.body.error.details.map((d: { path: string }) => d.path)).toContain("text");
    // One field broken at a time on an otherwise valid offer.
    const valid = { kind: "offer", source: "ft", externalId: "x", text: "java" };
    for (const broken of [
      { kind: "job" },
      { text: "   " },
      { text: "a".repeat(LAKE_LIMITS.maxTextChars + 1) },
      { extra: 1 },
      { documentDate: "yesterday" },
      { text: "\u0000\u0001\u0002\u0003binary" },
      // Bytes in base64: no recognisable words, refused before anything is stored.
      { text: Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7919 + 13) % 256)).toString("base64") },
    ])
      await post("/v1/documents", KEYS.ingest, { ...valid, ...broken }).expect(400);
    await post("/v1/documents", KEYS.ingest, [1, 2]).expect(400);
    await post("/v1/documents/batch", KEYS.ingest, { documents: [] }).expect(400);
    const tooMany = Array.from({ length: LAKE_LIMITS.maxBatch + 1 }, (_, i) => ({
      kind: "offer",
      source: "ft",
      externalId: `b${i}`,
      text: "java",
    }));
    expect(
      (await post("/v1/documents/batch", KEYS.ingest, { documents: tooMany }).expect(400)).body.error.details[0]
        .message,
    ).toMatch(/at most/);
    await get("/v1/documents/123", KEYS.admin).expect(400);
    expect((await get("/v1/lake/stats", KEYS.admin).expect(200)).body.documents).toEqual(before);
  });

  it("gives a per-item status in a batch", async () => {
    const r = await post("/v1/documents/batch", KEYS.ingest, {
      documents: [
        { kind: "offer", source: "ft", externalId: "B1", text: "encaissement rayon" },
        { kind: "offer", source: "ft", externalId: "B2" },
        OFFER_A1,
        "garbage",
      ],
    }).expect(200);
    expect(r.body.items.map((i: { status: string }) => i.status)).toEqual(["created", "error", "unchanged", "error"]);
    expect(r.body.items[1].error.code).toBe("invalid_document");
    expect(r.body.summary).toEqual({ created: 1, updated: 0, unchanged: 1, error: 2 });
  });

  it("erases by id and by source, all rows", async () => {
    await request(app).delete(`/v1/documents/${cvId}`).set("x-api-key", KEYS.admin).expect(200, { deleted: 1 });
    expect(await b.rowsOf(cvId)).toBe(0);
    await request(app).delete(`/v1/documents/${cvId}`).set("x-api-key", KEYS.admin).expect(404);
    await get(`/v1/documents/${cvId}`, KEYS.admin).expect(404);
    expect(
      (await request(app).delete(`/v1/documents?source=ft`).set("x-api-key", KEYS.admin).expect(200)).body.deleted,
    ).toBe(2);
    expect(await b.rowsOf(offerId)).toBe(0);
    await request(app).delete(`/v1/documents`).set("x-api-key", KEYS.admin).expect(400);
    expect((await request(app).post("/v1/lake/purge?days=1").set("x-api-key", KEYS.admin).expect(200)).body).toEqual({
      deleted: 0,
      days: 1,
    });
  });
});

describe("lake API without a lake", () => {
  it("answers 503, not a crash", async () => {
    const r = await request(appWith(undefined)).get("/v1/lake/stats").set("x-api-key", KEYS.admin).expect(503);
    expect(r.body.error.code).toBe("lake_disabled");
  });
});
