/** Shapes of skill extraction; the match answer and the API's zod schemas mirror them. */

export interface Span {
  start: number;
  end: number;
  text: string;
}

/**
 * A ROME compétence, savoir or macro-compétence found in a text, with the text that shows it. Macro-compétences
 * are savoir-être and broad skills ROME 4.0 has only at that level ("Faire preuve de rigueur et de précision").
 */
export interface ExtractedSkill {
  code: string;
  kind: "competence" | "savoir" | "macro-competence";
  libelle: string;
  /** For a compétence, its macro-compétence (code_ogr); null for a savoir or a macro-compétence. */
  macroCompetence: string | null;
  /** 0..1: combined vector and lexical evidence. */
  score: number;
  evidence: Span[];
}
