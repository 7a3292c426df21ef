import type { Referential } from "../rome/index.js";
import { Bm25Index, contentStems, CoverageIndex } from "../text/index.js";

/** The skill labels as extraction reads them: compétences then savoirs, each label's unique content stems. */
export interface SkillLexicon {
  /** Rows of `skills`: compétences first, then savoirs. */
  skillIds: string[];
  /** Number of compétence rows at the start of `skillIds`. */
  competenceCount: number;
  /** IDF-weighted coverage of skill labels (extraction evidence). */
  skills: CoverageIndex;
}

export function buildSkillLexicon(ref: Referential): SkillLexicon {
  const skillIds: string[] = [];
  const skillStems: string[][] = [];
  // Unique stems per label: coverage counts a word once.
  for (const c of ref.competences.values()) {
    skillIds.push(c.code);
    skillStems.push([...new Set(contentStems(c.libelle))]);
  }
  for (const s of ref.savoirs.values()) {
    skillIds.push(s.code);
    skillStems.push([...new Set(contentStems(s.libelle))]);
  }
  // BM25's IDF over the labels weighs their words; words in nearly every label still count a little.
  const skillIdf = new Bm25Index(skillStems);
  return {
    skillIds,
    competenceCount: ref.competences.size,
    skills: new CoverageIndex(skillStems, (t) => skillIdf.idf(t) || 0.1),
  };
}
