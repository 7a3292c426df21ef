import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import {
  diffReferentials,
  loadEscoCrosswalk,
  loadReferential,
  mapForward,
  RomeLoadError,
  type Referential,
} from "../../../src/rome/index.js";

const romeDir = loadConfig().romeDir;
let ref: Referential;
beforeAll(() => {
  ref = loadReferential(romeDir);
});

describe("ROME v460 referential", () => {
  it("loads the documented counts", () => {
    expect(ref.stats()).toEqual({
      version: "v460",
      fiches: 1584,
      appellations: 13120,
      competences: 17810,
      macroCompetences: 507,
      savoirs: 15354,
      contextes: 179,
    });
  });

  it("links a fiche to its appellations, compétences, MCs, savoirs, contextes and mobilités", () => {
    const f = ref.fiche("m1805")!;
    expect(f.libelle).toMatch(/Développeur/);
    expect(f.appellations.every((a) => ref.appellations.get(a)!.ficheCode === "M1805")).toBe(true);
    expect(f.competences.length).toBeGreaterThan(5);
    expect(f.savoirs.length).toBeGreaterThan(5);
    expect(f.contextes.length).toBeGreaterThan(0);
    expect(f.mobilites.every((m) => ref.fiches.has(m.cible))).toBe(true);
    expect(f.definition.length).toBeGreaterThan(20);
    expect(f.tags.transitionNumerique).toBe(true);
  });

  it("walks compétence → MC → objectif → enjeu → domaine", () => {
    const c = ref.competences.get("100023")!; // Abattre un arbre
    const mc = ref.macroCompetences.get(c.macroCompetence)!;
    expect(mc.competences).toContain("100023");
    expect(mc.objectif.code.startsWith(mc.enjeu.code)).toBe(true);
    expect(mc.enjeu.code.startsWith(mc.domaine.code)).toBe(true);
    expect(mc.codeArbo.startsWith(mc.objectif.code)).toBe(true);
  });

  it("counts every mobilité edge and every Émergente link", () => {
    let edges = 0;
    let emergentes = 0;
    for (const f of ref.fiches.values()) {
      edges += f.mobilites.length;
      emergentes += [...f.competences, ...f.savoirs, ...f.macroCompetences].filter(
        (l) => l.coeurMetier === "emergente",
      ).length;
    }
    expect(edges).toBe(14912);
    expect(emergentes).toBe(1731);
  });

  it("weights rare MCs above common ones (IDF)", () => {
    const dfs = [...ref.macroCompetences.keys()]
      .map((mc) => ({ mc, df: ref.fichesForMacroCompetence(mc).length }))
      .filter((x) => x.df > 0);
    dfs.sort((a, b) => a.df - b.df);
    expect(ref.mcIdf(dfs[0]!.mc)).toBeGreaterThan(ref.mcIdf(dfs[dfs.length - 1]!.mc));
    expect(ref.mcIdf("not-a-code")).toBe(0);
  });
});

describe("loading a broken export", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "rome-"));
    cpSync(romeDir, path.join(dir, "v460"), { recursive: true });
    dir = path.join(dir, "v460");
  });
  afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it("names the missing file", () => {
    const file = path.join(dir, "unix_rubrique_mobilite_v460_utf8.csv");
    const saved = readFileSync(file);
    rmSync(file);
    try {
      expect(() => loadReferential(dir)).toThrowError(/unix_rubrique_mobilite_v460_utf8\.csv.*missing/);
    } finally {
      writeFileSync(file, saved);
    }
  });

  it("names the file and line of a malformed row", () => {
    const file = path.join(dir, "unix_referentiel_code_rome_v460_utf8.csv");
    const saved = readFileSync(file, "utf8");
    const lines = saved.split("\n");
    lines[3] = lines[3]!.replace(/^"[A-N]\d{4}"/, '"XX12"');
    writeFileSync(file, lines.join("\n"));
    try {
      let err: unknown;
      try {
        loadReferential(dir);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RomeLoadError);
      expect((err as RomeLoadError).line).toBe(4);
      expect((err as Error).message).toMatch(/unix_referentiel_code_rome_v460_utf8\.csv, line 4: column "code_rome"/);
    } finally {
      writeFileSync(file, saved);
    }
  });

  it("refuses a compétence whose macro-compétence does not exist", () => {
    const file = path.join(dir, "unix_referentiel_competence_v460_utf8.csv");
    const saved = readFileSync(file, "utf8");
    writeFileSync(file, saved.replace(/("Compétence","Abattre un arbre","",)"300230"/, '$1"999999"'));
    try {
      expect(() => loadReferential(dir)).toThrowError(/100023 points to unknown macro-compétence "999999"/);
    } finally {
      writeFileSync(file, saved);
    }
  });
});

/**
 * A next quarter's export made from the real v460 files: A1102 retired into A1101 (its appellations moved there),
 * one appellation renamed, one compétence unlinked from M1805.
 */
function nextVersion(root: string): string {
  const dir = path.join(root, "v461");
  mkdirSync(dir);
  const unlinked = '"M1805","5","1","109846"';
  for (const file of readdirSync(romeDir).filter((f) => f.endsWith(".csv"))) {
    let text = readFileSync(path.join(romeDir, file), "utf8");
    if (/referentiel_appellation_/.test(file))
      text = text
        .replaceAll('"A1102"', '"A1101"')
        .replace('"10200","Abatteur / Abatteuse de carrière"', '"10200","Abatteur / Abatteuse en carrière"');
    else if (/_(referentiel_code_rome|liens_rome_referentiels|rubrique_mobilite|coherence_item|texte)_v460/.test(file))
      text = text
        .split("\n")
        .filter((l) => !l.includes('"A1102"') && l !== unlinked)
        .join("\n");
    writeFileSync(path.join(dir, file.replace("v460", "v461")), text);
  }
  return dir;
}

describe("referential diff", () => {
  it("finds nothing between a referential and itself", () => {
    const d = diffReferentials(ref, ref);
    expect(Object.values(d.summary).every((n) => n === 0)).toBe(true);
    expect(d.fiches.successors).toEqual([]);
  });

  it("lists a quarter's changes and maps a retired code to the fiche its appellations went to", () => {
    const root = mkdtempSync(path.join(tmpdir(), "rome-diff-"));
    try {
      const next = loadReferential(nextVersion(root));
      const d = diffReferentials(ref, next);
      expect([d.from, d.to]).toEqual(["v460", "v461"]);
      expect(d.fiches.removed).toEqual([{ code: "A1102", libelle: ref.fiches.get("A1102")!.libelle }]);
      expect(d.fiches.added).toEqual([]);
      const moved = ref.fiches.get("A1102")!.appellations;
      expect(d.fiches.successors).toEqual([
        { code: "A1102", successors: [{ code: "A1101", appellations: moved.length }] },
      ]);
      expect(d.appellations.moved.map((m) => [m.code, m.from, m.to]).sort()).toEqual(
        moved.map((c) => [c, "A1102", "A1101"]).sort(),
      );
      expect(d.appellations.renamed).toEqual([
        { code: "10200", from: "Abatteur / Abatteuse de carrière", to: "Abatteur / Abatteuse en carrière" },
      ]);
      expect(d.ficheItems).toEqual([{ code: "M1805", added: [], removed: ["109846"] }]);
      const involving = [...ref.fiches.values()]
        .flatMap((f) => f.mobilites.map((m) => [f.code, m.cible]))
        .filter(([x, y]) => x === "A1102" || y === "A1102");
      expect(d.mobilites).toEqual({ added: 0, removed: involving.length });
      expect(d.summary).toMatchObject({
        fichesRemoved: 1,
        appellationsMoved: moved.length,
        appellationsRenamed: 1,
        fichesWithItemChanges: 1,
        competencesRemoved: 0,
      });
      expect(mapForward(d, next, "A1102")).toEqual({ code: "A1102", status: "replaced", successors: ["A1101"] });
      expect(mapForward(d, next, "M1805")).toEqual({ code: "M1805", status: "kept", successors: ["M1805"] });
      expect(mapForward(d, next, "Z9999")).toEqual({ code: "Z9999", status: "unknown", successors: [] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("ESCO crosswalk", () => {
  const file = loadConfig().escoCrosswalk!;
  it("loads France Travail's mapping for the referential's appellations", () => {
    const cw = loadEscoCrosswalk(file, ref);
    expect(cw.version).toBe("ESCO 1.0.9, mapping V1.4");
    expect(cw.skipped).toBe(0);
    expect(cw.byAppellation.get("19489")).toEqual([
      {
        uri: "http://data.europa.eu/esco/occupation/4975c4cc-a89f-4ea8-82aa-501258dfb2f9",
        appellation: "19489",
        relation: "exactMatch",
      },
    ]);
  });

  it("names the file and line of a malformed mapping, and skips appellations the referential lacks", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "esco-"));
    try {
      const lines = readFileSync(file, "utf8").split("\n");
      const header = lines.findIndex((l) => l.startsWith("classification 1 ID"));
      const bad = path.join(dir, "bad.csv");
      writeFileSync(
        bad,
        [
          ...lines.slice(0, header + 3),
          lines[header + 3]!.replace("skos:closeMatch", "skos:sameAs")
            .replace("skos:exactMatch", "skos:sameAs")
            .replace("skos:narrowMatch", "skos:sameAs")
            .replace("skos:broadMatch", "skos:sameAs"),
        ].join("\n"),
      );
      expect(() => loadEscoCrosswalk(bad, ref)).toThrow(new RegExp(`bad\\.csv, line ${header + 4}: mapping relation`));
      const older = path.join(dir, "older.csv");
      writeFileSync(
        older,
        [...lines.slice(0, header + 2), lines[header + 2]!.replace(/,(\d+),/, ",99999999,")].join("\n"),
      );
      expect(loadEscoCrosswalk(older, ref)).toMatchObject({ skipped: 1 });
      expect(() => loadEscoCrosswalk(path.join(dir, "missing.csv"), ref)).toThrow(RomeLoadError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
