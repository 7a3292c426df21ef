import type { Referential } from "../rome/index.js";
import { buildSkillLexicon, type SkillLexicon } from "../skills/index.js";
import { Bm25Index, contentStems } from "../text/index.js";

/**
 * The lexical side of the referential: BM25 indexes over appellations (title matching), whole fiches
 * (body matching) and skill labels (extraction evidence). Built once at start, ~1 s.
 */
export interface Lexicon extends SkillLexicon {
  /** Row i of `appellations` is appellation `appellationIds[i]` (fiche labels are added as extra rows). */
  appellationIds: string[];
  appellationFiche: string[];
  /** Row of `appellations` → row of its fiche in `ficheCodes`. */
  appellationFicheRow: Int32Array;
  appellations: Bm25Index;
  ficheCodes: string[];
  ficheRow: Map<string, number>;
  fiches: Bm25Index;
}

export function buildLexicon(ref: Referential): Lexicon {
  const appellationIds: string[] = [];
  const appellationFiche: string[] = [];
  const appDocs: string[][] = [];
  for (const a of ref.appellations.values()) {
    appellationIds.push(a.code);
    appellationFiche.push(a.ficheCode);
    appDocs.push(contentStems(a.libelle));
  }
  const ficheCodes = [...ref.fiches.keys()].sort();
  const ficheRow = new Map(ficheCodes.map((c, i) => [c, i]));
  const ficheDocs = ficheCodes.map((code) => {
    const f = ref.fiches.get(code)!;
    // Titles count three times, skills once, definition once: what a recruiter writes is mostly titles and tasks.
    const parts: string[] = [f.libelle, f.libelle, f.libelle];
    for (const a of f.appellations) parts.push(ref.appellations.get(a)!.libelle);
    for (const c of f.competences) parts.push(ref.competences.get(c.code)!.libelle);
    for (const s of f.savoirs) parts.push(ref.savoirs.get(s.code)!.libelle);
    for (const m of f.macroCompetences) parts.push(ref.macroCompetences.get(m.code)!.libelle);
    parts.push(f.definition);
    return contentStems(parts.join("\n"));
  });
  return {
    appellationIds,
    appellationFiche,
    appellationFicheRow: Int32Array.from(appellationFiche, (c) => ficheRow.get(c)!),
    appellations: new Bm25Index(appDocs, 1.2, 0.5),
    ficheCodes,
    ficheRow,
    fiches: new Bm25Index(ficheDocs, 1.2, 0.75),
    ...buildSkillLexicon(ref),
  };
}
