import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { loadReferential, RomeLoadError, type Referential } from "../src/rome/index.js";

const romeDir = loadConfig().romeDir;
let ref: Referential;
beforeAll(() => {
  ref = loadReferential(romeDir);
});

describe("ROME v460 referential", () => {
  it("loads the documented counts", () => {
    expect(ref.stats()).toEqual({ version: "v460", fiches: 1584, appellations: 13120, competences: 17810, macroCompetences: 507, savoirs: 15354, contextes: 179 });
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
      emergentes += [...f.competences, ...f.savoirs, ...f.macroCompetences].filter((l) => l.coeurMetier === "emergente").length;
    }
    expect(edges).toBe(14912);
    expect(emergentes).toBe(1731);
  });

  it("weights rare MCs above common ones (IDF)", () => {
    const dfs = [...ref.macroCompetences.keys()].map((mc) => ({ mc, df: ref.fichesForMacroCompetence(mc).length })).filter((x) => x.df > 0);
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
