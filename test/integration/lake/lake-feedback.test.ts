/** Feedback on the lake's predictions: verdicts, what they say of accuracy, the offers they label; on both backends. */
import type express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { documentRoutes } from "../../../src/api/routes/documents.js";
import { feedbackRoutes } from "../../../src/api/routes/feedback.js";
import { KEYS, lakeContext, postNotJson, routesApp } from "../../api-helpers.js";
import { rankAgreement, type LabelledOffer, type Lake } from "../../../src/lake/index.js";
import type { Engine } from "../../../src/match/index.js";
import { fakeEngine, useBackend, type Backend } from "../../lake-helpers.js";

const FICHES = {
  M1805: "Développeur / Développeuse informatique",
  D1214: "Vendeur / Vendeuse en prêt-à-porter",
  J1506: "Infirmier / Infirmière en soins généraux",
  K2111: "Formateur / Formatrice",
};

function appWith(lake: Lake | undefined): express.Express {
  const fake = fakeEngine();
  // The fake engine's referential, with the few fiches the verdicts name (the routes check codes against it).
  const engine = {
    ...fake,
    referential: {
      ...fake.referential,
      fiches: new Map(Object.entries(FICHES).map(([code, libelle]) => [code, { code, libelle }])),
    },
  };
  const ctx = lakeContext(engine as unknown as Engine, lake);
  return routesApp(documentRoutes(ctx), feedbackRoutes(ctx));
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("rankAgreement", () => {
  it("counts documents whose right code sat within the first k, unlisted ones as misses", () => {
    expect(
      rankAgreement([
        { rank: 1, documents: 2 },
        { rank: 2, documents: 1 },
        { rank: 7, documents: 1 },
        { rank: null, documents: 1 },
      ]),
    ).toEqual({ documents: 5, top1: 0.4, top3: 0.6, top5: 0.6, top10: 0.8 });
    expect(rankAgreement([])).toEqual({ documents: 0, top1: 0, top3: 0, top5: 0, top10: 0 });
  });
});

describe.each(["pglite", "postgres"] as const)("feedback on %s", (name) => {
  let b: Backend;
  let lake: Lake;
  let app: express.Express;
  const ids: Record<string, string> = {};
  useBackend(name, async (x) => {
    ({ b, lake } = x);
    app = appWith(lake);
    // The fake engine predicts M1805 for java/sql, D1214 for encaissement/rayon, J1506 for soins, in word order.
    for (const [key, doc] of Object.entries({
      A1: { kind: "offer", title: "Dev", text: "java sql python" },
      A2: { kind: "offer", title: "Caisse", text: "encaissement rayon soins" },
      A3: { kind: "offer", title: "Formation", text: "soins" },
      CV: { kind: "cv", text: "Jeanne, java depuis 2015" },
    } as const)) {
      ids[key] = (
        await lake.ingest({ ...doc, source: "ft", externalId: key, documentDate: new Date("2025-05-01") })
      ).id;
    }
  });

  const post = (key: string | null, body: unknown) => {
    const r = request(app)
      .post("/v1/feedback")
      .send(body as object);
    return key ? r.set("x-api-key", key) : r;
  };
  const stats = async (query = "") =>
    (await request(app).get(`/v1/feedback/stats${query}`).set("x-api-key", KEYS.analyst).expect(200)).body;

  it("stores a verdict with the prediction it judged, by document id or by source and externalId", async () => {
    const right = await post(KEYS.ingest, { documentId: ids.A1, code: "m1805", verdict: "right" }).expect(201);
    // The ingest role gets the verdict without the prediction it judged (it may not read the document's).
    expect(right.body).toMatchObject({
      documentId: ids.A1,
      kind: "offer",
      code: "M1805",
      verdict: "right",
      correctCode: null,
      answer: "M1805",
      topCode: null,
      codeRank: null,
      answerRank: null,
      romeVersion: "v460",
      model: "fake-model",
    });
    // …which is stored all the same: the advisor reads it in the figures (and the next verdict's answer).
    expect(
      (await b.sql<{ top_code: string }>("SELECT top_code FROM document_feedback WHERE id = $1", [right.body.id]))[0]!
        .top_code,
    ).toBe("M1805");
    const wrong = await post(KEYS.advisor, {
      source: "ft",
      externalId: "A2",
      code: "D1214",
      verdict: "wrong",
      correctCode: "J1506",
    }).expect(201);
    expect(wrong.body).toMatchObject({
      documentId: ids.A2,
      topCode: "D1214",
      codeRank: 1,
      answer: "J1506",
      answerRank: 2,
    });
    expect(wrong.body.id).toBeGreaterThan(right.body.id);
    // A right code the engine did not list at all.
    expect(
      (
        await post(KEYS.advisor, { documentId: ids.A3, code: "J1506", verdict: "wrong", correctCode: "K2111" }).expect(
          201,
        )
      ).body,
    ).toMatchObject({ codeRank: 1, answer: "K2111", answerRank: null });
    expect(
      (await post(KEYS.advisor, { documentId: ids.CV, code: "M1805", verdict: "right" }).expect(201)).body,
    ).toMatchObject({ kind: "cv", answerRank: 1 });
    const byIngest = await request(app)
      .post("/v1/feedback/batch")
      .set("x-api-key", KEYS.ingest)
      .send({ items: [{ documentId: ids.CV, code: "D1214", verdict: "wrong" }] })
      .expect(200);
    expect(byIngest.body.items[0].feedback).toMatchObject({
      kind: "cv",
      topCode: null,
      codeRank: null,
      answerRank: null,
    });
    await b.sql("DELETE FROM document_feedback WHERE id = $1", [byIngest.body.items[0].feedback.id]);
  });

  it("says what the verdicts tell of the predictions", async () => {
    const s = await stats();
    expect(s).toMatchObject({ romeVersion: "v460", feedback: 4, documents: 4 });
    expect(s.byRank).toEqual([{ rank: 1, judged: 4, right: 2, precision: 0.5 }]);
    expect(s.answers).toMatchObject({ documents: 4, top1: 0.5, top3: 0.75, top5: 0.75, top10: 0.75 });
    expect(s.answers.byKind.offer).toEqual({ documents: 3, top1: 0.3333, top3: 0.6667, top5: 0.6667, top10: 0.6667 });
    expect(s.answers.byKind.cv).toEqual({ documents: 1, top1: 1, top3: 1, top5: 1, top10: 1 });
    expect(s.answers.byVersion).toEqual([
      { romeVersion: "v460", model: "fake-model", documents: 4, top1: 0.5, top3: 0.75, top5: 0.75, top10: 0.75 },
    ]);
    expect(s.confusions).toEqual([
      {
        predicted: { code: "D1214", libelle: FICHES.D1214 },
        answer: { code: "J1506", libelle: FICHES.J1506 },
        documents: 1,
      },
      {
        predicted: { code: "J1506", libelle: FICHES.J1506 },
        answer: { code: "K2111", libelle: FICHES.K2111 },
        documents: 1,
      },
    ]);
    expect((await stats("?kind=cv")).feedback).toBe(1);
    const none = await stats("?to=2000-01-01");
    expect(none).toMatchObject({ feedback: 0, documents: 0, byRank: [], confusions: [] });
    expect(none.answers).toMatchObject({ documents: 0, top1: 0 });
    expect((await stats(`?from=${new Date(Date.now() - 3600_000).toISOString()}`)).feedback).toBe(4);
  });

  it("labels offers with their latest answer; a later wrong on it, or a new text, withdraws the label; CVs never", async () => {
    const labels = async () =>
      Object.fromEntries((await all(lake.labelledOffers())).map((o: LabelledOffer) => [o.id, o]));
    let l = await labels();
    expect(Object.keys(l).sort()).toEqual(["ft:A1", "ft:A2", "ft:A3"]);
    expect(l["ft:A2"]).toEqual({
      id: "ft:A2",
      intitule: "Caisse",
      description: "encaissement rayon soins",
      romeCode: "J1506",
      dateCreation: "2025-05-01T00:00:00.000Z",
    });
    expect(l["ft:A3"]!.romeCode).toBe("K2111");

    await post(KEYS.advisor, { documentId: ids.A1, code: "M1805", verdict: "wrong" }).expect(201);
    l = await labels();
    expect(l["ft:A1"]).toBeUndefined();
    expect((await stats()).answers.documents).toBe(3);
    // The latest verdict per (document, code) counts once: M1805 on A1 is now judged wrong.
    expect((await stats()).byRank).toEqual([{ rank: 1, judged: 4, right: 1, precision: 0.25 }]);
    await post(KEYS.advisor, { documentId: ids.A1, code: "M1805", verdict: "right" }).expect(201);
    expect((await labels())["ft:A1"]!.romeCode).toBe("M1805");

    // Re-posted with another text: the verdict was about the old one.
    await lake.ingest({
      kind: "offer",
      source: "ft",
      externalId: "A3",
      title: "Formation",
      text: "soins et rayon",
      documentDate: new Date("2025-05-01"),
    });
    l = await labels();
    expect(l["ft:A3"]).toBeUndefined();
    expect(Object.keys(l).sort()).toEqual(["ft:A1", "ft:A2"]);
  });

  it("refuses bad feedback with a 4xx JSON error and stores nothing", async () => {
    const before = (await stats()).feedback;
    await post(null, { documentId: ids.A1, code: "M1805", verdict: "right" }).expect(401);
    expect(
      (await post(KEYS.analyst, { documentId: ids.A1, code: "M1805", verdict: "right" }).expect(403)).body.error.code,
    ).toBe("forbidden");
    await request(app).get("/v1/feedback/stats").set("x-api-key", KEYS.ingest).expect(403);
    const unknown = await post(KEYS.advisor, { documentId: ids.A1, code: "A0000", verdict: "right" }).expect(400);
    expect(unknown.body.error).toMatchObject({
      code: "unknown_code",
      message: "code A0000 is not a fiche of ROME v460",
    });
    expect(
      (
        await post(KEYS.advisor, { documentId: ids.A1, code: "M1805", verdict: "wrong", correctCode: "A0000" }).expect(
          400,
        )
      ).body.error.code,
    ).toBe("unknown_code");
    const cases: unknown[] = [
      { documentId: ids.A1, code: "M1805", verdict: "right", correctCode: "D1214" },
      { documentId: ids.A1, code: "M1805", verdict: "wrong", correctCode: "m1805" },
      { documentId: ids.A1, source: "ft", externalId: "A1", code: "M1805", verdict: "right" },
      { source: "ft", code: "M1805", verdict: "right" },
      { code: "M1805", verdict: "right" },
      { documentId: "not-a-uuid", code: "M1805", verdict: "right" },
      { documentId: ids.A1, code: "Z1805", verdict: "right" },
      { documentId: ids.A1, code: "M1805", verdict: "maybe" },
      { documentId: ids.A1, code: "M1805", verdict: "right", comment: "free text is not stored" },
      { documentId: ids.A1, code: 1805, verdict: "right" },
      [1, 2],
    ];
    for (const body of cases)
      expect((await post(KEYS.advisor, body).expect(400)).body.error.status, JSON.stringify(body)).toBe(400);
    const bad = await postNotJson(app, "/v1/feedback", KEYS.advisor).expect(400);
    expect(bad.body.error.code).toBe("invalid_json");
    await post(KEYS.advisor, {
      documentId: "00000000-0000-4000-8000-000000000000",
      code: "M1805",
      verdict: "right",
    }).expect(404);
    expect(
      (await post(KEYS.advisor, { source: "ft", externalId: "nope", code: "M1805", verdict: "right" }).expect(404)).body
        .error.code,
    ).toBe("not_found");
    await request(app).get("/v1/feedback/stats?kind=job").set("x-api-key", KEYS.analyst).expect(400);
    await request(app)
      .get("/v1/feedback/stats?from=2025-02-01&to=2025-01-01")
      .set("x-api-key", KEYS.analyst)
      .expect(400);
    expect((await stats()).feedback).toBe(before);
  });

  it("takes verdicts in batches: the valid ones stored together, a status per item", async () => {
    const before = (await stats()).feedback;
    const r = await request(app)
      .post("/v1/feedback/batch")
      .set("x-api-key", KEYS.ingest)
      .send({
        items: [
          { documentId: ids.A1, code: "M1805", verdict: "right" },
          { documentId: ids.A1, code: "A0000", verdict: "right" },
          { source: "ft", externalId: "nope", code: "M1805", verdict: "right" },
          { source: "ft", externalId: "A2", code: "J1506", verdict: "right" },
          "garbage",
        ],
      })
      .expect(200);
    expect(r.body.items.map((i: { status: string; error?: { code: string } }) => i.error?.code ?? i.status)).toEqual([
      "created",
      "unknown_code",
      "not_found",
      "created",
      "invalid_request",
    ]);
    expect(r.body.items[3].feedback).toMatchObject({ documentId: ids.A2, answer: "J1506", answerRank: null }); // ingest role: not the prediction
    expect(r.body.summary).toEqual({ created: 2, error: 3 });
    expect((await stats()).feedback).toBe(before + 2);
    const post = (body: unknown, key = KEYS.advisor) =>
      request(app)
        .post("/v1/feedback/batch")
        .set("x-api-key", key)
        .send(body as object);
    await post({ items: [] }).expect(400);
    await post({
      items: Array.from({ length: 101 }, () => ({ documentId: ids.A1, code: "M1805", verdict: "right" })),
    }).expect(400);
    await post({ items: [{ documentId: ids.A1, code: "M1805", verdict: "right" }], extra: 1 }).expect(400);
    await post({ items: [{ documentId: ids.A1, code: "M1805", verdict: "right" }] }, KEYS.analyst).expect(403);
    expect((await stats()).feedback).toBe(before + 2);
  });

  it("erases a document's verdicts with it", async () => {
    const count = async (id: string) =>
      Number(
        (await b.sql<{ n: string }>("SELECT count(*) AS n FROM document_feedback WHERE document_id = $1", [id]))[0]!.n,
      );
    expect(await count(ids.CV!)).toBe(1);
    await request(app).delete(`/v1/documents/${ids.CV}`).set("x-api-key", KEYS.admin).expect(200);
    expect(await count(ids.CV!)).toBe(0);
    expect((await stats("?kind=cv")).feedback).toBe(0);
  });

  it("upgrades a lake made before feedback existed, keeping its documents", async () => {
    await b.sql("DROP TABLE document_feedback");
    await b.sql("DELETE FROM lake_migrations WHERE version = 2");
    const docs = (await lake.stats()).documents;
    if (name === "pglite") await lake.close(); // one process per folder
    const again = await b.open();
    expect(await again.stats()).toMatchObject({ schemaVersion: 6, documents: docs });
    expect(await again.addFeedback({ documentId: ids.A2!, code: "J1506", verdict: "right" })).toMatchObject({
      answer: "J1506",
      answerRank: 2,
    });
    lake = again;
  });
});

describe("feedback without a lake", () => {
  it("answers 503, not a crash", async () => {
    const r = await request(appWith(undefined))
      .post("/v1/feedback")
      .set("x-api-key", KEYS.advisor)
      .send({ documentId: "00000000-0000-4000-8000-000000000000", code: "M1805", verdict: "right" })
      .expect(503);
    expect(r.body.error.code).toBe("lake_disabled");
  });
});
