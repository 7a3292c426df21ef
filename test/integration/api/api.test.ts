import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import { createApp } from "../../../src/api/app.js";
import { createAuth } from "../../../src/api/auth.js";
import { LIMITS } from "../../../src/api/limits.js";
import { MatchResponse } from "../../../src/api/routes/match-schemas.js";
import { REQUIRED_MODEL } from "../../../src/match/index.js";
import { loadConfig } from "../../../src/config.js";
import { testEngine } from "../../helpers.js";

let app: Express;
beforeAll(async () => {
  app = createApp({ config: loadConfig(), engine: await testEngine(), auth: createAuth([]) });
});

const expectError = (res: request.Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/json/);
  expect(res.body.error).toMatchObject({ status, code });
  expect(typeof res.body.error.message).toBe("string");
};

describe("POST /v1/match", () => {
  it("ranks métiers with explanations", async () => {
    const res = await request(app).post("/v1/match").send({
      title: "Vendeuse en prêt-à-porter",
      text: "Accueil et conseil des clientes, encaissement, mise en rayon et tenue du magasin de vêtements.",
      kind: "offer",
      topK: 3,
    });
    expect(res.status).toBe(200);
    expect(res.body.metiers).toHaveLength(3);
    expect(res.body.metiers[0].code).toBe("D1214");
    expect(res.body.romeVersion).toBe("v460");
    expect(["confident", "uncertain"]).toContain(res.body.status);
    // Written without res.json: still JSON in UTF-8 with the body's byte length, and no ETag for a POST answer.
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.text));
    expect(res.headers.etag).toBeUndefined();
    // The answer is what the published schema says, with the items a recruiter would attach to this offer.
    expect(MatchResponse.safeParse(res.body).success).toBe(true);
    expect(res.body.requiredSkills.length).toBeGreaterThan(0);
    for (const s of res.body.requiredSkills)
      expect(s.probability).toBeGreaterThanOrEqual(REQUIRED_MODEL.minProbability);
    const cv = await request(app)
      .post("/v1/match")
      .send({ text: "Vendeuse en prêt-à-porter : accueil et conseil des clientes, encaissement.", kind: "cv" });
    expect(cv.body.requiredSkills).toEqual([]);
  });

  it("rejects invalid JSON, wrong types, empty and oversized text, unknown fields and topK out of bounds", async () => {
    expectError(
      await request(app).post("/v1/match").set("content-type", "application/json").send('{"text": "abc",'),
      400,
      "invalid_json",
    );
    expectError(await request(app).post("/v1/match").send({ text: 42 }), 400, "invalid_request");
    expectError(await request(app).post("/v1/match").send({ text: "   " }), 400, "invalid_request");
    expectError(
      await request(app)
        .post("/v1/match")
        .send({ text: "x".repeat(LIMITS.maxTextChars + 1) }),
      400,
      "invalid_request",
    );
    expectError(
      await request(app)
        .post("/v1/match")
        .send({ text: "boulanger", topK: LIMITS.maxTopK + 1 }),
      400,
      "invalid_request",
    );
    expectError(await request(app).post("/v1/match").send({ text: "boulanger", topK: 0 }), 400, "invalid_request");
    expectError(
      await request(app).post("/v1/match").send({ text: "boulanger", kind: "resume" }),
      400,
      "invalid_request",
    );
    expectError(
      await request(app).post("/v1/match").send({ text: "boulanger", colour: "red" }),
      400,
      "invalid_request",
    );
    expectError(await request(app).post("/v1/match").send([1, 2]), 400, "invalid_request");
  });

  it("rejects binary garbage and bodies over the byte limit", async () => {
    const garbage = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)).toString("latin1");
    expectError(
      await request(app)
        .post("/v1/match")
        .send({ text: garbage.replace(/[\s\S]/g, (c) => (c.charCodeAt(0) < 32 ? "\u0001" : c)) }),
      400,
      "invalid_request",
    );
    expectError(
      await request(app)
        .post("/v1/match")
        .set("content-type", "application/json")
        .send(`{"text":"${"a".repeat(LIMITS.maxBodyBytes + 10)}"}`),
      413,
      "payload_too_large",
    );
  });

  it("refuses text with almost no recognisable words (base64 of bytes) on match and extraction, not métiers from noise", async () => {
    const base64 = Buffer.from(Array.from({ length: 1500 }, (_, i) => (i * 7919 + 13) % 256)).toString("base64");
    for (const path of ["/v1/match", "/v1/skills/extract"]) {
      const res = await request(app).post(path).send({ text: base64 });
      expectError(res, 400, "invalid_request");
      expect(JSON.stringify(res.body.error.details)).toMatch(/almost no recognisable words/);
    }
    // An English job text is text: matched.
    const english = await request(app).post("/v1/match").send({
      text: "We are looking for a Data Engineer to join our team in Paris. You will design and build data pipelines, work with data scientists and product owners.",
    });
    expect(english.status).toBe(200);
    expect(english.body.metiers.length).toBeGreaterThan(0);
  });
});

describe("POST /v1/match with explain: false", () => {
  it("ranks the same métiers without their explanations", async () => {
    const body = {
      title: "Boulanger H/F",
      text: "Fabrication du pain et des viennoiseries, pétrissage, façonnage, cuisson au four. Vente en boutique.",
      topK: 5,
    };
    const [full, bare] = await Promise.all([
      request(app).post("/v1/match").send(body),
      request(app)
        .post("/v1/match")
        .send({ ...body, explain: false }),
    ]);
    expect(bare.status).toBe(200);
    expect(bare.body.metiers.map((m: { code: string }) => m.code)).toEqual(
      full.body.metiers.map((m: { code: string }) => m.code),
    );
    expect(bare.body.metiers.map((m: { score: unknown }) => m.score)).toEqual(
      full.body.metiers.map((m: { score: unknown }) => m.score),
    );
    expect(full.body.metiers[0].sharedMacroCompetences.length).toBeGreaterThan(0);
    for (const m of bare.body.metiers) {
      expect(m.appellation).toBeNull();
      expect([m.sharedMacroCompetences, m.missingMacroCompetences, m.unusedSkills]).toEqual([[], [], []]);
    }
    expect(bare.body.skills).toEqual(full.body.skills);
    expectError(
      await request(app)
        .post("/v1/match")
        .send({ ...body, explain: "no" }),
      400,
      "invalid_request",
    );
  });
});

describe("POST /v1/match with codedAt / romeVersion (codes in force when the text was coded)", () => {
  const offer = {
    title: "Data analyst",
    text: "Analyse des données clients, tableaux de bord Power BI, requêtes SQL.",
  };
  it("lists v458's codes for a text coded before June 2025, per item in a batch too", async () => {
    const res = await request(app)
      .post("/v1/match")
      .send({ ...offer, codedAt: "2024-11-05" });
    expect(res.status).toBe(200);
    expect(MatchResponse.safeParse(res.body).success).toBe(true);
    expect(res.body.codedWith).toBe("v458");
    expect(res.body.metiers[0].code).toBe("M1403");
    expect(res.body.metiers[0].mergedFrom).toContain("M1419");
    const batch = await request(app)
      .post("/v1/match/batch")
      .send({ items: [offer, { ...offer, romeVersion: "v458" }] });
    expect(batch.status).toBe(200);
    expect(batch.body.results[0].codedWith).toBeUndefined();
    expect(batch.body.results[0].metiers[0].code).toBe("M1419");
    expect(batch.body.results[1].codedWith).toBe("v458");
  });
  it("refuses a date that is not ISO and a version the server does not know", async () => {
    expectError(
      await request(app)
        .post("/v1/match")
        .send({ ...offer, codedAt: "05/11/2024" }),
      400,
      "invalid_request",
    );
    const res = await request(app)
      .post("/v1/match")
      .send({ ...offer, romeVersion: "v451" });
    expectError(res, 400, "invalid_request");
    expect(res.body.error.message).toContain("v458");
  });
});

describe("POST /v1/match/batch", () => {
  it("answers each item in order", async () => {
    const res = await request(app)
      .post("/v1/match/batch")
      .send({
        items: [
          { title: "Boulanger", text: "Fabrication du pain" },
          { title: "Comptable", text: "Tenue de la comptabilité générale", kind: "offer", topK: 2 },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(2);
    expect(res.body.results[1].metiers).toHaveLength(2);
  });
  it("enforces the batch limit and reports the failing item", async () => {
    const items = Array.from({ length: LIMITS.maxBatch + 1 }, () => ({ text: "boulanger" }));
    expectError(await request(app).post("/v1/match/batch").send({ items }), 400, "invalid_request");
    const res = await request(app)
      .post("/v1/match/batch")
      .send({ items: [{ text: "ok" }, { text: "" }] });
    expectError(res, 400, "invalid_request");
    expect(JSON.stringify(res.body.error.details)).toContain("items.1.text");
  });
});

describe("POST /v1/skills/extract", () => {
  it("returns skills with spans into the text", async () => {
    const text = "Encaissement des achats\nMise en rayon";
    const res = await request(app).post("/v1/skills/extract").send({ text });
    expect(res.status).toBe(200);
    expect(res.body.skills.length).toBeGreaterThan(0);
    for (const s of res.body.skills) for (const e of s.evidence) expect(text.slice(e.start, e.end)).toBe(e.text);
  });
});

describe("GET /v1/metiers/:code", () => {
  it("returns the fiche with MCs grouped by enjeu", async () => {
    const res = await request(app).get("/v1/metiers/m1805");
    expect(res.status).toBe(200);
    expect(res.body.code).toBe("M1805");
    expect(res.body.appellations.length).toBeGreaterThan(5);
    expect(res.body.enjeux.length).toBeGreaterThan(0);
    for (const e of res.body.enjeux) for (const mc of e.macroCompetences) expect(mc.code).toMatch(/^\d+$/);
    expect(res.body.tags.transitionNumerique).toBe(true);
  });
  it("shows what recruiters chose for the fiche's labelled offers, most chosen first", async () => {
    const engine = await testEngine();
    // The fiche with the most labelled offers that carry items.
    const codes = engine.lexicon.ficheCodes;
    const row = [...codes.keys()].reduce(
      (a, b) => (engine.exemplars!.itemChoicesOf(b).offers > engine.exemplars!.itemChoicesOf(a).offers ? b : a),
      0,
    );
    const choices = engine.exemplars!.itemChoicesOf(row);
    expect(choices.offers).toBeGreaterThan(1);
    const res = await request(app).get(`/v1/metiers/${codes[row]}`);
    const { offers, items } = res.body.recruiterChoices;
    expect(offers).toBe(choices.offers);
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(20);
    const fiche = engine.referential.fiche(codes[row]!)!;
    const listed = new Set(
      [...fiche.competences, ...fiche.savoirs]
        .map((l) => l.code)
        .concat([...engine.referential.ficheMacroCompetences(fiche.code).keys()]),
    );
    for (const [i, item] of items.entries()) {
      expect(item.share).toBeCloseTo(choices.chosen.get(item.code)! / choices.offers, 3);
      expect(item.listed).toBe(listed.has(item.code));
      if (i > 0) expect(item.share).toBeLessThanOrEqual(items[i - 1].share);
    }
    // A fiche no labelled offer with items speaks for: none.
    const quiet = [...codes.keys()].find((r) => engine.exemplars!.itemChoicesOf(r).offers === 0)!;
    expect((await request(app).get(`/v1/metiers/${codes[quiet]}`)).body.recruiterChoices).toEqual({
      offers: 0,
      items: [],
    });
  });
  it("gives 404 for an unknown code and 400 for a malformed one", async () => {
    expectError(await request(app).get("/v1/metiers/Z9999"), 400, "invalid_request");
    const res = await request(app).get("/v1/metiers/A9999");
    expectError(res, 404, "not_found");
    expect(res.body.error.message).toContain("A9999");
  });
});

describe("ESCO ↔ ROME", () => {
  const IARD = "http://data.europa.eu/esco/occupation/4975c4cc-a89f-4ea8-82aa-501258dfb2f9";
  it("lists the ESCO occupations of a fiche's appellations, strongest relation first, and maps them back", async () => {
    const engine = await testEngine();
    const fiche = engine.referential.appellations.get("19489")!.ficheCode; // Souscripteur / Souscriptrice IARD
    const res = await request(app).get(`/v1/metiers/${fiche}`);
    expect(res.body.esco.version).toBe("ESCO 1.0.9, mapping V1.4");
    const occupations: { uri: string; relation: string; appellations: { code: string; relation: string }[] }[] =
      res.body.esco.occupations;
    const iard = occupations.find((o) => o.uri === IARD)!;
    expect(iard.relation).toBe("exactMatch");
    expect(iard.appellations).toContainEqual({
      code: "19489",
      libelle: engine.referential.appellations.get("19489")!.libelle,
      relation: "exactMatch",
    });
    const order = ["exactMatch", "closeMatch", "narrowMatch", "broadMatch"];
    expect(occupations.map((o) => order.indexOf(o.relation))).toEqual(
      [...occupations.map((o) => order.indexOf(o.relation))].sort((a, b) => a - b),
    );
    const own = new Set(engine.referential.fiches.get(fiche)!.appellations);
    expect(occupations.every((o) => o.appellations.every((a) => own.has(a.code)))).toBe(true);

    const back = await request(app).get("/v1/esco/occupation").query({ uri: IARD });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ romeVersion: "v460", uri: IARD, label: "souscripteur IARD/souscriptrice IARD" });
    expect(back.body.fiches[0]).toMatchObject({ code: fiche, relation: "exactMatch" });
    const apps = back.body.fiches.flatMap((f: { code: string; appellations: { code: string }[] }) =>
      f.appellations.map((a) => [a.code, f.code]),
    );
    expect(apps).toContainEqual(["19489", fiche]);
    expect(apps.every(([a, f]: [string, string]) => engine.referential.appellations.get(a)!.ficheCode === f)).toBe(
      true,
    );
    expect(engine.esco!.byUri.size).toBe(1915);
    expect([...engine.esco!.byAppellation.values()].reduce((n, l) => n + l.length, 0)).toBe(11118);
  });

  it("answers a malformed URI with 400, an unknown one with 404, and 503 without the crosswalk", async () => {
    expectError(await request(app).get("/v1/esco/occupation").query({ uri: "gemmologue" }), 400, "invalid_request");
    expectError(await request(app).get("/v1/esco/occupation"), 400, "invalid_request");
    expectError(await request(app).get("/v1/esco/occupation").query({ uri: IARD, extra: "1" }), 400, "invalid_request");
    expectError(
      await request(app)
        .get("/v1/esco/occupation")
        .query({ uri: "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000" }),
      404,
      "not_found",
    );
    const engine = await testEngine();
    const without = Object.assign(Object.create(Object.getPrototypeOf(engine) as object) as typeof engine, engine, {
      esco: null,
    });
    const bare = createApp({ config: loadConfig(), engine: without, auth: createAuth([]) });
    expectError(await request(bare).get("/v1/esco/occupation").query({ uri: IARD }), 503, "esco_disabled");
    expect((await request(bare).get("/v1/metiers/M1805")).body.esco).toBeNull();
  });
});

describe("GET /v1/appellations/search", () => {
  it("completes prefixes and tolerates typos", async () => {
    const pre = await request(app).get("/v1/appellations/search").query({ q: "boulan" });
    expect(pre.status).toBe(200);
    expect(pre.body.results[0].ficheCode).toBe("D1102");
    const typo = await request(app).get("/v1/appellations/search").query({ q: "infirmeir", limit: 5 });
    expect(typo.body.results.some((r: { libelle: string }) => /Infirmier/.test(r.libelle))).toBe(true);
  });
  it("requires q", async () => {
    expectError(await request(app).get("/v1/appellations/search"), 400, "invalid_request");
    expectError(
      await request(app).get("/v1/appellations/search").query({ q: "a", limit: 500 }),
      400,
      "invalid_request",
    );
  });
});

describe("service endpoints", () => {
  it("reports health with the ROME version", async () => {
    const res = await request(app).get("/health");
    expect(res.body).toMatchObject({ status: "ok", romeVersion: "v460", model: "rome-fr-static-256" });
    expect(res.body.labelledOffers).toBe((await testEngine()).exemplars?.size ?? 0);
    expect(res.body.labelledOffers > 0).toBe(loadConfig().labelledOffers !== undefined);
    expect(res.body.codedOffers).toBe((await testEngine()).exemplars?.codedOffers ?? 0);
    expect(res.body.codedOffers).toBeLessThanOrEqual(res.body.labelledOffers);
    expect(res.body.esco).toBe("ESCO 1.0.9, mapping V1.4");
  });
  it("publishes an OpenAPI document generated from the schemas", async () => {
    const res = await request(app).get("/openapi.json");
    expect(res.body.openapi).toBe("3.1.0");
    expect(
      res.body.paths["/v1/match"].post.requestBody.content["application/json"].schema.properties.text.maxLength,
    ).toBe(LIMITS.maxTextChars);
    expect(res.body.paths["/v1/metiers/{code}"].get.parameters[0].name).toBe("code");
    expect(
      res.body.paths["/v1/match"].post.responses["200"].content["application/json"].schema.properties.requiredSkills
        .type,
    ).toBe("array");
    // As every route (docs/api.md): an unknown query parameter is a 400, not ignored.
    expectError(await request(app).get("/openapi.json?format=yaml"), 400, "invalid_request");
  });
  it("answers unknown routes with a JSON 404", async () => {
    expectError(await request(app).get("/v2/nothing"), 404, "not_found");
  });
});
