import { describe, expect, it } from "vitest";
import {
  GoldText,
  goldProblems,
  labelKey,
  labelsNear,
  overlaps,
  prf,
  referentialProblems,
  relaxedRight,
  scoreText,
  skillsEvalFigures,
  textDetails,
  textOf,
  type GoldItem,
  type PredictedSkill,
} from "../../../src/tuning/index.js";

const text = "Missions : accueil des clients, encaissement, mise en rayon. Permis B exigé. Rigueur.";
const gold = (o: Partial<GoldItem> & Pick<GoldItem, "code" | "label" | "span">): GoldItem => ({
  kind: "competence",
  macro: "M1",
  confidence: "high",
  alternatives: [],
  ...o,
});
const pred = (o: Partial<PredictedSkill> & Pick<PredictedSkill, "code">): PredictedSkill => ({
  libelle: "x",
  macroCompetence: null,
  evidence: [],
  ...o,
});
const at = (span: string) => {
  const start = text.indexOf(span);
  return { start, end: start + span.length };
};

// Four gold items: two compétences of MC M1, one of M2 (with an alternative), a savoir.
const G: GoldItem[] = [
  gold({ code: "1", label: "Accueillir les clients", macro: "M1", span: "accueil des clients" }),
  gold({ code: "2", label: "Encaisser le montant d'une vente", macro: "M1", span: "encaissement" }),
  gold({ code: "3", label: "Mettre en rayon les produits", macro: "M2", span: "mise en rayon", alternatives: ["33"] }),
  gold({ code: "S1", kind: "savoir", macro: null, label: "Permis B", span: "Permis B" }),
];

describe("label nearness (the guide's key)", () => {
  it("lowercases, strips accents and stopwords, drops one-letter words and cuts words to 5 letters", () => {
    expect([...labelKey("Réponse aux appels d'offres")]).toEqual(["repon", "appel", "offre"]);
    expect([...labelKey("Mettre en œuvre l'HACCP à l'été")]).toEqual(["mettr", "oeuvr", "haccp", "ete"]);
    expect([...labelKey("Permis B")]).toEqual(["permi"]);
  });
  it("is near when the shared words are at least half of the smaller key", () => {
    expect(labelsNear("Répondre à un appel d'offres", "Réponse aux appels d'offres")).toBe(true);
    expect(labelsNear("Accueillir les clients", "Accueillir une clientèle")).toBe(true); // 2 of 2 (clien)
    expect(labelsNear("Encaisser le montant d'une vente", "Vendre des produits")).toBe(false); // 0 shared
    expect(labelsNear("Gérer un stock de produits", "Mettre en rayon les produits")).toBe(false); // 1 of 3
    expect(labelsNear("Gérer les produits", "Mettre en rayon les produits")).toBe(true); // 1 of 2
    expect(labelsNear("de la", "Permis B")).toBe(false); // an empty key is near nothing
  });
});

describe("span overlap", () => {
  it("is a non-empty intersection of character ranges", () => {
    expect(overlaps({ start: 0, end: 5 }, { start: 4, end: 9 })).toBe(true);
    expect(overlaps({ start: 0, end: 5 }, { start: 5, end: 9 })).toBe(false); // touching is not overlapping
    expect(overlaps({ start: 3, end: 4 }, { start: 0, end: 9 })).toBe(true);
  });
});

describe("item level", () => {
  it("counts a prediction right when it is a gold code or an alternative, once per code", () => {
    const c = scoreText(text, G, [pred({ code: "1" }), pred({ code: "1" }), pred({ code: "33" }), pred({ code: "9" })]);
    expect(c.item).toEqual({ right: 2, predicted: 3, found: 2, gold: 4 });
    expect(prf(c.item)).toEqual({ precision: 0.6667, recall: 0.5, f1: 0.5714 });
  });
});

describe("MC level", () => {
  it("scores sets of units: a compétence's MC, a savoir or an MC itself", () => {
    // Gold units {M1, M2, S1}. Predicted: another compétence of M1, an MC-row code M2, a compétence of M9.
    const preds = [
      pred({ code: "7", macroCompetence: "M1" }),
      pred({ code: "M2" }),
      pred({ code: "8", macroCompetence: "M9" }),
    ];
    const c = scoreText(text, G, preds);
    expect(c.mc).toEqual({ right: 2, predicted: 3, found: 2, gold: 3 });
    expect(c.item.right).toBe(0);
  });
  it("lets a gold macro-compétence row be found by any compétence of it", () => {
    const label = "Faire preuve de rigueur et de précision";
    const mcGold = [gold({ code: "M5", kind: "macro-competence", macro: null, label, span: "Rigueur" })];
    const c = scoreText(text, mcGold, [pred({ code: "50", macroCompetence: "M5" })]);
    expect(c.mc).toEqual({ right: 1, predicted: 1, found: 1, gold: 1 });
    expect(c.item.found).toBe(0);
    expect(c.relaxed.found).toBe(1);
  });
});

describe("relaxed level", () => {
  it("accepts a near label whose evidence overlaps the gold span", () => {
    const libelle = "Accueillir la clientèle";
    const p = pred({ code: "99", libelle, macroCompetence: "M7", evidence: [at("accueil des")] });
    expect(relaxedRight(p, G[0]!, text)).toBe(true);
    expect(scoreText(text, G, [p]).relaxed).toEqual({ right: 1, predicted: 1, found: 1, gold: 4 });
  });
  it("rejects a near label whose evidence is elsewhere, and an overlapping span with a far label", () => {
    const elsewhere = pred({ code: "99", libelle: "Accueillir la clientèle", evidence: [at("Rigueur")] });
    const far = pred({ code: "99", libelle: "Gérer un planning", evidence: [at("accueil des clients")] });
    expect(relaxedRight(elsewhere, G[0]!, text)).toBe(false);
    expect(relaxedRight(far, G[0]!, text)).toBe(false);
  });
  it("includes whatever is right at item or MC level", () => {
    expect(relaxedRight(pred({ code: "33" }), G[2]!, text)).toBe(true);
    expect(relaxedRight(pred({ code: "70", macroCompetence: "M2" }), G[2]!, text)).toBe(true);
  });
  it("uses the gold span's first occurrence", () => {
    const t = "vente; vente en ligne";
    const g = [gold({ code: "1", label: "Vente en ligne", span: "vente" })];
    const from = (start: number, end: number) => [
      pred({ code: "5", libelle: "Vente en ligne", evidence: [{ start, end }] }),
    ];
    expect(scoreText(t, g, from(7, 21)).relaxed.found).toBe(0);
    expect(scoreText(t, g, from(0, 5)).relaxed.found).toBe(1);
  });
  it("lets one prediction find several gold items", () => {
    const c = scoreText(text, G, [pred({ code: "70", macroCompetence: "M1" })]);
    expect(c.relaxed).toEqual({ right: 1, predicted: 1, found: 2, gold: 4 });
  });
});

describe("empty cases", () => {
  it("no gold and no prediction is perfect agreement", () => {
    expect(prf(scoreText(text, [], []).item)).toEqual({ precision: 1, recall: 1, f1: 1 });
  });
  it("predictions without gold have precision 0; gold without predictions recall 0", () => {
    expect(prf(scoreText(text, [], [pred({ code: "1" })]).relaxed)).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(prf(scoreText(text, G, []).mc)).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});

describe("micro-averaged figures", () => {
  it("sum counts over texts, overall and by kind", () => {
    const a = scoreText(text, G, [pred({ code: "1" })]); // item 1/1 right, 1/4 found
    // 1 of 3 right, 1 of 1 found
    const b = scoreText(text, G.slice(0, 1), [pred({ code: "9" }), pred({ code: "8" }), pred({ code: "1" })]);
    const f = skillsEvalFigures([
      { kind: "offer", counts: a },
      { kind: "cv", counts: b },
    ]);
    expect(f.n).toBe(2);
    expect(f.item).toEqual({ precision: 0.5, recall: 0.4, f1: 0.4444 });
    expect(f.by_kind.offer?.item).toEqual({ precision: 1, recall: 0.25, f1: 0.4 });
    expect(f.by_kind.cv?.item).toEqual({ precision: 0.3333, recall: 1, f1: 0.5 });
    expect(f.predictedPerText).toBe(2);
  });
});

describe("gold checks", () => {
  const accueil = { code: "100", kind: "competence", label: "Accueillir les clients" } as const;
  const permis = { code: "300", kind: "savoir", label: "Permis B" } as const;
  const line = GoldText.parse({
    id: "t1",
    kind: "offer",
    title: null,
    text,
    items: [
      { ...accueil, macro: "200", span: "accueil des clients", confidence: "high" },
      { ...accueil, macro: null, span: "accueil du public", confidence: "medium" },
      { ...permis, macro: null, span: "Permis B", confidence: "high", alternatives: ["999"] },
    ],
  });
  it("finds spans not in the text, codes twice and compétences without their MC", () => {
    expect(goldProblems(line, text)).toEqual([
      't1: 100\'s span not in the text: "accueil du public"',
      "t1: 100 annotated twice",
      "t1: compétence 100 without its macro",
    ]);
  });
  it("checks codes, labels, macros and alternatives against ROME", () => {
    const rome = {
      competences: new Map([["100", { libelle: "Accueillir une clientèle", macroCompetence: "200" }]]),
      macroCompetences: new Map([["200", { libelle: "Accueillir" }]]),
      savoirs: new Map([["300", { libelle: "Permis B" }]]),
    };
    expect(referentialProblems(line, rome)).toEqual([
      't1: 100 is "Accueillir une clientèle", not "Accueillir les clients"',
      't1: 100 is "Accueillir une clientèle", not "Accueillir les clients"',
      "t1: 100's macro is 200, not null",
      "t1: alternative 999 of 300 is no ROME item",
    ]);
  });
  it("takes a text from the texts file by id when the gold line has none, offers' description too", () => {
    const { text: _t, ...noText } = line;
    const texts = new Map([["t1", { id: "t1", description: "from the offers file" }]]);
    expect(textOf(noText, texts)).toBe("from the offers file");
    expect(textOf(line, texts)).toBe(text);
    expect(textOf({ ...noText, id: "t2" }, texts)).toBeNull();
  });
});

describe("details of a text", () => {
  it("lists the gold items no prediction finds and the predictions right for no gold item, with their evidence", () => {
    const wrong = pred({ code: "9", libelle: "Conduire un chariot", evidence: [at("Rigueur")] });
    const d = textDetails(text, G, [pred({ code: "1" }), wrong]);
    expect(d.missed.map((m) => m.code)).toEqual(["2", "3", "S1"]);
    expect(d.wrong).toEqual([{ code: "9", libelle: "Conduire un chariot", evidence: ["Rigueur"] }]);
  });
});
