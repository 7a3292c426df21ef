import express from "express";
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { loadReferential } from "../../../src/rome/index.js";
import type { Referential } from "../../../src/rome/referential.js";
import { referentialRoutes } from "../../../src/api/routes/referential.js";
import { errorHandler, unknownRoute } from "../../../src/api/errors.js";
import { openApiDocument } from "../../../src/api/openapi.js";
import { romeSearch } from "../../../src/rome/search.js";

let ref: Referential;
let app: express.Express;

beforeAll(() => {
  ref = loadReferential(loadConfig().romeDir);
  app = express();
  app.use(referentialRoutes({ engine: { referential: ref } }));
  app.use(unknownRoute);
  app.use(errorHandler);
  romeSearch(ref);
}, 60_000);

interface Node {
  code: string;
  counts: { macroCompetences: number; competences: number };
  children?: Node[];
  macroCompetences?: {
    code: string;
    counts: { competences: number };
    fiches: number;
    competences?: { code: string }[];
  }[];
}

describe("GET /v1/competences/tree", () => {
  it("covers the whole referential with consistent counts at every level", async () => {
    const res = await request(app).get("/v1/competences/tree").expect(200);
    const domaines = res.body.domaines as Node[];
    expect(domaines.map((d) => d.code)).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(res.body.totals.macroCompetences).toBe(ref.macroCompetences.size);
    expect(res.body.totals.competences).toBe(
      [...ref.macroCompetences.values()].reduce((s, m) => s + m.competences.length, 0),
    );
    const check = (n: Node): number => {
      if (n.children) {
        expect(n.children.reduce((s, c) => s + c.counts.competences, 0)).toBe(n.counts.competences);
        expect(n.children.reduce((s, c) => s + c.counts.macroCompetences, 0)).toBe(n.counts.macroCompetences);
        return n.children.reduce((s, c) => s + check(c), 0);
      }
      expect(n.macroCompetences?.length).toBe(n.counts.macroCompetences);
      for (const m of n.macroCompetences!) {
        expect(ref.macroCompetences.get(m.code)!.codeArbo.startsWith(n.code)).toBe(true);
        expect(m.fiches).toBe(ref.fichesForMacroCompetence(m.code).length);
        expect(m.competences).toBeUndefined(); // default depth stops at MCs
      }
      return n.macroCompetences!.length;
    };
    expect(domaines.reduce((s, d) => s + check(d), 0)).toBe(ref.macroCompetences.size);
    // 6 domaines → 32 enjeux → 84 objectifs, as the README of the data says.
    const enjeux = domaines.flatMap((d) => d.children!);
    expect(enjeux).toHaveLength(32);
    expect(enjeux.flatMap((e) => e.children!)).toHaveLength(84);
  });

  it("cuts at depth and restricts to a branch, listing compétences at depth=competence", async () => {
    const top = await request(app).get("/v1/competences/tree?depth=domaine").expect(200);
    expect(top.body.domaines.every((d: Node) => d.children === undefined)).toBe(true);
    const branch = await request(app).get("/v1/competences/tree?depth=competence&root=1A1").expect(200);
    const mcs = branch.body.domaines[0].children[0].children[0].macroCompetences as NonNullable<
      Node["macroCompetences"]
    >;
    expect(branch.body.domaines[0].children[0].children[0].code).toBe("1A1");
    for (const m of mcs)
      expect(m.competences!.map((c) => c.code)).toEqual(ref.macroCompetences.get(m.code)!.competences);
  });

  it("400s bad parameters and 404s an unknown branch", async () => {
    await request(app).get("/v1/competences/tree?depth=leaf").expect(400);
    await request(app).get("/v1/competences/tree?root=abc").expect(400);
    const r = await request(app).get("/v1/competences/tree?root=1Z").expect(404);
    expect(r.body.error.message).toMatch(/1Z/);
  });
});

describe("compétences, macro-compétences, contextes", () => {
  it("GET /v1/competences/:code gives the MC, the path and the fiches that list it", async () => {
    const c = [...ref.competences.values()].find((x) => ref.fichesForItem(x.code).length >= 2)!;
    const res = await request(app).get(`/v1/competences/${c.code}`).expect(200);
    expect(res.body.libelle).toBe(c.libelle);
    expect(res.body.macroCompetence.code).toBe(c.macroCompetence);
    expect(res.body.path.objectif.code).toBe(ref.macroCompetences.get(c.macroCompetence)!.objectif.code);
    for (const f of res.body.fiches) expect(ref.fiche(f.code)!.competences.some((l) => l.code === c.code)).toBe(true);
  });

  it("404s unknown codes, saying what the code is when it is another kind", async () => {
    const savoir = [...ref.savoirs.keys()][0]!;
    const r = await request(app).get(`/v1/competences/${savoir}`).expect(404);
    expect(r.body.error.message).toMatch(/is a savoir/);
    const u = await request(app).get("/v1/macro-competences/987654321").expect(404);
    expect(u.body.error.message).toMatch(/987654321.*does not exist/);
    await request(app).get("/v1/competences/abc").expect(400);
  });

  it("GET /v1/macro-competences/:code lists its compétences and the fiches mobilising it, coeur first", async () => {
    const mc = [...ref.macroCompetences.values()].find((m) => ref.fichesForMacroCompetence(m.code).length > 20)!;
    const res = await request(app).get(`/v1/macro-competences/${mc.code}`).expect(200);
    expect(res.body.competences).toHaveLength(mc.competences.length);
    const fiches = res.body.fiches as { code: string; coeurMetier: boolean }[];
    expect(fiches.map((f) => f.code).sort()).toEqual([...ref.fichesForMacroCompetence(mc.code)].sort());
    const firstNon = fiches.findIndex((f) => !f.coeurMetier);
    if (firstNon >= 0) expect(fiches.slice(firstNon).every((f) => !f.coeurMetier)).toBe(true);
    for (const f of fiches) expect(f.coeurMetier).toBe(ref.ficheMacroCompetences(f.code).get(mc.code)!.coeur);
  });

  it("GET /v1/contextes groups every contexte by type with fiche counts", async () => {
    const res = await request(app).get("/v1/contextes").expect(200);
    const all = (res.body.types as { contextes: { code: string; libelle: string; fiches: number }[] }[]).flatMap(
      (t) => t.contextes,
    );
    expect(all).toHaveLength(ref.contextes.size);
    const night = all.find((c) => c.libelle === "Travail de nuit")!;
    expect(night.fiches).toBe([...ref.fiches.values()].filter((f) => f.contextes.includes(night.code)).length);
    expect(night.fiches).toBeGreaterThan(0);
  });
});

describe("GET /v1/search", () => {
  it("finds a fiche by a job title, and through an appellation", async () => {
    const res = await request(app).get("/v1/search?q=développeur informatique&type=fiche").expect(200);
    expect(res.body.hits[0].code).toBe("M1805");
    expect(res.body.hits.every((h: { kind: string }) => h.kind === "fiche")).toBe(true);
    // An appellation that is not the fiche's libellé still leads to its fiche.
    const f = ref.fiche("M1805")!;
    const app2 = f.appellations.map((a) => ref.appellations.get(a)!.libelle).find((l) => !/d.veloppeu/i.test(l))!;
    const viaApp = await request(app)
      .get(`/v1/search?q=${encodeURIComponent(app2)}&type=fiche&limit=5`)
      .expect(200);
    expect(viaApp.body.hits.map((h: { code: string }) => h.code)).toContain("M1805");
  });

  it("tolerates typos and says what it corrected", async () => {
    const res = await request(app).get("/v1/search?q=devloppeur informatique&type=fiche&limit=5").expect(200);
    expect(res.body.corrections).toEqual([{ from: "devloppeur", to: expect.stringMatching(/^developpeu/) }]);
    expect(res.body.hits.map((h: { code: string }) => h.code)).toContain("M1805");
  });

  it("searches compétences by keyword, exact labels first", async () => {
    const c = ref.competences.get("100023")!;
    const res = await request(app)
      .get(`/v1/search?q=${encodeURIComponent(c.libelle)}&type=competence&limit=5`)
      .expect(200);
    expect(res.body.hits[0]).toMatchObject({ kind: "competence", code: "100023", score: 1 });
    expect(res.body.hits.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < res.body.hits.length; i++)
      expect(res.body.hits[i - 1].score).toBeGreaterThanOrEqual(res.body.hits[i].score);
  });

  it("400s an empty query, an unknown type or a limit out of bounds", async () => {
    await request(app).get("/v1/search?q=").expect(400);
    await request(app).get("/v1/search").expect(400);
    await request(app).get("/v1/search?q=soudure&type=metier").expect(400);
    await request(app).get("/v1/search?q=soudure&limit=500").expect(400);
  });

  it("is documented in OpenAPI with every browse route", () => {
    const doc = openApiDocument(ref.version);
    for (const p of [
      "/v1/competences/tree",
      "/v1/competences/{code}",
      "/v1/macro-competences/{code}",
      "/v1/contextes",
      "/v1/search",
    ])
      expect(doc.paths[p]?.get, p).toBeDefined();
  });
});
