import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { ExemplarMemory, exemplarGroup, RANK_MODEL, type Engine, type Exemplar } from "../../../src/match/index.js";
import { auditLabels, evaluateOffers, isSuspect } from "../../../src/tuning/index.js";
import { readLabelledOffers, readOffers } from "../../../src/sources/index.js";
import { contentStems, termCounts, titleKey } from "../../../src/text/index.js";
import { testEngine } from "../../helpers.js";

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});

// A local job name that ROME's labels do not use, coded by recruiters as G1602 (Personnel de cuisine).
const FIXTURE: Exemplar[] = [
  {
    id: "a",
    title: "Plongeur polyvalent snacking",
    text: "Plonge, nettoyage de la batterie de cuisine, aide à la préparation des salades.",
    romeCode: "G1602",
  },
  {
    id: "b",
    title: "Plongeur polyvalent snacking H/F",
    text: "Vous assurez la plonge et la mise en place du snacking.",
    romeCode: "G1602",
  },
  { id: "c", title: "Vendeur en boulangerie", text: "Accueil, encaissement, mise en rayon.", romeCode: "D1106" },
  { id: "d", title: "Code inconnu", text: "Une offre dont le code n'existe pas.", romeCode: "Z9999" },
];

describe("labelled-offer memory", () => {
  it("leaves out codes that are not fiches, and lets near-copies vote for their fiche", () => {
    const { memory, skipped } = ExemplarMemory.build(FIXTURE, engine.lexicon.ficheRow);
    expect(skipped).toBe(1);
    expect(memory.size).toBe(3);
    const n = engine.lexicon.ficheCodes.length;
    const row = engine.lexicon.ficheRow;
    const real = { title: new Float64Array(n), body: new Float64Array(n) };
    memory.vote(contentStems("Plongeur polyvalent snacking"), termCounts([]), real);
    expect(real.title[row.get("G1602")!]).toBeGreaterThan(0.3);
    expect(real.title[row.get("D1106")!]).toBe(0);
    expect(Math.max(...real.title)).toBeLessThanOrEqual(1);
    const fewer = memory.without((e) => e.id === "a" || e.id === "b");
    expect(fewer.size).toBe(1);
    const none = { title: new Float64Array(n), body: new Float64Array(n) };
    fewer.vote(contentStems("Plongeur polyvalent snacking"), termCounts([]), none);
    expect(none.title[row.get("G1602")!]).toBe(0);
  });

  it("shares the same-title vote among the codes of distinct texts with the same title, whatever case, accents, H/F or numbers", () => {
    const sameTitle: Exemplar[] = [
      { id: "s1", title: "Serveur H/F", text: "Service en salle.", romeCode: "G1803" },
      { id: "s2", title: "SERVEUR (h/f) 35h", text: "Service en terrasse.", romeCode: "G1803" },
      { id: "s3", title: "serveur", text: "Serveurs Linux.", romeCode: "M1843" },
      { id: "s4", title: "Serveur de restaurant", text: "Service.", romeCode: "G1803" },
      { id: "s5", title: "Serveur", text: "Serveurs  Linux.", romeCode: "M1843" }, // a repost of s3: one text
    ];
    const { memory } = ExemplarMemory.build(sameTitle, engine.lexicon.ficheRow);
    const row = engine.lexicon.ficheRow;
    const into = new Float64Array(engine.lexicon.ficheCodes.length);
    memory.voteSameTitle(titleKey(contentStems("Serveur - H/F")), into);
    // 3 distinct texts: shares 2/3 and 1/3, times 3/4 (one more text would make the evidence stronger)
    expect(into[row.get("G1803")!]).toBeCloseTo((2 / 3) * (3 / 4), 10);
    expect(into[row.get("M1843")!]).toBeCloseTo((1 / 3) * (3 / 4), 10);
    expect(into.reduce((a, b) => a + b, 0)).toBeCloseTo(3 / 4, 10);
    const other = new Float64Array(into.length);
    memory.voteSameTitle(titleKey(contentStems("Serveur polyvalent")), other);
    memory.voteSameTitle(titleKey([]), other);
    expect(other.every((x) => x === 0)).toBe(true);
  });

  it("moves the recruiters' fiche up for a local title the referential does not know, and shows it in the score", async () => {
    const { memory } = ExemplarMemory.build(FIXTURE, engine.lexicon.ficheRow);
    const input = {
      title: "Plongeur polyvalent snacking",
      text: "Plonge et mise en place.",
      kind: "offer" as const,
      topK: 10,
    };
    const without = await engine.match(input, { exemplars: null });
    const withMemory = await engine.match(input, { exemplars: memory });
    const rank = (r: typeof without) => r.metiers.findIndex((m) => m.code === "G1602");
    expect(rank(withMemory)).toBeGreaterThanOrEqual(0);
    expect(rank(without) === -1 || rank(withMemory) < rank(without)).toBe(true);
    expect(withMemory.metiers[rank(withMemory)]!.score.exemplars).toBeGreaterThan(0);
    expect(without.metiers.every((m) => m.score.exemplars === 0)).toBe(true);
  });

  it("does not let a reposted mislabelled offer put a fiche the text gives no evidence for first", async () => {
    // As in the dev offers: one offer coded L1101 (DJ), posted twice.
    const text = "Nous recherchons notre futur développeur Java / Spring pour rejoindre l'équipe.";
    const mislabelled: Exemplar[] = [
      { id: "m1", title: "Développeur Java JEE - Spring (F/H)", text, romeCode: "L1101" },
      { id: "m2", title: "Développeur Java JEE - Spring (F/H)", text: `${text} `, romeCode: "L1101" },
    ];
    const { memory } = ExemplarMemory.build(mislabelled, engine.lexicon.ficheRow);
    const input = {
      title: "Développeur Java / Spring (H/F)",
      text: "Concevoir et développer des applications web en Java / Spring Boot, tests unitaires.",
      kind: "offer" as const,
    };
    const r = await engine.match(input, { exemplars: memory });
    expect(engine.referential.fiche(r.metiers[0]!.code)!.parent).toBe("M1805");
    const dj = r.metiers.find((m) => m.code === "L1101");
    expect(dj === undefined || dj.score.total < r.metiers[0]!.score.total).toBe(true);
    // The memory still speaks, at half weight: its votes for L1101 are there, only outweighed.
    const f = await engine.featuresFor(input.text, input.title, { exemplars: memory }, RANK_MODEL);
    const djRow = engine.lexicon.ficheRow.get("L1101")!;
    expect(f.exemplarTitle[djRow]! + f.exemplarBody[djRow]!).toBeGreaterThan(0);
  });

  it("scores each code's offers pooled into one document, so that words from different offers add up", () => {
    const pooled: Exemplar[] = [
      { id: "p1", title: "Plongeur", text: "Plonge et batterie de cuisine.", romeCode: "G1602" },
      { id: "p2", title: "Commis plongeur", text: "Épluchage des légumes, mise en place.", romeCode: "G1602" },
      {
        id: "p3",
        title: "Vendeur en boulangerie",
        text: "Plonge du matériel, encaissement, mise en rayon.",
        romeCode: "D1106",
      },
    ];
    const { memory } = ExemplarMemory.build(pooled, engine.lexicon.ficheRow);
    const row = engine.lexicon.ficheRow;
    const n = engine.lexicon.ficheCodes.length;
    const out = { title: new Float64Array(n), body: new Float64Array(n) };
    // No single offer has both "batterie" and "épluchage": the pooled G1602 document has.
    memory.voteByCode(
      contentStems("Commis plongeur"),
      termCounts(contentStems("Plonge, batterie, épluchage des légumes")),
      out,
    );
    expect(out.title[row.get("G1602")!]).toBe(1);
    expect(out.body[row.get("G1602")!]).toBe(1);
    expect(out.body[row.get("D1106")!]).toBeGreaterThan(0);
    expect(out.body[row.get("D1106")!]).toBeLessThan(1);
    expect(out.title[row.get("D1106")!]).toBe(0);
    const fewer = memory.without((e) => e.romeCode === "G1602");
    const none = { title: new Float64Array(n), body: new Float64Array(n) };
    fewer.voteByCode(
      contentStems("Commis plongeur"),
      termCounts(contentStems("Plonge, batterie, épluchage des légumes")),
      none,
    );
    expect(none.title[row.get("G1602")!]).toBe(0);
    expect(none.body[row.get("G1602")!]).toBe(0);
    expect(none.body[row.get("D1106")!]).toBe(1);
  });

  it("reads several labelled-offer files as one memory, a repeated id keeping its last line", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "labelled-"));
    try {
      const a = path.join(dir, "a.jsonl");
      const b = path.join(dir, "b.jsonl");
      writeFileSync(
        a,
        [
          { id: "1", intitule: "Plongeur", description: "Plonge", romeCode: "G1602" },
          { id: "2", intitule: "Vendeur", description: "Vente", romeCode: "D1214" },
        ]
          .map((o) => JSON.stringify(o))
          .join("\n"),
      );
      writeFileSync(
        b,
        JSON.stringify({
          id: "2",
          intitule: "Vendeur",
          description: "Vente",
          romeCode: "D1211",
          competences: [{ code: "100341" }],
        }),
      );
      expect(readLabelledOffers([a, b])).toEqual([
        { id: "1", title: "Plongeur", text: "Plonge", romeCode: "G1602", competences: [] },
        { id: "2", title: "Vendeur", text: "Vente", romeCode: "D1211", competences: ["100341"] },
      ]);
      expect(loadConfig({ ...process.env, LABELLED_OFFERS: `${a}, ${b}` }).labelledOffers).toEqual([a, b]);
      expect(loadConfig({ ...process.env, LABELLED_OFFERS: "" }).labelledOffers).toBeUndefined();
      expect(() => readLabelledOffers([a, path.join(dir, "missing.jsonl")])).toThrow(/missing\.jsonl/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("audits labels: a code the offer's own text argues against, in another grand domaine, is suspect and grouped", async () => {
    expect(isSuspect("M1843", 0.001, { code: "G1803", confidence: 0.95 })).toBe(true);
    expect(isSuspect("M1403", 0.001, { code: "M1419", confidence: 0.95 })).toBe(false); // same grand domaine: a parent and its child
    expect(isSuspect("M1843", 0.05, { code: "G1803", confidence: 0.95 })).toBe(false);
    expect(isSuspect("M1843", 0.001, { code: "G1803", confidence: 0.4 })).toBe(false);
    const waiter = "Accueil des clients, prise de commandes, service en salle et au bar du restaurant.";
    const audit = await auditLabels(engine, [
      { id: "w1", title: "Serveur H/F", text: waiter, romeCode: "M1843" },
      { id: "w2", title: "Serveur (H/F)", text: `${waiter} Service du midi.`, romeCode: "M1843" },
      { id: "w3", title: "Serveuse", text: waiter, romeCode: "G1803" },
      {
        id: "a1",
        title: "Administrateur serveurs Linux",
        text: "Administration des serveurs Linux, supervision, scripts Bash.",
        romeCode: "M1843",
      },
    ]);
    expect(audit).toMatchObject({ offers: 4, suspects: 2, suspectIds: ["w1", "w2"] });
    expect(audit.groups).toEqual([
      {
        titleKey: "serveur",
        title: "Serveur H/F",
        code: "M1843",
        libelle: engine.referential.fiches.get("M1843")!.libelle,
        evidence: { code: "G1803", libelle: engine.referential.fiches.get("G1803")!.libelle },
        offers: 2,
        ids: ["w1", "w2"],
      },
    ]);
  });

  it("groups reposted copies together for cross-validation", () => {
    expect(exemplarGroup("Plonge,  nettoyage\n de la batterie")).toBe(
      exemplarGroup("Plonge, nettoyage de la batterie"),
    );
    expect(exemplarGroup("Plonge")).not.toBe(exemplarGroup("Vente"));
  });

  it("cross-validates when the evaluated offers are in the memory, so that no offer votes for itself", async () => {
    const config = loadConfig();
    expect(config.labelledOffers).toBeDefined(); // the dev offers beside the checkout are the default memory
    expect(loadConfig({ ...process.env, LABELLED_OFFERS: "none" }).labelledOffers).toBeUndefined();
    const offers = readOffers(path.join(config.romeDir, "..", "..", "eval", "offers-dev.jsonl"), 60);
    const cv = await evaluateOffers(engine, offers);
    expect(cv.labelled_offers).toEqual({ cv: "text", size: engine.exemplars!.size, cross_validated: true, folds: 5 });
    // With the offers themselves voting, top-1 would be near perfect: cross-validation must stay well below.
    const leaky = { top1: 0 };
    for (const o of offers) {
      const r = await engine.match({ text: o.description ?? "", title: o.intitule ?? undefined, kind: "offer" });
      if (r.metiers[0]?.code === o.romeCode) leaky.top1++;
    }
    expect(leaky.top1 / offers.length).toBeGreaterThan(cv.top1);
  }, 120_000);
});
