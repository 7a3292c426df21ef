import type { Referential } from "./referential.js";
import { round } from "../numbers.js";

/** How deep the compétences tree goes in one response (the full tree with 17,810 compétences is ~2 MB). */
export type TreeDepth = "domaine" | "enjeu" | "objectif" | "macro-competence" | "competence";
export const TREE_DEPTHS: readonly TreeDepth[] = ["domaine", "enjeu", "objectif", "macro-competence", "competence"];

export interface TreeCounts {
  macroCompetences: number;
  competences: number;
}

export interface TreeCompetence {
  code: string;
  libelle: string;
}

export interface TreeMacroCompetence {
  code: string;
  codeArbo: string;
  libelle: string;
  categorie: string;
  /** Fiches that mobilise the MC. */
  fiches: number;
  counts: { competences: number };
  competences?: TreeCompetence[];
}

export interface TreeNode {
  code: string;
  libelle: string;
  counts: TreeCounts;
  children?: TreeNode[];
  macroCompetences?: TreeMacroCompetence[];
}

/**
 * domaine → enjeu → objectif → macro-compétence → compétences, with counts at every level, cut at `depth`,
 * optionally restricted to one branch (`root`: a domaine, enjeu or objectif code such as "1", "1A", "1A1").
 */
export function competenceTree(ref: Referential, depth: TreeDepth = "macro-competence", root?: string): TreeNode[] {
  const d = TREE_DEPTHS.indexOf(depth);
  const mcs = [...ref.macroCompetences.values()]
    .filter((m) => !root || m.codeArbo.startsWith(root))
    .sort((a, b) => a.codeArbo.localeCompare(b.codeArbo));
  const level = (code: string) => ({ code, libelle: ref.levels.get(code)?.libelle ?? code });
  const byKey = <T>(xs: T[], key: (x: T) => string) => {
    const m = new Map<string, T[]>();
    for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
    return m;
  };
  const counts = (ms: typeof mcs): TreeCounts => ({
    macroCompetences: ms.length,
    competences: ms.reduce((s, m) => s + m.competences.length, 0),
  });
  const mcNode = (m: (typeof mcs)[number]): TreeMacroCompetence => ({
    code: m.code,
    codeArbo: m.codeArbo,
    libelle: m.libelle,
    categorie: m.categorie,
    fiches: ref.fichesForMacroCompetence(m.code).length,
    counts: { competences: m.competences.length },
    ...(d >= 4
      ? { competences: m.competences.map((c) => ({ code: c, libelle: ref.competences.get(c)?.libelle ?? c })) }
      : {}),
  });
  // Level index: 0 domaine, 1 enjeu, 2 objectif, 3 MC, 4 compétence. A node lists children only above `depth`.
  const build = (ms: typeof mcs, lvl: number): TreeNode[] => {
    const key = [
      (m: (typeof mcs)[number]) => m.domaine.code,
      (m: (typeof mcs)[number]) => m.enjeu.code,
      (m: (typeof mcs)[number]) => m.objectif.code,
    ][lvl]!;
    return [...byKey(ms, key)].map(([code, group]) => {
      const n: TreeNode = { ...level(code), counts: counts(group) };
      if (lvl === 2 && d >= 3) n.macroCompetences = group.map(mcNode);
      else if (lvl < 2 && d > lvl) n.children = build(group, lvl + 1);
      return n;
    });
  };
  return build(mcs, 0);
}

export interface CompetenceDetail {
  code: string;
  libelle: string;
  definition: string;
  categorie: string;
  sousCategorie: string;
  macroCompetence: { code: string; libelle: string };
  path: { domaine: TreeCompetence; enjeu: TreeCompetence; objectif: TreeCompetence };
  fiches: { code: string; libelle: string; coeurMetier: boolean }[];
}

export function competenceDetail(ref: Referential, code: string): CompetenceDetail | undefined {
  const c = ref.competences.get(code);
  if (!c) return undefined;
  const mc = ref.macroCompetences.get(c.macroCompetence)!;
  return {
    code: c.code,
    libelle: c.libelle,
    definition: c.definition,
    categorie: c.categorie,
    sousCategorie: c.sousCategorie,
    macroCompetence: { code: mc.code, libelle: mc.libelle },
    path: { domaine: mc.domaine, enjeu: mc.enjeu, objectif: mc.objectif },
    fiches: ref.fichesForItem(code).map((f) => {
      const fiche = ref.fiches.get(f)!;
      return {
        code: f,
        libelle: fiche.libelle,
        coeurMetier: fiche.competences.some((l) => l.code === code && l.coeurMetier === "principale"),
      };
    }),
  };
}

export interface MacroCompetenceDetail {
  code: string;
  codeArbo: string;
  libelle: string;
  categorie: string;
  /** IDF across fiches: rarer MCs weigh more in matching. */
  idf: number;
  path: { domaine: TreeCompetence; enjeu: TreeCompetence; objectif: TreeCompetence };
  competences: TreeCompetence[];
  /** Fiches that mobilise the MC (directly or through a compétence), coeur de métier first. */
  fiches: { code: string; libelle: string; coeurMetier: boolean; competences: number }[];
}

export function macroCompetenceDetail(ref: Referential, code: string): MacroCompetenceDetail | undefined {
  const m = ref.macroCompetences.get(code);
  if (!m) return undefined;
  const fiches = ref.fichesForMacroCompetence(code).map((f) => {
    const link = ref.ficheMacroCompetences(f).get(code)!;
    return {
      code: f,
      libelle: ref.fiches.get(f)!.libelle,
      coeurMetier: link.coeur,
      competences: link.competences.length,
    };
  });
  fiches.sort((a, b) => Number(b.coeurMetier) - Number(a.coeurMetier) || a.code.localeCompare(b.code));
  return {
    code: m.code,
    codeArbo: m.codeArbo,
    libelle: m.libelle,
    categorie: m.categorie,
    idf: round(ref.mcIdf(code), 3),
    path: { domaine: m.domaine, enjeu: m.enjeu, objectif: m.objectif },
    competences: m.competences.map((c) => ({ code: c, libelle: ref.competences.get(c)?.libelle ?? c })),
    fiches,
  };
}

export interface ContexteGroup {
  typeCode: string;
  typeLibelle: string;
  contextes: { code: string; libelle: string; fiches: number }[];
}

/** Contextes de travail grouped by type, with how many fiches carry each (what a filter would keep or drop). */
export function contextesByType(ref: Referential): ContexteGroup[] {
  const count = new Map<string, number>();
  for (const f of ref.fiches.values()) for (const c of f.contextes) count.set(c, (count.get(c) ?? 0) + 1);
  const groups = new Map<string, ContexteGroup>();
  for (const c of ref.contextes.values()) {
    let g = groups.get(c.typeCode);
    if (!g) groups.set(c.typeCode, (g = { typeCode: c.typeCode, typeLibelle: c.typeLibelle, contextes: [] }));
    g.contextes.push({ code: c.code, libelle: c.libelle, fiches: count.get(c.code) ?? 0 });
  }
  for (const g of groups.values()) g.contextes.sort((a, b) => a.libelle.localeCompare(b.libelle, "fr"));
  return [...groups.values()].sort((a, b) => a.typeCode.localeCompare(b.typeCode));
}
