import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { loadReferential, type Referential } from "../../../src/rome/index.js";
import {
  buildSkillLexicon,
  createExtractionContext,
  scoreUnit,
  unitsThatMayRead,
  type ExtractionContext,
} from "../../../src/skills/index.js";
import { contentStems, segment } from "../../../src/text/index.js";

let ref: Referential;
let x: ExtractionContext;
beforeAll(() => {
  ref = loadReferential(loadConfig().romeDir);
  x = createExtractionContext(buildSkillLexicon(ref), null);
});

const OFFER = `Nous recherchons un cuisinier H/F pour notre restaurant.
Vos missions : préparer les entrées, les plats et les desserts, dresser les assiettes, assurer l'entretien de la cuisine
et du matériel, réceptionner et contrôler les livraisons, appliquer les règles d'hygiène HACCP.
Accueil des clients et encaissement en l'absence du responsable.
Profil : CAP cuisine, sens du travail en équipe, rigueur et ponctualité. Permis B apprécié.`;

describe("unitsThatMayRead", () => {
  it("leaves out only units whose open search reads none of the given labels", () => {
    const units = segment(OFFER);
    const stems = units.map((u) => new Set(contentStems(u.text)));
    const open = units.map((_, i) => scoreUnit(x, i, stems[i]!, null));
    const read = open.flat();
    expect(read.length).toBeGreaterThan(3);
    // The items of the fiche of cooks, plus items a unit reads whatever the fiche (so that some units must be kept).
    const fiche = ref.fiches.get("G1602")!;
    const codes = new Set([...fiche.competences, ...fiche.savoirs].map((l) => l.code));
    for (const c of read.slice(0, 2)) codes.add(c.code);
    const rows = [...codes].map((c) => x.skillRow.get(c)).filter((r): r is number => r !== undefined);
    const may = unitsThatMayRead(
      x,
      rows,
      stems,
      units.map(() => null),
    );
    let kept = 0;
    open.forEach((cands, i) => {
      const readsOne = cands.some((c) => codes.has(c.code));
      if (readsOne) expect(may[i], `unit ${i}: ${units[i]!.text}`).toBe(1);
      kept += may[i]!;
    });
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(units.length); // some units cannot read a cook's item and are skipped
  });
});
