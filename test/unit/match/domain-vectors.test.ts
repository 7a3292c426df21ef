import { describe, expect, it } from "vitest";
import { dot, WordVectors } from "../../../src/embed/index.js";
import { buildDomainVectors } from "../../../src/match/domain-vectors.js";
import { Referential, type Appellation, type Fiche } from "../../../src/rome/index.js";
import { statedStems } from "../../../src/skills/index.js";

/** A fiche with only what the domain vectors read (labels, appellations, definition). */
function fiche(code: string, libelle: string, definition: string, appellations: string[]): Fiche {
  return {
    code,
    codeOgr: code,
    libelle,
    parent: code,
    grandDomaine: { code: code[0]!, libelle: "" },
    domaineProfessionnel: { code: code.slice(0, 3), libelle: "" },
    tags: {
      transitionEcologique: null,
      transitionNumerique: null,
      transitionDemographique: null,
      emploiReglemente: null,
      emploiCadre: null,
    },
    definition,
    accesMetier: "",
    appellations,
    competences: [],
    macroCompetences: [],
    savoirs: [],
    contextes: [],
    mobilites: [],
    riasec: null,
    secteursActivite: [],
    centresInteret: [],
  };
}

const appellation = (code: string, libelle: string, ficheCode: string): Appellation => ({
  code,
  libelle,
  libelleCourt: libelle,
  ficheCode,
  principale: false,
  peuUsite: false,
  emploiCadre: null,
});

/** Bakery words along the first axis, accounting words along the second, a word every text has along the third. */
function vectors(): WordVectors {
  const axes: [string, number[]][] = [
    ["boulanger", [1, 0, 0]],
    ["pain", [0.9, 0, 0.44]],
    ["comptable", [0, 1, 0]],
    ["bilan", [0, 0.9, 0.44]],
    ["métier", [0, 0, 1]],
  ];
  const rows = axes.map(([w, v]) => [statedStems(w)[0]!, v] as const);
  return new WordVectors(
    rows.map(([w]) => w),
    3,
    Float32Array.from(rows.flatMap(([, v]) => v)),
  );
}

describe("buildDomainVectors", () => {
  const ref = new Referential({
    version: "test",
    fiches: new Map([
      ["D1102", fiche("D1102", "Boulangerie", "Métier du pain", ["1"])],
      ["M1203", fiche("M1203", "Comptabilité", "Métier du bilan", ["2"])],
    ]),
    appellations: new Map([
      ["1", appellation("1", "Boulanger", "D1102")],
      ["2", appellation("2", "Comptable", "M1203")],
    ]),
    competences: new Map(),
    macroCompetences: new Map(),
    savoirs: new Map(),
    contextes: new Map(),
    levels: new Map(),
  });
  const dv = buildDomainVectors(vectors(), ref, ["D1102", "M1203"]);
  const row = (m: Float32Array, i: number) => m.subarray(i * dv.dim, (i + 1) * dv.dim);

  it("reads a title nearer its own fiche's appellation and centroid than another's", () => {
    const title = dv.embed(statedStems("boulanger pain"))!;
    expect(dv.appellationFiche).toEqual(Int32Array.of(0, 1));
    expect(dot(title, row(dv.appellationVecs, 0))).toBeGreaterThan(dot(title, row(dv.appellationVecs, 1)));
    expect(dot(title, row(dv.ficheCentroids, 0))).toBeGreaterThan(0.5);
    expect(dot(title, row(dv.ficheCentroids, 1))).toBeLessThan(0);
  });

  it("weighs a word every fiche uses 0, and knows no text without a known word", () => {
    // "métier" is in both fiches' definitions: its IDF is 0, so alone it is near no fiche.
    const common = dv.embed(statedStems("métier"))!;
    expect(Math.abs(dot(common, row(dv.ficheCentroids, 0)))).toBeLessThan(0.5);
    expect(dv.embed(statedStems("plombier"))).toBeNull();
  });
});
