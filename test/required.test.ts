import { beforeAll, describe, expect, it } from "vitest";
import { ExemplarMemory, fitLogistic, REQUIRED_MODEL, requiredFeatures, requiredProbability, type Engine, type Exemplar } from "../src/match/index.js";
import { testEngine } from "./helpers.js";

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});

const CASHIER = {
  title: "Hôte / Hôtesse de caisse (H/F)",
  text: `Vous accueillez les clients lors de leur passage en caisse et les renseignez sur les prix et les produits.
Vous procédez à l'encaissement des achats et tenez votre caisse.
Vous valorisez les outils de fidélisation du magasin.`,
};

describe("offer coding model (requiredSkills)", () => {
  const choices = { offers: 4, chosen: new Map([["C1", 2], ["MC1", 1]]) };
  const total = (c: string) => ({ C1: 10, MC1: 5 })[c] ?? 0;

  it("counts an item as chosen when it or its macro-compétence was", () => {
    const x = requiredFeatures({ code: "C1", kind: "competence", macroCompetence: "MC1", coeurMetier: "principale", evidence: 0.8 }, choices, total, 0.9);
    expect(x).toEqual({ evidence: 0.8, shown: 1, principale: 1, savoir: 0, share: 3 / 5, popularity: Math.log1p(15), coded: 1, confidence: 0.9 });
    const savoir = requiredFeatures({ code: "S1", kind: "savoir", macroCompetence: null, coeurMetier: null, evidence: 0 }, { offers: 0, chosen: new Map() }, total, 0.5);
    expect(savoir).toEqual({ evidence: 0, shown: 0, principale: 0, savoir: 1, share: 0, popularity: 0, coded: 0, confidence: 0.5 });
  });

  it("gives a higher probability to items recruiters chose more often, and to items the text shows", () => {
    const item = { code: "C1", kind: "competence" as const, macroCompetence: null, coeurMetier: null, evidence: 0 };
    const rarely = requiredProbability(requiredFeatures(item, { offers: 4, chosen: new Map([["C1", 1]]) }, total, 0.8));
    const often = requiredProbability(requiredFeatures(item, { offers: 4, chosen: new Map([["C1", 4]]) }, total, 0.8));
    const shown = requiredProbability(requiredFeatures({ ...item, evidence: 0.9 }, { offers: 4, chosen: new Map([["C1", 1]]) }, total, 0.8));
    expect(often).toBeGreaterThan(rarely);
    expect(shown).toBeGreaterThan(rarely);
    for (const p of [rarely, often, shown]) expect(p).toBeGreaterThan(0), expect(p).toBeLessThan(1);
  });

  it("fits a logistic model that separates what it was shown, in the features' own units", () => {
    // y = 1 exactly when x0 > 5 (x1 is noise on another scale).
    const x = Array.from({ length: 200 }, (_, i) => [i % 10, ((i * 7919) % 1000) / 10]);
    const y = x.map(([a]) => (a! > 5 ? 1 : 0));
    const m = fitLogistic(x, y, { l2: 1e-4, epochs: 3000 });
    const p = (r: number[]) => 1 / (1 + Math.exp(-(m.bias + m.weights[0]! * r[0]! + m.weights[1]! * r[1]!)));
    expect(m.weights[0]).toBeGreaterThan(0);
    expect(Math.abs(m.weights[1]!)).toBeLessThan(Math.abs(m.weights[0]!) / 10);
    expect(x.every((r, i) => (p(r) > 0.5 ? 1 : 0) === y[i])).toBe(true);
  });

  it("keeps how each code's labelled offers were coded, and drops it with the offers", () => {
    const offers: Exemplar[] = [
      { id: "1", title: "Caissier", text: "Encaissement.", romeCode: "D1505", competences: ["X", "Y", "X"] },
      { id: "2", title: "Caissier", text: "Caisse.", romeCode: "D1505", competences: ["X"] },
      { id: "3", title: "Caissier", text: "Caisse et accueil.", romeCode: "D1505" },
      { id: "4", title: "Vendeur", text: "Vente.", romeCode: "D1214", competences: ["Y"] },
    ];
    const { memory } = ExemplarMemory.build(offers, engine.lexicon.ficheRow);
    const row = engine.lexicon.ficheRow.get("D1505")!;
    const c = memory.itemChoicesOf(row);
    expect(c.offers).toBe(2); // offer 3 carries no items; offer 1's repeated X counts once
    expect(Object.fromEntries(c.chosen)).toEqual({ X: 2, Y: 1 });
    expect(memory.itemTotal("Y")).toBe(2);
    const fewer = memory.without((e) => e.id === "1");
    expect(Object.fromEntries(fewer.itemChoicesOf(row).chosen)).toEqual({ X: 1 });
    expect(fewer.itemTotal("Y")).toBe(1);
    expect(memory.itemChoicesOf(engine.lexicon.ficheRow.get("M1805")!).offers).toBe(0);
  });

  it("lists the best fiche's items a recruiter would attach, with the labelled offers' choices and the text's spans", async () => {
    const input = { ...CASHIER, kind: "offer" as const };
    const alone = await engine.match(input, { exemplars: null });
    const top = engine.referential.fiche(alone.metiers[0]!.code)!;
    const fiche = new Set([...top.competences, ...top.savoirs].map((l) => l.code));
    for (const s of alone.requiredSkills) {
      expect(fiche.has(s.code)).toBe(true);
      expect(s.probability).toBeGreaterThanOrEqual(REQUIRED_MODEL.minProbability);
      for (const e of s.evidence) expect(CASHIER.text.slice(e.start, e.end)).toBe(e.text);
    }
    expect(alone.requiredSkills.map((s) => s.probability)).toEqual([...alone.requiredSkills.map((s) => s.probability)].sort((a, b) => b - a));
    expect(alone.requiredSkills.length).toBeLessThanOrEqual(REQUIRED_MODEL.max);
    // An item of the fiche the text never names, not reported alone: recruiters of that code chose it every time.
    const named = new Set([...alone.requiredSkills, ...alone.skills].map((s) => s.code));
    const quiet = top.competences.find((l) => !named.has(l.code))!;
    const labelled: Exemplar[] = ["a", "b", "c", "d"].map((id) => ({ id, title: CASHIER.title, text: `${CASHIER.text} ${id}`, romeCode: top.code, competences: [quiet.code] }));
    const withChoices = await engine.match(input, { exemplars: ExemplarMemory.build(labelled, engine.lexicon.ficheRow).memory });
    expect(withChoices.metiers[0]!.code).toBe(top.code);
    const reported = withChoices.requiredSkills.find((s) => s.code === quiet.code);
    expect(reported?.evidence).toEqual([]);
    expect(reported!.probability).toBeGreaterThan(0.5);
  });

  it("lists none for a CV: a person's skills are what the text shows", async () => {
    const r = await engine.match({ ...CASHIER, kind: "cv" });
    expect(r.metiers.length).toBeGreaterThan(0);
    expect(r.skills.length).toBeGreaterThan(0);
    expect(r.requiredSkills).toEqual([]);
  });
});
