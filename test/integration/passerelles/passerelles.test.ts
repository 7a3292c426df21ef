import express from "express";
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { loadReferential } from "../../../src/rome/index.js";
import type { Referential } from "../../../src/rome/referential.js";
import { passerellesIndexes, passerellesRoutes } from "../../../src/api/routes/passerelles.js";
import { errorHandler, unknownRoute } from "../../../src/api/errors.js";
import { openApiDocument } from "../../../src/api/openapi.js";
import { ACCESS_RULE } from "../../../src/passerelles/index.js";
import { VIABILITY } from "../../../src/passerelles/index.js";
import {
  entryLevel,
  FIXED_BLEND_MODEL,
  jaccard,
  levelGap,
  loadPasserellesModel,
  MobiliteGraph,
  ModelFileError,
  openEntry,
  COVERAGE_FEATURES,
  PAIR_FEATURES,
  parentOrChild,
  parseModel,
  ProfileMatcher,
  ProximityIndex,
  rankingScores,
  riasecShared,
  scoreColumns,
  splitSibling,
  stageScore,
  topPositions,
  type PairFeature,
} from "../../../src/passerelles/index.js";
import {
  DEFAULT_METRIC_FIT,
  FEATURE_SETS,
  fitNeighbourMetric,
  fitPasserelles,
  officialEdges,
  sourceFolds,
} from "../../../src/tuning/index.js";
import { fitListwiseSets } from "../../../src/tuning/index.js";

let ref: Referential;
let app: express.Express;

interface GapResult {
  code: string;
  shared: { code: string; sharedCompetences: { code: string }[]; targetOnlyCompetences: { code: string }[] }[];
  toAcquire?: {
    macroCompetences: { code: string; coeurMetier: boolean; competences: { code: string }[] }[];
    competences: { code: string; coeurMetier: boolean }[];
  };
  gap?: {
    macroCompetences: { code: string; coeurMetier: boolean; competences: { code: string }[] }[];
    competences: { code: string; coeurMetier: boolean }[];
  };
}

/** Every gap item must be the target's and not already held; every shared item must be on both sides. */
function checkGap(r: GapResult, heldMcs: Set<string>, heldComps: Set<string>) {
  const target = ref.fiches.get(r.code)!;
  const tMcs = ref.ficheMacroCompetences(r.code);
  const tComps = new Set(target.competences.map((c) => c.code));
  const gap = r.toAcquire ?? r.gap!;
  for (const mc of gap.macroCompetences) {
    expect(tMcs.has(mc.code), `${mc.code} is an MC of ${r.code}`).toBe(true);
    expect(heldMcs.has(mc.code), `${mc.code} is not held`).toBe(false);
    for (const c of mc.competences) expect(tComps.has(c.code) && !heldComps.has(c.code)).toBe(true);
  }
  for (const c of gap.competences) {
    expect(tComps.has(c.code), `${c.code} is a compétence of ${r.code}`).toBe(true);
    expect(heldComps.has(c.code), `${c.code} is not held`).toBe(false);
  }
  for (const s of r.shared) {
    expect(tMcs.has(s.code) && heldMcs.has(s.code)).toBe(true);
    for (const c of s.sharedCompetences) expect(tComps.has(c.code) && heldComps.has(c.code)).toBe(true);
    for (const c of s.targetOnlyCompetences) expect(tComps.has(c.code) && !heldComps.has(c.code)).toBe(true);
  }
  // Coeur de métier first.
  const firstNonCoeur = gap.macroCompetences.findIndex((m) => !m.coeurMetier);
  if (firstNonCoeur >= 0) expect(gap.macroCompetences.slice(firstNonCoeur).every((m) => !m.coeurMetier)).toBe(true);
  const firstNonCoeurC = gap.competences.findIndex((m) => !m.coeurMetier);
  if (firstNonCoeurC >= 0) expect(gap.competences.slice(firstNonCoeurC).every((m) => !m.coeurMetier)).toBe(true);
}

beforeAll(() => {
  ref = loadReferential(loadConfig().romeDir);
  app = express();
  app.use(express.json());
  app.use(passerellesRoutes({ engine: { referential: ref } }));
  app.use(unknownRoute);
  app.use(errorHandler);
  passerellesIndexes(ref); // build once, outside the per-test timeout
}, 60_000);

describe("GET /v1/metiers/:code/proximity", () => {
  it("ranks passerelles from a fiche, best first, without the fiche itself, with official mobilités flagged", async () => {
    const res = await request(app).get("/v1/metiers/m1805/proximity?topK=10").expect(200);
    const ps = res.body.passerelles as {
      code: string;
      score: { total: number; mcCoverage: number; coreCoverage: number };
      viability: string;
      officialMobilite: { listed: boolean; rang: number | null };
    }[];
    expect(res.body.source.code).toBe("M1805");
    expect(ps).toHaveLength(10);
    expect(ps.some((p) => p.code === "M1805")).toBe(false);
    for (let i = 1; i < ps.length; i++) expect(ps[i - 1]!.score.total).toBeGreaterThanOrEqual(ps[i]!.score.total);
    const official = new Map(ref.fiche("M1805")!.mobilites.map((m) => [m.cible, m.rang]));
    for (const p of ps) {
      expect(p.officialMobilite.listed).toBe(official.has(p.code));
      expect(p.officialMobilite.rang).toBe(official.get(p.code) ?? null);
      const v =
        p.score.mcCoverage >= VIABILITY.highlyViable.mcCoverage &&
        p.score.coreCoverage >= VIABILITY.highlyViable.coreCoverage
          ? "highly_viable"
          : p.score.mcCoverage >= VIABILITY.viable.mcCoverage
            ? "viable"
            : "stretch";
      expect(p.viability).toBe(v);
    }
    // A developer's closest métiers are IT ones, and ROME lists at least some of them.
    expect(ps.filter((p) => p.code.startsWith("M18")).length).toBeGreaterThanOrEqual(5);
    expect(ps.some((p) => p.officialMobilite.listed)).toBe(true);
  });

  it("reports gap items that belong to the target and not to the source, coeur de métier first", async () => {
    for (const source of ["M1805", "F1703", "J1506", "N4101"]) {
      const res = await request(app).get(`/v1/metiers/${source}/proximity?topK=15`).expect(200);
      const heldMcs = new Set(ref.ficheMacroCompetences(source).keys());
      const heldComps = new Set(ref.fiche(source)!.competences.map((c) => c.code));
      for (const p of res.body.passerelles as GapResult[]) checkGap(p, heldMcs, heldComps);
    }
  });

  it("is asymmetric: coverage of A by B differs from B by A", () => {
    const idx = passerellesIndexes(ref).proximity;
    const targets = idx.rank("M1805", 20).map((r) => r.code);
    expect(targets.some((t) => idx.score("M1805", t).mcCoverage !== idx.score(t, "M1805").mcCoverage)).toBe(true);
  });

  it("404s an unknown fiche with a clear message, 400s a malformed code or topK", async () => {
    const r404 = await request(app).get("/v1/metiers/M9999/proximity").expect(404);
    expect(r404.body.error.message).toMatch(/M9999.*does not exist/);
    const r400 = await request(app).get("/v1/metiers/developpeur/proximity").expect(400);
    expect(r400.body.error.code).toBe("invalid_request");
    await request(app).get("/v1/metiers/M1805/proximity?topK=0").expect(400);
    await request(app).get("/v1/metiers/M1805/proximity?topK=51").expect(400);
  });

  it("applies filters: no night work, transition écologique, grand domaine, cadre", async () => {
    const night = [...ref.contextes.values()].find((c) => c.libelle === "Travail de nuit")!.code;
    const res = await request(app).get(`/v1/metiers/N4101/proximity?topK=20&contextesExcluded=${night}`).expect(200);
    expect(res.body.passerelles.length).toBeGreaterThan(0);
    for (const p of res.body.passerelles) expect(ref.fiche(p.code)!.contextes).not.toContain(night);
    // Without the filter, some of N4101's (truck driver) neighbours do involve night work: the filter does something.
    const unfiltered = await request(app).get("/v1/metiers/N4101/proximity?topK=20").expect(200);
    expect(
      unfiltered.body.passerelles.some((p: { code: string }) => ref.fiche(p.code)!.contextes.includes(night)),
    ).toBe(true);

    const eco = await request(app)
      .get("/v1/metiers/F1703/proximity?topK=10&transitions=ecologique&grandDomaines=f,h&emploiCadre=false")
      .expect(200);
    for (const p of eco.body.passerelles) {
      const f = ref.fiche(p.code)!;
      expect(["Emploi Vert", "Emploi stratégique pour la Transition écologique"]).toContain(
        f.tags.transitionEcologique,
      );
      expect(["F", "H"]).toContain(f.grandDomaine.code);
      expect(f.tags.emploiCadre).not.toBe(true);
    }
  });

  it("400s contradictory or unknown filters, naming the problem", async () => {
    const night = [...ref.contextes.values()].find((c) => c.libelle === "Travail de nuit")!.code;
    const both = await request(app)
      .get(`/v1/metiers/M1805/proximity?contextesRequired=${night}&contextesExcluded=${night}`)
      .expect(400);
    expect(both.body.error.code).toBe("invalid_filter");
    expect(both.body.error.message).toMatch(/both required and excluded/);
    const unknown = await request(app).get("/v1/metiers/M1805/proximity?contextesExcluded=999999").expect(400);
    expect(unknown.body.error.message).toMatch(/999999/);
    await request(app).get("/v1/metiers/M1805/proximity?transitions=verte").expect(400);
    await request(app).get("/v1/metiers/M1805/proximity?grandDomaines=Z").expect(400);
    await request(app).get("/v1/metiers/M1805/proximity?emploiCadre=oui").expect(400);
  });
});

describe("POST /v1/profile/match", () => {
  const fullProfile = (code: string) => {
    const f = ref.fiche(code)!;
    return [...f.competences.map((c) => c.code), ...f.macroCompetences.map((c) => c.code)];
  };

  it("says there is nothing to match for an empty profile, and never invents a score", async () => {
    const empty = await request(app).post("/v1/profile/match").send({}).expect(400);
    expect(empty.body.error.code).toBe("empty_profile");
    expect(empty.body.error.message).toMatch(/nothing to match/);
    await request(app)
      .post("/v1/profile/match")
      .send({ competences: [], labels: ["   "] })
      .expect(400);
    const noise = await request(app)
      .post("/v1/profile/match")
      .send({ labels: ["xqzw plorbt"] })
      .expect(200);
    expect(noise.body.status).toBe("nothing_to_match");
    expect(noise.body.message).toMatch(/nothing to match/);
    expect(noise.body.accessibleNow).toEqual([]);
    expect(noise.body.accessibleWithTraining).toEqual([]);
    expect(noise.body.resolution.unresolved[0].input).toBe("xqzw plorbt");
  });

  it("404s unknown codes and 400s codes of the wrong kind or oversize profiles", async () => {
    const r = await request(app)
      .post("/v1/profile/match")
      .send({ competences: ["100023", "987654321"] })
      .expect(404);
    expect(r.body.error.message).toMatch(/987654321/);
    const night = [...ref.contextes.values()].find((c) => c.libelle === "Travail de nuit")!.code;
    const k = await request(app)
      .post("/v1/profile/match")
      .send({ competences: [night] })
      .expect(400);
    expect(k.body.error.message).toMatch(/contexte/);
    await request(app)
      .post("/v1/profile/match")
      .send({ competences: Array.from({ length: 201 }, () => "100023") })
      .expect(400);
    await request(app)
      .post("/v1/profile/match")
      .send({ competences: ["100023"], topK: 100 })
      .expect(400);
    await request(app)
      .post("/v1/profile/match")
      .send({ competences: ["100023"], extra: 1 })
      .expect(400);
  });

  it("finds a fiche as accessible now from its full profile, with gaps that are the target's", async () => {
    const codes = fullProfile("M1805");
    const res = await request(app).post("/v1/profile/match").send({ competences: codes, topK: 50 }).expect(200);
    expect(res.body.status).toBe("ok");
    const now = res.body.accessibleNow as { code: string; score: { mcCoverage: number; coreCoverage: number } }[];
    const self = now.find((m) => m.code === "M1805");
    expect(self?.score.mcCoverage).toBe(1);
    for (const m of now) {
      expect(m.score.coreCoverage).toBeGreaterThanOrEqual(ACCESS_RULE.now.coreCoverage);
      expect(m.score.mcCoverage).toBeGreaterThanOrEqual(ACCESS_RULE.now.mcCoverage);
      expect(ref.fiche(m.code)!.tags.emploiReglemente).not.toBe(true);
    }
    for (const m of res.body.accessibleWithTraining as { score: { mcCoverage: number; coreCoverage: number } }[])
      expect(
        m.score.mcCoverage >= ACCESS_RULE.training.mcCoverage ||
          m.score.coreCoverage >= ACCESS_RULE.training.coreCoverage,
      ).toBe(true);
    const heldComps = new Set(codes.filter((c) => ref.competences.has(c)));
    const heldMcs = new Set([
      ...codes.filter((c) => ref.macroCompetences.has(c)),
      ...[...heldComps].map((c) => ref.competences.get(c)!.macroCompetence),
    ]);
    for (const m of [...res.body.accessibleNow, ...res.body.accessibleWithTraining] as GapResult[])
      checkGap(m, heldMcs, heldComps);
  });

  it("shows the profile's own fiche under the learned ranker, as often as by coverage only (fiche-derived profiles)", () => {
    // Half a fiche's compétences: a worker of that fiche. The fiche → fiche model alone ranked hubs (high in-degree)
    // above a little-linked fiche such as these split children, e.g. A1441 at 19th of its list.
    const matcher = new ProfileMatcher(ref);
    expect(matcher.defaultRanker).toBe("learned");
    const half = (code: string) =>
      ref
        .fiche(code)!
        .competences.filter((_, j) => j % 2 === 0)
        .map((c) => c.code);
    const shown = (code: string, ranker: "learned" | "fixed", extra: string[] = []) => {
      const m = matcher.match({ codes: [...half(code), ...extra], labels: [] }, { topK: 10, ranker });
      return [...m.accessibleNow, ...m.accessibleWithTraining].some((x) => x.code === code);
    };
    for (const code of ["A1311", "A1441", "A1442", "A1212"]) expect(shown(code, "learned"), code).toBe(true);
    // Every fiche, with two compétences of another as noise (the bench's profiles): not fewer than by coverage.
    const codes = [...ref.fiches.keys()].sort();
    const count = (ranker: "learned" | "fixed") =>
      codes.filter((c, i) => {
        const other = ref.fiche(codes[(i + 7) % codes.length]!)!.competences.slice(0, 2);
        return shown(
          c,
          ranker,
          other.map((x) => x.code),
        );
      }).length;
    expect(count("learned")).toBeGreaterThanOrEqual(count("fixed"));
  });

  it("never calls an emploi réglementé accessible now", async () => {
    const regulated = [...ref.fiches.values()].find(
      (f) => f.tags.emploiReglemente === true && f.competences.length > 5,
    )!;
    const res = await request(app)
      .post("/v1/profile/match")
      .send({ competences: fullProfile(regulated.code), topK: 50 })
      .expect(200);
    expect(res.body.accessibleNow.some((m: { code: string }) => m.code === regulated.code)).toBe(false);
    const t = (res.body.accessibleWithTraining as { code: string; reason: string }[]).find(
      (m) => m.code === regulated.code,
    );
    expect(t?.reason).toMatch(/réglementé/);
  });

  it("resolves free-text labels (exact and with a typo) and shows what it resolved", async () => {
    const res = await request(app)
      .post("/v1/profile/match")
      .send({ labels: ["coder", "concevoir une aplication web", "xqzw plorbt"] })
      .expect(200);
    const resolved = res.body.resolution.resolved as { input: string; code: string; via: string; libelle: string }[];
    expect(resolved.find((r) => r.input === "coder")).toMatchObject({ via: "exact-label", libelle: "Coder" });
    const web = resolved.find((r) => r.input === "concevoir une aplication web");
    expect(web?.libelle).toBe("Concevoir une application web");
    expect(res.body.resolution.unresolved.map((u: { input: string }) => u.input)).toEqual(["xqzw plorbt"]);
    // Two compétences are too little for any métier's access bar: the answer says so instead of ranking noise.
    expect(res.body.status).toBe("ok");
    expect(res.body.accessibleNow.length + res.body.accessibleWithTraining.length).toBe(0);
    expect(res.body.belowThreshold).toBeGreaterThan(0);
    expect(res.body.message).toMatch(/no métier reaches/);
    // With the rest of a developer's coeur de métier, developer métiers become reachable.
    const more = await request(app)
      .post("/v1/profile/match")
      .send({
        labels: ["coder", "concevoir une aplication web"],
        competences: ref
          .fiche("M1805")!
          .competences.filter((c) => c.coeurMetier === "principale")
          .map((c) => c.code),
      })
      .expect(200);
    expect(
      [...more.body.accessibleNow, ...more.body.accessibleWithTraining].some(
        (m: { code: string }) => m.code === "M1805",
      ),
    ).toBe(true);
  });

  it("applies body filters and 400s contradictory ones", async () => {
    const night = [...ref.contextes.values()].find((c) => c.libelle === "Travail de nuit")!.code;
    const res = await request(app)
      .post("/v1/profile/match")
      .send({ competences: fullProfile("J1506"), topK: 30, filters: { contextesExcluded: [night] } })
      .expect(200);
    for (const m of [...res.body.accessibleNow, ...res.body.accessibleWithTraining])
      expect(ref.fiche(m.code)!.contextes).not.toContain(night);
    const bad = await request(app)
      .post("/v1/profile/match")
      .send({ competences: ["100023"], filters: { contextesRequired: [night], contextesExcluded: [night] } })
      .expect(400);
    expect(bad.body.error.code).toBe("invalid_filter");
  });
});

describe("OpenAPI", () => {
  it("documents both routes with their parameters", () => {
    const doc = openApiDocument(ref.version);
    expect(doc.paths["/v1/metiers/{code}/proximity"]?.get).toBeDefined();
    expect(doc.paths["/v1/profile/match"]?.post).toBeDefined();
    const params = (
      doc.paths["/v1/metiers/{code}/proximity"]!.get as { parameters: { name: string }[] }
    ).parameters.map((p) => p.name);
    expect(params).toEqual(
      expect.arrayContaining(["code", "topK", "contextesExcluded", "transitions", "grandDomaines"]),
    );
  });
});

describe("pair features", () => {
  it("reads the entry level and route from 'accès au métier' texts", () => {
    expect(entryLevel("Cet emploi est accessible avec un diplôme de niveau Bac+5 en management.")).toBe(7);
    expect(entryLevel("Cet emploi est accessible avec un diplôme de niveau CAP à Bac +2 en couture.")).toBe(3);
    expect(entryLevel("Cet emploi est accessible sans diplôme ou expérience.")).toBe(0);
    expect(entryLevel("Un BTS ou un DUT est demandé.")).toBe(5);
    expect(entryLevel("L'exercice requiert une autorisation préfectorale.")).toBeNull();
    expect(openEntry("Le DEAES peut aussi être accessible via la Validation des Acquis par l''Expérience (VAE).")).toBe(
      true,
    );
    expect(openEntry("Cet emploi est accessible avec un Bac+5.")).toBe(false);
    expect(levelGap(3, 7)).toEqual({ up: 1, down: 0 });
    expect(levelGap(6, 4)).toEqual({ up: 0, down: 0.5 });
    expect(levelGap(null, 4)).toEqual({ up: 0, down: 0 });
  });

  it("compares code sets, RIASEC and the split hierarchy on real fiches", () => {
    expect(jaccard(["a", "b"], ["b", "c"])).toBeCloseTo(1 / 3);
    expect(jaccard([], ["a"])).toBe(0);
    const soudeur = ref.fiche("H2913")!;
    const tig = ref.fiche("H2916")!;
    const mig = ref.fiche("H2917")!;
    expect(tig.parent).toBe("H2913");
    expect(parentOrChild(soudeur, tig)).toBe(1);
    expect(parentOrChild(tig, soudeur)).toBe(1);
    expect(splitSibling(tig, mig)).toBe(1);
    expect(splitSibling(soudeur, tig)).toBe(0);
    expect(soudeur.riasec?.majeur).toMatch(/^[RIASEC]$/);
    expect(riasecShared(soudeur, soudeur)).toBe(1);
    expect(soudeur.secteursActivite.length + soudeur.centresInteret.length).toBeGreaterThan(0);
  });

  it("computes every feature of source → all fiches: finite, 0 on the source itself, coverage in [0, 1], reverse = other way", () => {
    const idx = new ProximityIndex(ref, undefined, null);
    const col = (cols: Float64Array[], k: PairFeature) => cols[PAIR_FEATURES.indexOf(k)]!;
    for (const source of ["M1805", "H2913", "J1506"]) {
      const cols = idx.featureColumns(source);
      expect(cols).toHaveLength(PAIR_FEATURES.length);
      const s = idx.position(source)!;
      for (const c of cols) {
        expect(c.every(Number.isFinite)).toBe(true);
        expect(c[s]).toBe(0);
      }
      for (const k of [...COVERAGE_FEATURES, "contextesShared"] as const)
        expect(col(cols, k).every((x) => x >= 0 && x <= 1 + 1e-9)).toBe(true);
      for (const target of idx.rank(source, 5, undefined, "fixed").map((r) => r.code)) {
        const t = idx.position(target)!;
        const pair = idx.score(source, target);
        expect(col(cols, "mcCoverage")[t]).toBeCloseTo(pair.mcCoverage, 3);
        expect(col(cols, "coreCoverage")[t]).toBeCloseTo(pair.coreCoverage, 3);
        // How much of the source the target uses is the target → source coverage.
        expect(col(cols, "reverseMcCoverage")[t]).toBeCloseTo(
          idx.featureColumns(target)[PAIR_FEATURES.indexOf("mcCoverage")]![s]!,
          9,
        );
        expect(col(cols, "riasecShared")[t]).toBeCloseTo(riasecShared(ref.fiche(source)!, ref.fiche(target)!), 9);
        expect(col(cols, "sameDomainePro")[t]).toBe(
          Number(ref.fiche(source)!.domaineProfessionnel.code === ref.fiche(target)!.domaineProfessionnel.code),
        );
      }
    }
  });

  it("reads the pair features from its typed-array table with the values of the pair functions, for every target", () => {
    const idx = new ProximityIndex(ref, undefined, null);
    const col = (cols: Float64Array[], k: PairFeature) => cols[PAIR_FEATURES.indexOf(k)]!;
    // A split child, a fiche with RIASEC and levels, a cadre fiche and a regulated one.
    for (const source of ["M1805", "H2913", "J1506", "K2111", idx.codes.find((c) => ref.fiche(c)!.parent !== c)!]) {
      const S = ref.fiche(source)!;
      const cols = idx.featureColumns(source);
      idx.codes.forEach((target, t) => {
        if (target === source) return;
        const T = ref.fiche(target)!;
        const gap = levelGap(entryLevel(S.accesMetier), entryLevel(T.accesMetier));
        const expected: Partial<Record<PairFeature, number>> = {
          sameGrandDomaine: Number(S.grandDomaine.code === T.grandDomaine.code),
          riasecShared: riasecShared(S, T),
          targetCadre: Number(T.tags.emploiCadre === true),
          reglementeUp: Number(T.tags.emploiReglemente === true && S.tags.emploiReglemente !== true),
          levelUp: gap.up,
          levelDown: gap.down,
          targetOpenEntry: Number(openEntry(T.accesMetier)),
          splitSibling: splitSibling(S, T),
          parentOrChild: parentOrChild(S, T),
          secteursShared: jaccard(S.secteursActivite, T.secteursActivite),
        };
        for (const [k, v] of Object.entries(expected) as [PairFeature, number][])
          expect(col(cols, k)[t], `${source} → ${target} ${k}`).toBeCloseTo(v, 12);
      });
      expect(col(cols, "parentOrChild").some((x) => x === 1) || S.parent === S.code).toBe(true);
    }
  });

  it("never reads the source's own mobilités: its graph features are the same with or without them (no leak)", () => {
    const idx = new ProximityIndex(ref, undefined, null);
    const edges = officialEdges(idx);
    const graphFeatures: PairFeature[] = [
      "targetInDegree",
      "reverseMobilite",
      "coCited",
      "coCitedAdamicAdar",
      "similarSourcesGo",
      "similarSourcesGoMax",
      "neighboursGo",
      "reverseNeighboursGo",
      "inNeighboursGo",
      "familyGo",
      "domaineFlow",
      "neighboursGoNear",
      "neighboursWalk",
      "neighboursGoLearned",
    ];
    // The learned similarity of neighboursGoLearned, as fitted on these edges (a model's `neighbourMetric`).
    const metric = fitNeighbourMetric(idx, idx.graphOf(edges), { ...DEFAULT_METRIC_FIT, epochs: 20 });
    for (const source of ["H2913", "M1805", "K2111"]) {
      expect(ref.fiche(source)!.mobilites.length).toBeGreaterThan(0);
      const withOwn = idx.featureColumns(source, idx.graphOf(edges), [], false, undefined, metric);
      const without = idx.featureColumns(
        source,
        idx.graphOf(edges.filter(([a]) => a !== source)),
        [],
        false,
        undefined,
        metric,
      );
      // The learned vote is a share of the look-alikes' mass: some fiche gets it, none more than all of it.
      const learned = withOwn[PAIR_FEATURES.indexOf("neighboursGoLearned")]!;
      expect(Math.max(...learned)).toBeGreaterThan(0);
      expect(Math.max(...learned)).toBeLessThanOrEqual(1 + 1e-9);
      for (const k of graphFeatures)
        expect([...withOwn[PAIR_FEATURES.indexOf(k)]!]).toEqual([...without[PAIR_FEATURES.indexOf(k)]!]);
      // …and the graph does matter: the in-degree is ROME's, minus the source's own edge.
      const t = ref.fiche(source)!.mobilites[0]!.cible;
      const inDeg = edges.filter(([a, b]) => b === t && a !== source).length;
      expect(withOwn[PAIR_FEATURES.indexOf("targetInDegree")]![idx.position(t)!]).toBeCloseTo(Math.log1p(inDeg), 9);
    }
    // Cross-validation folds: every source in exactly one fold, balanced.
    const folds = sourceFolds(idx.codes, 5);
    const sizes = [0, 1, 2, 3, 4].map((f) => [...folds.values()].filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sourceFolds(idx.codes, 5)).toEqual(folds);
  });

  it("reranks a shortlist by the second-stage model, keeping exactly the shortlisted fiches", () => {
    const idx = new ProximityIndex(ref, undefined, null);
    const s = idx.position("M1805")!;
    const cols = idx.featureColumns("M1805");
    const first = scoreColumns(cols, FIXED_BLEND_MODEL);
    const shortlist = topPositions(first, 20, s);
    const model = { ...FIXED_BLEND_MODEL, rerank: { depth: 20, weights: { titleSim: 1 }, interactions: [] } };
    const keys = rankingScores(cols, model, s);
    const ranked = topPositions(keys, 30, s);
    expect([...ranked.slice(0, 20)].sort()).toEqual([...shortlist].sort());
    const title = cols[PAIR_FEATURES.indexOf("titleSim")]!;
    for (let i = 1; i < 20; i++) expect(title[ranked[i - 1]!]).toBeGreaterThanOrEqual(title[ranked[i]!]!);
    expect(ranked.slice(0, 20)).not.toEqual(shortlist);
    // Below the shortlist, the first stage's order; the key maps back to the stage's score.
    expect(ranked.slice(20)).toEqual(topPositions(first, 30, s).slice(20));
    expect(stageScore(keys[ranked[0]!]!)).toBeCloseTo(title[ranked[0]!]!, 9);
  });

  it("serves the same ranking from the columns its model reads as from every column", () => {
    const model = loadPasserellesModel();
    const idx = new ProximityIndex(ref, undefined, model);
    for (const source of idx.codes.filter((_, i) => i % 40 === 0)) {
      const s = idx.position(source)!;
      const full = topPositions(rankingScores(idx.featureColumns(source), model, s), 10, s);
      expect(idx.rank(source, 10).map((r) => r.code)).toEqual(full.map((i) => idx.codes[i]));
    }
  });

  it("counts the graph on the edges it is given only", () => {
    const g = new MobiliteGraph(4, [
      [0, 1],
      [2, 1],
      [1, 3],
      [0, 1],
      [3, 3],
    ]);
    expect(g.edges).toBe(3);
    expect([...g.inDegree]).toEqual([0, 2, 0, 1]);
    expect(g.has(1, 3) && !g.has(3, 1)).toBe(true);
  });
});

describe("learned ranker", () => {
  it("fits several right candidates per list: the feature that marks them gets the weight", () => {
    // Two features: the first marks the golds, the second is noise.
    const lists = Array.from({ length: 20 }, (_, k) => {
      const rows = 10;
      const x = new Float32Array(rows * 2);
      for (let r = 0; r < rows; r++) ((x[r * 2] = r < 2 ? 1 : 0), (x[r * 2 + 1] = ((r * 7 + k) % 5) / 5));
      return { x, rows, golds: [0, 1] };
    });
    const w = fitListwiseSets(lists, 2, { epochs: 200 });
    expect(w[0]).toBeGreaterThan(2);
    expect(Math.abs(w[1]!)).toBeLessThan(w[0]! / 4);
    expect(fitPasserelles([], FEATURE_SETS.all!).weights.mcCoverage).toBe(0);
  });

  it("loads the bundled model (fit metadata, known features) and rejects malformed files", () => {
    const m = loadPasserellesModel();
    expect(m.kind).toBe("passerelles-ranker");
    expect(m.fit.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.fit.crossValidated.learned.recallAt10).toBeGreaterThan(m.fit.crossValidated.fixedBlend.recallAt10);
    for (const k of Object.keys(m.weights)) expect(PAIR_FEATURES).toContain(k);
    const good = JSON.stringify(m);
    expect(parseModel(good)).toEqual(m);
    expect(() => parseModel("{not json", "x.json")).toThrow(ModelFileError);
    expect(() => parseModel(JSON.stringify({ ...m, weights: { ...m.weights, shoeSize: 1 } }), "x.json")).toThrow(
      /x\.json: weights/,
    );
    expect(() => parseModel(JSON.stringify({ ...m, weights: { mcCoverage: "high" } }))).toThrow(ModelFileError);
    expect(() => parseModel(JSON.stringify({ ...m, fit: undefined }))).toThrow(/fit/);
    // The learned similarity weighs pair parts only: a graph feature in it would read the graph to find neighbours.
    expect(parseModel(JSON.stringify({ ...m, neighbourMetric: { mcCoverage: 2 } })).neighbourMetric).toEqual({
      mcCoverage: 2,
    });
    expect(() => parseModel(JSON.stringify({ ...m, neighbourMetric: { targetInDegree: 1 } }))).toThrow(
      /neighbourMetric/,
    );
    expect(() => parseModel(JSON.stringify({ ...m, interactions: [["mcCoverage", "nope", 1]] }))).toThrow(
      ModelFileError,
    );
    expect(() => loadPasserellesModel("/nonexistent/passerelles.json")).toThrow(/missing/);
    // The second stage: validated like the first, with a positive shortlist depth.
    const second = { depth: 50, weights: { titleSim: 1 }, interactions: [] };
    expect(parseModel(JSON.stringify({ ...m, rerank: second })).rerank).toEqual(second);
    expect(() => parseModel(JSON.stringify({ ...m, rerank: { ...second, depth: 0 } }), "x.json")).toThrow(/rerank/);
    expect(() => parseModel(JSON.stringify({ ...m, rerank: { ...second, weights: { nope: 1 } } }))).toThrow(
      ModelFileError,
    );
  });

  it("explains each passerelle: reasons with their kind (career patterns apart from shared skills), coeur first in the gap", async () => {
    const res = await request(app).get("/v1/metiers/H2913/proximity?topK=10").expect(200);
    expect(res.body.ranker).toBe("learned");
    const ps = res.body.passerelles as (GapResult & {
      reasons: { kind: string; reason: string; contribution: number; text: string }[];
      officialMobilite: { listed: boolean };
    })[];
    const heldMcs = new Set(ref.ficheMacroCompetences("H2913").keys());
    const heldComps = new Set(ref.fiche("H2913")!.competences.map((c) => c.code));
    for (const p of ps) {
      checkGap(p, heldMcs, heldComps);
      expect(p.reasons.length).toBeGreaterThan(0);
      for (let i = 1; i < p.reasons.length; i++)
        expect(p.reasons[i - 1]!.contribution).toBeGreaterThanOrEqual(p.reasons[i]!.contribution);
      for (const r of p.reasons) {
        expect(["shared_skills", "career_pattern", "work_context"]).toContain(r.kind);
        expect(r.text.length).toBeGreaterThan(10);
      }
    }
    expect(ps.some((p) => p.reasons.some((r) => r.kind === "career_pattern"))).toBe(true);
    expect(ps.some((p) => p.reasons.some((r) => r.kind === "shared_skills"))).toBe(true);
    // The example: from Soudeur, the official mobilité Métallier (H2911) is among the first ten.
    expect(ps.map((p) => p.code)).toContain("H2911");
    const official = ps.filter((p) => p.officialMobilite.listed).length;
    const fixed = await request(app).get("/v1/metiers/H2913/proximity?topK=10&ranker=fixed").expect(200);
    expect(fixed.body.ranker).toBe("fixed");
    expect(official).toBeGreaterThanOrEqual(
      fixed.body.passerelles.filter((p: { officialMobilite: { listed: boolean } }) => p.officialMobilite.listed).length,
    );
    for (const p of fixed.body.passerelles as { reasons: { kind: string }[] }[])
      for (const r of p.reasons) expect(r.kind).toBe("shared_skills");
    await request(app).get("/v1/metiers/H2913/proximity?ranker=magic").expect(400);
  });
});
