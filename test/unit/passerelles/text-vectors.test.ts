import { describe, expect, it } from "vitest";
import { WordVectors } from "../../../src/embed/index.js";
import { FicheTextVectors, type TextLabels } from "../../../src/passerelles/text-vectors.js";
import type { Fiche } from "../../../src/rome/index.js";
import { emptyFiche } from "../../../src/rome/load.js";
import { statedStems } from "../../../src/skills/index.js";

const fiche = (code: string, libelle: string, definition: string, accesMetier = ""): Fiche => ({
  ...emptyFiche({
    code,
    codeOgr: code,
    libelle,
    parent: code,
    grandDomaine: { code: "H", libelle: "" },
    domaineProfessionnel: { code: "H29", libelle: "" },
    tags: {
      transitionEcologique: null,
      transitionNumerique: null,
      transitionDemographique: null,
      emploiReglemente: null,
      emploiCadre: null,
    },
  }),
  definition,
  accesMetier,
});

const fiches = [
  fiche("A", "Soudeur", "Souder des pièces métalliques", "CAP chaudronnerie"),
  fiche("B", "Chaudronnier", "Assembler des pièces métalliques", "CAP soudure"),
  fiche("C", "Comptable", "Tenir la comptabilité", "BTS comptabilité"),
  fiche("D", "Gestionnaire de paie", "Établir la paie", "BTS gestion"),
];
const none: TextLabels = {
  appellations: new Map(),
  competences: new Map(),
  savoirs: new Map(),
  macroCompetences: new Map(),
};

/** Metal words along one axis, accounting words along another, a third for the rest. */
function vectors(): WordVectors {
  const metal = ["Soudeur", "Souder", "pièces", "métalliques", "Chaudronnier", "Assembler", "chaudronnerie", "soudure"];
  const money = ["Comptable", "comptabilité", "Gestionnaire", "paie", "Établir", "gestion", "Tenir"];
  const rows = new Map<string, number[]>();
  for (const w of metal) for (const s of statedStems(w)) rows.set(s, [1, 0, 0.2]);
  for (const w of money) for (const s of statedStems(w)) rows.set(s, [0, 1, 0.2]);
  const vocabulary = [...rows.keys()];
  return new WordVectors(vocabulary, 3, Float32Array.from(vocabulary.flatMap((w) => rows.get(w)!)));
}

describe("FicheTextVectors", () => {
  it("ranks fiches whose texts use related words above the others, whatever the exact words", () => {
    const tv = new FicheTextVectors(none, fiches, vectors());
    const out = new Float64Array(4);
    tv.similarityInto(0, "all", "all", out);
    expect(out[0]).toBeCloseTo(1, 5);
    expect(out[1]!).toBeGreaterThan(0.9);
    expect(out[2]!).toBeLessThan(0);
    tv.similarityInto(2, "definition", "definition", out);
    expect(out[3]!).toBeGreaterThan(out[0]!);
  });

  it("reads the same numbers from a precomputed matrix as computed on the fly", () => {
    const tv = new FicheTextVectors(none, fiches, vectors());
    const direct = [0, 1, 2, 3].map((s) => {
      const out = new Float64Array(4);
      tv.similarityInto(s, "all", "acces", out);
      return [...out];
    });
    tv.precompute("all", "acces");
    for (const s of [0, 1, 2, 3]) {
      const out = new Float64Array(4);
      tv.similarityInto(s, "all", "acces", out);
      expect([...out]).toEqual(direct[s]);
    }
  });

  it("leaves a fiche with no known word at 0", () => {
    const tv = new FicheTextVectors(none, [...fiches, fiche("E", "Xyzzy", "qwerty")], vectors());
    const out = new Float64Array(5);
    tv.similarityInto(4, "all", "all", out);
    expect([...out]).toEqual([0, 0, 0, 0, 0]);
  });
});
