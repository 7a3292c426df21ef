import { describe, expect, it } from "vitest";
import { contentStems } from "../../../src/text/index.js";
import {
  bagOf,
  createLexicalCoverage,
  createPhraseCoverage,
  groupFindings,
  mainContentOf,
  nestedFragments,
  praiseOnly,
  sameFinding,
  termLike,
  type LabelSource,
  type ScoredPhrase,
} from "../../../src/trends/index.js";

const labels = (libelles: string[]): LabelSource => ({
  competences: new Map(libelles.map((libelle, i) => [`c${i}`, { code: `c${i}`, libelle }])),
  savoirs: new Map(),
  macroCompetences: new Map(),
  appellations: new Map(),
  contextes: new Map(),
});

describe("candidate terms", () => {
  it("keeps phrases of several words and single words the lexicon does not know, drops single general words", () => {
    expect(termLike("sen servic client", "sens du service client")).toBe(true);
    expect(termLike("kubernet", "kubernetes")).toBe(true);
    expect(termLike("veritabl", "veritable")).toBe(false);
    expect(termLike("reconnu", "reconnu")).toBe(false);
    // Adverbs and pronouns the lexicon lacks, and words of the referential's own prose.
    expect(termLike("facil", "facilement")).toBe(false);
    expect(termLike("partout", "partout")).toBe(false);
    expect(termLike("europ", "europe")).toBe(true);
    expect(termLike("europ", "europe", new Set(["europe"]))).toBe(false);
  });

  it("drops a key whose documents mostly carry one longer key containing it (nested frequency)", () => {
    const supports = new Map([
      ["valeur ajoute", 64],
      ["ajoute", 65],
      ["valeur", 300],
      ["travaill etroit collabor", 42],
      ["travaill etroit", 46],
    ]);
    const f = nestedFragments(supports);
    expect([...f].sort()).toEqual(["ajoute", "travaill etroit"]);
    // "valeur" is mostly said without "ajoutée": a term of its own.
    expect(f.has("valeur")).toBe(false);
    expect(nestedFragments(supports, 0.99).size).toBe(0);
  });

  it("drops appraisal around words the referential already says", () => {
    const said = createLexicalCoverage(labels(["Travailler en équipe", "Capacité d'adaptation"]));
    const key = (t: string) => contentStems(t).join(" ");
    expect(praiseOnly(key("équipe dynamique"), said)).toBe(true);
    expect(praiseOnly(key("excellente capacité"), said)).toBe(true);
    // Praise around something new stays a candidate, and so does a phrase without praise.
    expect(praiseOnly(key("bonne maîtrise kubernetes"), said)).toBe(false);
    expect(praiseOnly(key("sens du service client"), said)).toBe(false);
  });

  it("counts the same words in another order as one finding", () => {
    expect(bagOf("rigueur autonom")).toBe(bagOf("autonom rigueur"));
    expect(sameFinding("rigueur autonom", "autonom rigueur")).toBe(true);
    expect(sameFinding("etroit collabor", "travaill etroit collabor")).toBe(true);
    expect(sameFinding("etroit collabor", "esprit initi")).toBe(false);
    const p = (key: string, score: number): ScoredPhrase => ({
      key,
      label: key,
      score,
      support: 20,
      sources: 2,
      flagged: true,
    });
    const groups = groupFindings([p("rigueur autonom", 3), p("esprit initi", 2), p("autonom rigueur", 1)], new Map());
    expect(groups.map((g) => g.members)).toEqual([["rigueur autonom", "autonom rigueur"], ["esprit initi"]]);
  });
});

describe("coverage yardsticks", () => {
  const ref = labels([
    "Sens du service client",
    "Suivre les indicateurs d'activité des projets sous sa responsabilité",
    "Ingénieur diplômé de l'institut supérieur d'agriculture Rhône-Alpes",
  ]);
  const key = (s: string) => contentStems(s).join(" ");
  it("the word test covers a key when one label holds all its stems, in any place", () => {
    const bag = createLexicalCoverage(ref);
    expect(bag(key("sens service client"))?.libelle).toBe("Sens du service client");
    expect(bag(key("responsabilité suivre"))?.code).toBe("c1");
    expect(bag(key("gestion des stocks"))).toBeNull();
  });
  it("the phrase test needs the stems as one run of content words, in order, at least half the label", () => {
    const said = createPhraseCoverage(ref);
    expect(said(key("sens service client"))?.libelle).toBe("Sens du service client");
    expect(said(key("service client"))?.code).toBe("c0");
    expect(said(key("responsabilité suivre"))).toBeNull();
    expect(said(key("client service"))).toBeNull();
    // One place name inside a long diploma label is not the label's content.
    expect(createLexicalCoverage(ref)(key("Rhône"))?.code).toBe("c2");
    expect(said(key("Rhône"))).toBeNull();
    expect(mainContentOf(key("grands comptes clients"), "Gestion des grands comptes")).toBe(true);
    expect(mainContentOf(key("Rhône"), "Ingénieur diplômé de l'institut supérieur d'agriculture Rhône-Alpes")).toBe(
      false,
    );
  });
});
