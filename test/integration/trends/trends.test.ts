import express from "express";
import request from "supertest";
import seedrandom from "seedrandom";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../../src/api/app.js";
import { createAuth } from "../../../src/api/auth.js";
import { errorHandler } from "../../../src/api/errors.js";
import { trendsRoutes } from "../../../src/api/routes/trends.js";
import { loadConfig } from "../../../src/config.js";
import { TransformersEmbedder } from "../../../src/embed/index.js";
import { createCoverageChecker } from "../../../src/match/uncovered.js";
import { loadReferential, type Referential } from "../../../src/rome/index.js";
import { segment } from "../../../src/text/index.js";
import {
  analyzeTrends,
  benjaminiHochberg,
  binomialUpperTail,
  buildProposal,
  compareRates,
  createPhraseAttacher,
  findBoilerplate,
  offerToTrendDocument,
  periodOf,
  rankScore,
  termhoodOf,
  trendOptions,
  wellFormedPhrase,
  type PhraseAttacher,
  type TrendDocument,
  type TrendReport,
} from "../../../src/trends/index.js";
import { compareRatesStratified } from "../../../src/trends/stats.js";
import { topByDot } from "../../../src/trends/attach.js";

describe("phrase quality and ranking", () => {
  it("keeps well-formed phrases, drops split words, times and entities", () => {
    expect(wellFormedPhrase("sen servic client")).toBe(true);
    expect(wellFormedPhrase("prompt")).toBe(true);
    for (const k of ["st", "ca", "12h", "#039", "reactif ve", "bac 3"]) expect(wellFormedPhrase(k)).toBe(false);
  });

  it("ranks by termhood × (salience + trend), a model-unknown phrase at the neutral termhood", () => {
    const s = { salience: 4, trendScore: 1 };
    expect(rankScore(s, termhoodOf(0.8))).toBeCloseTo(4, 9);
    expect(rankScore(s, termhoodOf(0))).toBeCloseTo(2.5, 9);
    expect(rankScore(s, termhoodOf(1.2))).toBeCloseTo(5, 9);
    // Worded like ROME beats market wording of the same spread.
    expect(rankScore(s, termhoodOf(0.9))).toBeGreaterThan(rankScore(s, termhoodOf(0.4)));
  });

  it("finds the nearest rows like a full sort", () => {
    const rnd = seedrandom("3");
    const rows = Array.from({ length: 500 }, () => Float32Array.from({ length: 8 }, () => rnd() - 0.5));
    const v = Float32Array.from({ length: 8 }, () => rnd() - 0.5);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((acc, x, i) => acc + x * b[i]!, 0);
    const full = rows
      .map((r, j) => [dot(v, r), j] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 20);
    const got = topByDot(v, rows, 20);
    expect(got.map(([, j]) => j)).toEqual(full.map(([, j]) => j));
    for (const [k, [sim]] of got.entries()) expect(sim).toBeCloseTo(full[k]![0], 5);
  });
});

describe("trend statistics", () => {
  it("binomial upper tail matches exact values", () => {
    expect(binomialUpperTail(5, 10, 0.5)).toBeCloseTo(0.623046875, 8);
    expect(binomialUpperTail(10, 10, 0.5)).toBeCloseTo(1 / 1024, 10);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    // Normal branch agrees with the exact sum near the switch.
    expect(binomialUpperTail(1100, 2001, 0.5)).toBeCloseTo(binomialUpperTail(550, 1000, 0.5), 1);
  });

  it("Benjamini–Hochberg adjusts in input order and is monotone", () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    expect(q[0]).toBeCloseTo(0.04, 10);
    expect(q[1]).toBeCloseTo((0.04 * 4) / 3, 10);
    expect(q[2]).toBeCloseTo((0.04 * 4) / 3, 10);
    expect(q[3]).toBeCloseTo(0.2, 10);
  });

  it("a phrase seen 3 times cannot look emerging; a large steady rise can", () => {
    const few = compareRates(0, 1000, 3, 1000, 0.01, "up");
    expect(few.rateRatioBound).toBeLessThan(1.5);
    const many = compareRates(20, 1000, 120, 1000, 0.01, "up");
    expect(many.pValue).toBeLessThan(1e-10);
    expect(many.rateRatioBound).toBeGreaterThan(3);
    const stable = compareRates(100, 1000, 104, 1000, 0.01, "up");
    expect(stable.growthScore).toBe(0);
  });

  it("stratification removes a rise that only comes from a change of job mix", () => {
    // 10% of IT offers and 1% of sales offers use the phrase, before and after; IT offers go from 10% to 60%.
    const strata = [
      { x: 60, y: 10, n1: 600, n0: 100 },
      { x: 4, y: 9, n1: 400, n0: 900 },
    ];
    const pooled = compareRates(19, 1000, 64, 1000, 0.01, "up");
    expect(pooled.rateRatioBound).toBeGreaterThan(1.5);
    const within = compareRatesStratified(strata, 0.01, "up");
    expect(within.rateRatioBound).toBeLessThan(1);
    expect(within.growthScore).toBe(0);
  });

  it("labels ISO weeks and months", () => {
    expect(periodOf(new Date("2025-01-01T10:00:00Z"), "week")).toBe("2025-W01");
    expect(periodOf(new Date("2024-12-30T10:00:00Z"), "week")).toBe("2025-W01");
    expect(periodOf(new Date("2025-03-31T23:00:00Z"), "month")).toBe("2025-03");
  });
});

const INJECTED = "Maîtrise de la comptabilité carbone et des bilans d'émissions.";
const CV_MARKER = "Jean-Baptiste Quenouille";
const FILLER = [
  "Accueil et conseil des clients en magasin.",
  "Gestion des stocks et des commandes fournisseurs.",
  "Saisie des écritures comptables et rapprochements bancaires.",
  "Animation de sessions de formation pour adultes.",
  "Participation aux inventaires trimestriels.",
  "Rédaction de rapports d'activité mensuels.",
];

/**
 * 12 months × 80 offers over three métiers and four sources: filler sentences, two stable uncovered phrases
 * ("esprit startup" ~30%, "cuisine végétale" ~15%), a made-up skill ("comptabilité carbone") rising from 1% to
 * 45% of accountant offers, a rare phrase seen 3 times, and a rising phrase that only one source uses.
 */
function syntheticDocuments(ref: Referential): TrendDocument[] {
  const checker = createCoverageChecker(ref);
  const rnd = seedrandom("7"); // the synthetic corpus is the same on every run
  const metiers = ["M1203", "D1106", "K2111"];
  const raw: { id: string; source: string; date: Date; title: string; description: string; metiers: string[] }[] = [];
  let n = 0;
  for (let m = 0; m < 12; m++) {
    for (let i = 0; i < 80; i++) {
      const metier = metiers[i % 3]!;
      const source = `board-${(i + m) % 4}`;
      const lines = [FILLER[Math.floor(rnd() * FILLER.length)]!, FILLER[Math.floor(rnd() * FILLER.length)]!];
      if (rnd() < 0.3) lines.push("Vous avez un véritable esprit startup.");
      if (rnd() < 0.15) lines.push("Une pratique de la cuisine végétale est appréciée.");
      // The injected skill is rare for six months, then spreads (a clear emergence, whatever the random stream).
      if (metier === "M1203" && rnd() < (m < 6 ? 0.01 : 0.15 + (0.3 * (m - 6)) / 5)) lines.push(INJECTED);
      if (source === "board-0" && m >= 6 && rnd() < 0.6) lines.push("Connaissance de la plateforme xyzzyplus.");
      if (m === 11 && i < 3) lines.push("Usage du logiciel zorglub.");
      raw.push({
        id: `o${n++}`,
        source,
        date: new Date(Date.UTC(2025, m, 1 + Math.floor(rnd() * 27))),
        title: ref.fiche(metier)!.libelle,
        description: lines.join("\n"),
        metiers: [metier],
      });
    }
  }
  const boilerplate = findBoilerplate(raw.map((r) => `${r.title}\n${r.description}`));
  const docs = raw.map((r) => offerToTrendDocument(r, checker, boilerplate));
  // CVs mention the skill too; their text must never surface, even if a caller wrongly passes it.
  for (let m = 6; m < 12; m++) {
    const text = `${CV_MARKER}\n${INJECTED}`;
    docs.push({
      id: `cv${m}`,
      kind: "cv",
      source: "cv-upload",
      documentDate: new Date(Date.UTC(2025, m, 15)),
      metiers: ["M1203"],
      competences: [],
      phrases: checker(segment(text), []).map((p) => p.key),
      text,
    });
  }
  return docs;
}

describe("emerging compétences on synthetic dated offers", () => {
  let ref: Referential;
  let attacher: PhraseAttacher;
  let embedder: TransformersEmbedder;
  let docs: TrendDocument[];
  let report: TrendReport;
  let injectedKey: string;
  /** Both phrases of the injected sentence ("comptabilité carbone", "bilans d'émissions"): either may lead. */
  let injectedKeys: string[];

  beforeAll(async () => {
    const config = loadConfig();
    ref = loadReferential(config.romeDir);
    embedder = await TransformersEmbedder.load({ modelDir: config.modelDir });
    attacher = await createPhraseAttacher(ref, embedder);
    docs = syntheticDocuments(ref);
    injectedKey = createCoverageChecker(ref)(segment("comptabilité carbone"), [])[0]!.key;
    injectedKeys = [injectedKey, createCoverageChecker(ref)(segment("bilans d'émissions"), [])[0]!.key];
    report = await analyzeTrends(() => docs, trendOptions({ minSupport: 15 }), { referential: ref, attacher });
  });

  it("finds the injected skill, ranks it first and attaches it to the right MC", () => {
    expect(report.status).toBe("ok");
    const first = report.emerging[0]!;
    expect(injectedKeys).toContain(first.key);
    const carbone = report.emerging.find((e) => e.key === injectedKey)!;
    expect(carbone.label).toBe("comptabilite carbone");
    // MC 402008 "Réduire l'empreinte environnementale de son activité".
    expect(carbone.attachment.macroCompetence?.code).toBe("402008");
    expect(first.metiers[0]?.code).toBe("M1203");
    expect(first.figures.recent).toBeGreaterThan(first.figures.baseline * 3);
    expect(first.figures.qValue).toBeLessThan(0.01);
  });

  it("never calls stable phrases rising, and does not flag rare or single-source phrases", () => {
    const keys = report.emerging.map((e) => e.key).join(" | ");
    expect(keys).not.toMatch(/zorglub|xyzzyplus/);
    // Stable phrases used in every métier and source may be flagged as widespread, never as rising.
    for (const e of report.emerging.filter((x) => /startup|vegetal/.test(x.key))) {
      expect(e.salience.rising).toBe(false);
      expect(e.salience.widespread).toBe(true);
    }
    expect(report.emerging[0]!.salience.rising).toBe(true);
    expect(report.tested).toBeGreaterThan(3);
  });

  it("gives a chart-ready monthly series and offer-only evidence", () => {
    const first = report.emerging[0]!;
    expect(first.series.map((p) => p.period)).toEqual(
      Array.from({ length: 12 }, (_, m) => `2025-${String(m + 1).padStart(2, "0")}`),
    );
    expect(first.series.reduce((s, p) => s + p.count, 0)).toBe(first.figures.support);
    expect(first.evidence.length).toBeGreaterThan(0);
    for (const e of first.evidence) {
      expect(e.documentId.startsWith("o")).toBe(true);
      expect(e.snippet.toLowerCase()).toContain("comptabilité carbone");
    }
    expect(JSON.stringify(report)).not.toContain(CV_MARKER);
  });

  it("exports a ROME evolution proposal", () => {
    const p = buildProposal(report, injectedKey, ref)!;
    expect(p.proposal.underMacroCompetence?.code).toBe("402008");
    expect(p.proposal.toFiches[0]?.code).toBe("M1203");
    expect(p.evidence.figures.support).toBe(report.emerging.find((e) => e.key === injectedKey)!.figures.support);
    expect(buildProposal(report, "no such phrase", ref)).toBeNull();
  });

  it("takes no phrase from headings or the sections skill extraction skips (benefits, company)", () => {
    const checker = createCoverageChecker(ref);
    const description =
      "Votre profil :\nMaîtrise de la comptabilité carbone.\nAvantages :\nTickets restaurant, mutuelle et prime de vacances.\nL'entreprise :\nUne équipe à taille humaine.";
    const d = offerToTrendDocument(
      { id: "x", source: "s", date: new Date("2025-01-01"), title: "Comptable", description, metiers: ["M1203"] },
      checker,
    );
    expect(d.phrases).toContain(injectedKey);
    expect(d.phrases.some((k) => /vacanc|mutuel|taill|human|profil/.test(k))).toBe(false);
  });

  it("keeps phrases inside skill evidence and marks those said in a statement naming a ROME item", () => {
    const checker = createCoverageChecker(ref);
    const description = "Gestion de projet, comptabilité carbone.\nRelever un nouveau challenge zorglub.";
    const title = "Comptable";
    const start = title.length + 1;
    const input = { id: "x", source: "s", date: new Date("2025-01-01"), title, description, metiers: ["M1203"] };
    // Extraction read the whole first line as an item: its unread words are still phrases ROME does not say.
    const d = offerToTrendDocument(
      { ...input, skills: [{ code: "100000", evidence: [{ start, end: start + description.indexOf("\n") }] }] },
      checker,
    );
    expect(d.phrases).toContain(injectedKey);
    expect(d.statedPhrases).toContain(injectedKey);
    const challenge = d.phrases.filter((k) => /zorglub/.test(k));
    expect(challenge.length).toBeGreaterThan(0);
    expect(d.statedPhrases!.some((k) => /zorglub/.test(k))).toBe(false);
    // Without skills the document tells nothing of statements.
    expect(offerToTrendDocument(input, checker).statedPhrases).toBeUndefined();
  });

  it("coverage checker keeps new phrases, drops ROME wording, evidence spans and noise", () => {
    const checker = createCoverageChecker(ref);
    const text = "Maîtrise de la comptabilité carbone.\nGestion de projet.\nTickets restaurant et RTT.";
    const keys = checker(segment(text), []).map((p) => p.key);
    expect(keys).toContain(injectedKey);
    expect(keys).not.toContain("gestion projet");
    expect(keys.some((k) => /rtt|ticket/.test(k))).toBe(false);
    expect(checker(segment(text), [{ start: 0, end: text.length }])).toEqual([]);
    const long = Array.from(
      { length: 30 },
      (_, i) => `Ligne ${i} : comptabilité carbone, accueil des clients et suivi qualité.`,
    ).join("\n");
    // A phrase repeated on every line of a long text is reported once. (Its speed is in the match timings of the
    // latency benchmark, not asserted here: a timed test fails on a loaded machine.)
    const longKeys = checker(segment(long), []).map((p) => p.key);
    expect(longKeys.filter((k) => k === injectedKey)).toHaveLength(1);
    expect(new Set(longKeys).size).toBe(longKeys.length);
  });

  it("says there is nothing to compare within one period", async () => {
    const one = await analyzeTrends(
      () => docs,
      trendOptions({ from: new Date("2025-05-01"), to: new Date("2025-06-01") }),
      { referential: ref, attacher },
    );
    expect(one.status).toBe("nothing-to-compare");
    expect(one.emerging).toEqual([]);
    expect(one.message).toMatch(/1 month/);
  });

  it("serves GET /v1/trends/emerging to analysts, 503 without a lake, 400 on bad input", async () => {
    const engine = { referential: ref, embedder };
    const auth = createAuth([
      { key: "analyst-key-0123456789", roles: ["analyst"] },
      { key: "ingest-key-01234567890", roles: ["ingest"] },
    ]);
    const lake = {
      async *trendDocuments() {
        yield* docs;
      },
    };
    const app = (withLake: boolean) =>
      express()
        .use(
          trendsRoutes({ config: loadConfig(), engine, auth, ...(withLake ? { lake } : {}) } as unknown as AppContext),
        )
        .use(errorHandler);
    const ok = await request(app(true))
      .get("/v1/trends/emerging?limit=5&minSupport=15")
      .set("x-api-key", "analyst-key-0123456789");
    expect(ok.status).toBe(200);
    expect(injectedKeys).toContain(ok.body.emerging[0].key);
    expect((await request(app(true)).get("/v1/trends/emerging")).status).toBe(401);
    expect(
      (await request(app(true)).get("/v1/trends/emerging").set("x-api-key", "ingest-key-01234567890")).status,
    ).toBe(403);
    const bad = await request(app(true))
      .get("/v1/trends/emerging?from=2025-06-01&to=2025-01-01&limit=0")
      .set("x-api-key", "analyst-key-0123456789");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["from", "limit"]);
    const noLake = await request(app(false)).get("/v1/trends/emerging").set("x-api-key", "analyst-key-0123456789");
    expect(noLake.status).toBe(503);
    expect(noLake.body.error.message).toMatch(/lake/);
    const proposal = await request(app(true))
      .get(`/v1/trends/proposal?phrase=${encodeURIComponent("comptabilite carbone")}&minSupport=15`)
      .set("x-api-key", "analyst-key-0123456789");
    expect(proposal.status).toBe(200);
    expect(proposal.body.proposal.underMacroCompetence.code).toBe("402008");
  });
});
