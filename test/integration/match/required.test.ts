import { beforeAll, describe, expect, it } from "vitest";
import {
  chosenItems,
  ExemplarMemory,
  REQUIRED_MODEL,
  REQUIRED_MODEL_UNCODED,
  type Engine,
  type Exemplar,
} from "../../../src/match/index.js";
import { requiredFeatures, requiredProbability, type RequiredCandidate } from "../../../src/match/fitting.js";
import { fitLogistic } from "../../../src/tuning/index.js";
import { contentStems, termCounts } from "../../../src/text/index.js";
import { testEngine } from "../../helpers.js";

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
  const choices = {
    offers: 4,
    chosen: new Map([
      ["C1", 2],
      ["MC1", 1],
    ]),
  };
  const total = (c: string) => ({ C1: 10, MC1: 5 })[c] ?? 0;

  it("counts an item as chosen when it or its macro-compétence was, summed over the fiches that hold it by their confidence", () => {
    const item = { code: "C1", kind: "competence" as const, macroCompetence: "MC1", evidence: 0.8 };
    const x = requiredFeatures(item, [{ confidence: 0.9, listed: true, coeurMetier: "principale", choices }], total);
    expect(x).toEqual({
      evidence: 0.8,
      shown: 1,
      savoir: 0,
      popularity: Math.log1p(15),
      inFiches: 0.9,
      principale: 0.9,
      share: (0.9 * 3) / 5,
      coded: 0.9,
      neighbours: 0,
    });
    const uncoded = { offers: 0, chosen: new Map<string, number>() };
    const two = requiredFeatures(
      item,
      [
        { confidence: 0.6, listed: true, coeurMetier: "principale", choices },
        { confidence: 0.3, listed: true, coeurMetier: null, choices: uncoded },
      ],
      total,
    );
    expect(two.inFiches).toBeCloseTo(0.9, 12);
    expect(two.principale).toBeCloseTo(0.6, 12);
    expect(two.share).toBeCloseTo((0.6 * 3) / 5, 12);
    expect(two.coded).toBeCloseTo(0.6, 12);
    // A fiche whose labelled offers chose the item without listing it: its share counts, its presence does not.
    const unlisted = requiredFeatures(item, [{ confidence: 0.6, listed: false, coeurMetier: null, choices }], total);
    expect(unlisted.inFiches).toBe(0);
    expect(unlisted.share).toBeCloseTo((0.6 * 3) / 5, 12);
    expect(unlisted.coded).toBeCloseTo(0.6, 12);
    const savoir = requiredFeatures(
      { code: "S1", kind: "savoir", macroCompetence: null, evidence: 0 },
      [{ confidence: 0.5, listed: true, coeurMetier: null, choices: uncoded }],
      total,
    );
    expect(savoir).toEqual({
      evidence: 0,
      shown: 0,
      savoir: 1,
      popularity: 0,
      inFiches: 0.5,
      principale: 0,
      share: 0,
      coded: 0,
      neighbours: 0,
    });
  });

  it("reads what the similar labelled offers chose, by their similarity", () => {
    const item = { code: "C1", kind: "competence" as const, macroCompetence: "MC1", evidence: 0 };
    const neighbours = [
      { items: new Set(["C1"]), weight: 0.5 },
      { items: new Set(["MC1", "C2"]), weight: 0.3 },
      { items: new Set(["C2"]), weight: 0.2 },
    ];
    expect(requiredFeatures(item, [], total, neighbours).neighbours).toBeCloseTo(0.8, 12);
    expect(requiredFeatures({ ...item, code: "C3", macroCompetence: null }, [], total, neighbours).neighbours).toBe(0);
    expect(requiredFeatures(item, [], total, []).neighbours).toBe(0);
    const p = (n: typeof neighbours) => requiredProbability(requiredFeatures(item, [], total, n), REQUIRED_MODEL);
    expect(p(neighbours)).toBeGreaterThan(p([{ items: new Set(["C2"]), weight: 1 }]));
  });

  it("gives a higher probability to items recruiters chose more often, to items the text shows, and to items more fiches hold", () => {
    const item = { code: "C1", kind: "competence" as const, macroCompetence: null, evidence: 0 };
    const holder = (n: number) => ({
      confidence: 0.5,
      listed: true,
      coeurMetier: null,
      choices: { offers: 4, chosen: new Map([["C1", n]]) },
    });
    const rarely = requiredProbability(requiredFeatures(item, [holder(1)], total), REQUIRED_MODEL);
    const often = requiredProbability(requiredFeatures(item, [holder(4)], total), REQUIRED_MODEL);
    const shown = requiredProbability(requiredFeatures({ ...item, evidence: 0.9 }, [holder(1)], total), REQUIRED_MODEL);
    const shared = requiredProbability(requiredFeatures(item, [holder(1), holder(1)], total), REQUIRED_MODEL);
    expect(often).toBeGreaterThan(rarely);
    expect(shown).toBeGreaterThan(rarely);
    expect(shared).toBeGreaterThan(rarely);
    for (const p of [rarely, often, shown, shared]) (expect(p).toBeGreaterThan(0), expect(p).toBeLessThan(1));
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
    expect(memory.codedOffers).toBe(3);
    // The offers with items most like a text, nearest first, with their items; offer 3 (no items) never comes.
    const near = memory.codedNeighbours(termCounts(contentStems("Caissier Encaissement")), 10);
    expect(near.map((n) => [...n.items].sort())).toEqual([["X", "Y"], ["X"]]);
    expect(near[0]!.weight).toBeGreaterThan(near[1]!.weight);
    for (const n of near) (expect(n.weight).toBeGreaterThan(0), expect(n.weight).toBeLessThanOrEqual(1));
    expect(memory.codedNeighbours(termCounts(contentStems("boulanger")), 10)).toEqual([]);
    const fewer = memory.without((e) => e.id === "1");
    expect(Object.fromEntries(fewer.itemChoicesOf(row).chosen)).toEqual({ X: 1 });
    expect(fewer.itemTotal("Y")).toBe(1);
    expect(fewer.codedOffers).toBe(2);
    expect(memory.itemChoicesOf(engine.lexicon.ficheRow.get("M1805")!).offers).toBe(0);
  });

  it("lists the best fiches' items a recruiter would attach, with the labelled offers' choices and the text's spans", async () => {
    const input = { ...CASHIER, kind: "offer" as const };
    // With the engine's labelled offers (the dev set's), the cashier's fiche comes with items.
    const coded = await engine.match(input);
    // Every item is listed by one of the best fiches or was chosen by their labelled offers.
    const held = new Set(
      coded.metiers.slice(0, REQUIRED_MODEL.fiches).flatMap((m) => {
        const f = engine.referential.fiche(m.code)!;
        const chosen = engine.exemplars!.itemChoicesOf(engine.lexicon.ficheRow.get(m.code)!).chosen.keys();
        return [...f.competences, ...f.savoirs].map((l) => l.code).concat([...chosen]);
      }),
    );
    expect(coded.requiredSkills.length).toBeGreaterThan(0);
    for (const s of coded.requiredSkills) {
      expect(held.has(s.code)).toBe(true);
      expect(s.probability).toBeGreaterThanOrEqual(REQUIRED_MODEL.minProbability);
      for (const e of s.evidence) expect(CASHIER.text.slice(e.start, e.end)).toBe(e.text);
    }
    expect(coded.requiredSkills.map((s) => s.probability)).toEqual(
      [...coded.requiredSkills.map((s) => s.probability)].sort((a, b) => b - a),
    );
    expect(coded.requiredSkills.length).toBeLessThanOrEqual(REQUIRED_MODEL.max);
    // An item of the best fiche the text never shows, not reported without labelled offers: recruiters of that code
    // chose it every time.
    let candidates: readonly RequiredCandidate[] = [];
    const alone = await engine.match(input, { exemplars: null, onRequiredCandidates: (c) => (candidates = c) });
    const top = engine.referential.fiche(alone.metiers[0]!.code)!;
    const named = new Set([
      ...alone.requiredSkills.map((s) => s.code),
      ...candidates.filter((c) => c.features.shown).map((c) => c.code),
    ]);
    const quiet = top.competences.find((l) => !named.has(l.code))!;
    // And an item none of the best fiches lists (a web developer's), which the same recruiters chose too.
    const listed = new Set(
      alone.metiers
        .slice(0, REQUIRED_MODEL.fiches)
        .flatMap((m) => engine.referential.fiche(m.code)!.competences.map((l) => l.code)),
    );
    const foreign = engine.referential.fiche("M1805")!.competences.find((l) => !listed.has(l.code))!;
    const labelled: Exemplar[] = ["a", "b", "c", "d"].map((id) => ({
      id,
      title: CASHIER.title,
      text: `${CASHIER.text} ${id}`,
      romeCode: top.code,
      competences: [quiet.code, foreign.code],
    }));
    let withCandidates: readonly RequiredCandidate[] = [];
    const withChoices = await engine.match(input, {
      exemplars: ExemplarMemory.build(labelled, engine.lexicon.ficheRow).memory,
      onRequiredCandidates: (c) => (withCandidates = c),
    });
    expect(withChoices.metiers[0]!.code).toBe(top.code);
    const reported = withChoices.requiredSkills.find((s) => s.code === quiet.code);
    expect(reported?.evidence).toEqual([]);
    expect(reported!.probability).toBeGreaterThan(0.5);
    const unlisted = withCandidates.find((c) => c.code === foreign.code);
    expect(unlisted?.features.inFiches).toBe(0);
    expect(unlisted!.features.share).toBeGreaterThan(0);
    expect(unlisted!.probability).toBeLessThan(reported!.probability);
    expect(withChoices.requiredSkills.some((s) => s.code === foreign.code)).toBe(
      unlisted!.probability >= REQUIRED_MODEL.minProbability,
    );
    expect(candidates.some((c) => c.code === foreign.code)).toBe(false);
  });

  it("scores every item of the configured number of best fiches, once, each with the confidence of the fiches that hold it", async () => {
    const input = { ...CASHIER, kind: "offer" as const };
    const seen = async (fiches: number) => {
      let out: readonly RequiredCandidate[] = [];
      const r = await engine.match(input, {
        exemplars: null,
        requiredModel: { ...REQUIRED_MODEL, fiches },
        onRequiredCandidates: (c) => (out = c),
      });
      return { r, out };
    };
    const one = await seen(1);
    const top = engine.referential.fiche(one.r.metiers[0]!.code)!;
    expect(new Set(one.out.map((c) => c.code))).toEqual(
      new Set([...top.competences, ...top.savoirs].map((l) => l.code)),
    );
    for (const c of one.out) expect(c.features.inFiches).toBeCloseTo(one.r.metiers[0]!.confidence, 3);
    const three = await seen(3);
    const codes = three.out.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    const holding = (code: string) =>
      three.r.metiers.slice(0, 3).filter((m) =>
        engine.referential
          .fiche(m.code)!
          .competences.concat(engine.referential.fiche(m.code)!.savoirs)
          .some((l) => l.code === code),
      );
    for (const c of three.out) {
      const hs = holding(c.code);
      expect(hs.length).toBeGreaterThan(0);
      expect(c.features.inFiches).toBeCloseTo(
        hs.reduce((s, m) => s + m.confidence, 0),
        2,
      );
    }
    expect(three.out.length).toBeGreaterThan(one.out.length);
  });

  it("falls back on the text and the fiches alone when no labelled offer carries items", async () => {
    const input = { ...CASHIER, kind: "offer" as const };
    const scored = async (exemplars: ExemplarMemory | null) => {
      let out: readonly RequiredCandidate[] = [];
      const r = await engine.match(input, { exemplars, onRequiredCandidates: (c) => (out = c) });
      return { r, out };
    };
    const uncodedOffers: Exemplar[] = ["a", "b"].map((id) => ({
      id,
      title: CASHIER.title,
      text: `${CASHIER.text} ${id}`,
      romeCode: "D1505",
    }));
    for (const exemplars of [null, ExemplarMemory.build(uncodedOffers, engine.lexicon.ficheRow).memory]) {
      expect(exemplars?.codedOffers ?? 0).toBe(0);
      const { r, out } = await scored(exemplars);
      for (const c of out)
        expect(c.probability).toBeCloseTo(requiredProbability(c.features, REQUIRED_MODEL_UNCODED), 12);
      expect(r.requiredSkills.length).toBeGreaterThan(0);
      for (const s of r.requiredSkills)
        expect(s.probability).toBeGreaterThanOrEqual(REQUIRED_MODEL_UNCODED.minProbability);
      // The item the text states outright comes first.
      expect(r.requiredSkills[0]!.evidence.length).toBeGreaterThan(0);
    }
    const coded = await scored(engine.exemplars);
    expect(engine.exemplars!.codedOffers).toBeGreaterThan(0);
    for (const c of coded.out) expect(c.probability).toBeCloseTo(requiredProbability(c.features, REQUIRED_MODEL), 12);
  });

  it("shows a fiche's recruiter choices with their kind, whether the fiche lists them, and their share", () => {
    const ref = engine.referential;
    const fiche = ref.fiche("D1505")!;
    const own = fiche.competences[0]!.code;
    const other = ref.fiche("M1805")!.competences.find((l) => !fiche.competences.some((x) => x.code === l.code))!.code;
    const mc = ref.competences.get(own)!.macroCompetence;
    const items = chosenItems(ref, fiche, {
      offers: 4,
      chosen: new Map([
        [other, 1],
        [own, 3],
        [mc, 2],
        ["999999999", 4],
      ]),
    });
    expect(items.map((i) => [i.code, i.kind, i.listed, i.share])).toEqual([
      [own, "competence", true, 0.75],
      [mc, "macroCompetence", true, 0.5],
      [other, "competence", false, 0.25],
    ]);
    expect(
      chosenItems(
        ref,
        fiche,
        {
          offers: 4,
          chosen: new Map([
            [own, 3],
            [other, 1],
          ]),
        },
        1,
      ),
    ).toHaveLength(1);
  });

  it("lists none for a CV: a person's skills are what the text shows", async () => {
    const r = await engine.match({ ...CASHIER, kind: "cv" });
    expect(r.metiers.length).toBeGreaterThan(0);
    expect(r.skills.length).toBeGreaterThan(0);
    expect(r.requiredSkills).toEqual([]);
  });
});
