/** Shapes the matching engine returns; the API's zod response schemas mirror them. */
import type { CvExperience, ExtractedSkill, Span } from "../skills/index.js";
import type { MatchStatus, StatusReason } from "./status.js";

export type { ExtractedSkill, Span };

export type DocumentKind = "offer" | "cv";

/**
 * For an offer, a ROME item of its best-ranked fiche that a recruiter would likely attach to it (France Travail's
 * offers carry such items), whether or not the text states it.
 */
export interface RequiredSkill {
  code: string;
  kind: "competence" | "savoir";
  libelle: string;
  macroCompetence: string | null;
  /** 0..1: fitted probability that the recruiter attaches this item (or its macro-compétence). */
  probability: number;
  /** The text that shows it; empty when the fiche and the labelled offers alone imply it. */
  evidence: Span[];
}

export interface MacroCompetenceEvidence {
  code: string;
  libelle: string;
  /** IDF weight of the MC across fiches. */
  weight: number;
  coeurMetier: boolean;
  /** The extracted compétences (codes) behind it and the spans that showed them. */
  competences: { code: string; libelle: string; score: number }[];
  evidence: Span[];
}

export interface MissingMacroCompetence {
  code: string;
  libelle: string;
  weight: number;
  coeurMetier: boolean;
}

export interface ScoreBreakdown {
  /** Title ↔ appellations (lexical + vector), 0..1. */
  title: number;
  /** Body ↔ fiche (lexical + vector), 0..1. */
  body: number;
  /** IDF-weighted share of the fiche's MCs that the text shows, 0..1. */
  mcOverlap: number;
  /** Votes of the most similar labelled offers (LABELLED_OFFERS) for this fiche, 0..1; 0 without a memory. */
  exemplars: number;
  /**
   * The ranking model's pairwise terms (products of two features, RankModel): positive where signals agree beyond
   * their sum, negative where they say the same thing twice. Not bounded; 0 for a model without them.
   */
  interactions: number;
  /** The ranking score: the linear features' weighted sum plus `interactions`. */
  total: number;
}

export interface MetierMatch {
  code: string;
  libelle: string;
  /**
   * Set when this fiche is listed as the code_rome_parent of a better-ranked split fiche (code of that child); in a
   * list of earlier codes (`codedWith`), also the best of the fiches it absorbed when it outscores the code's own.
   */
  parentOf: string | null;
  /**
   * Lists of an earlier referential's codes only (`codedWith`): today's fiches created since that this code stood
   * for then, whose confidences its own includes (empty when none).
   */
  mergedFrom?: string[];
  /** Calibrated-looking 0..1 confidence for this code (softmax over the candidate list). */
  confidence: number;
  score: ScoreBreakdown;
  /** The appellation that best matches the title or text, when one does. */
  appellation: { code: string; libelle: string; score: number } | null;
  sharedMacroCompetences: MacroCompetenceEvidence[];
  missingMacroCompetences: MissingMacroCompetence[];
  /** Extracted skills that this fiche does not use. */
  unusedSkills: { code: string; libelle: string }[];
}

/** A job a CV lists, as the match read it: the parsed job without its task lines, its weight and appellation. */
export interface CvExperienceMatch extends Omit<CvExperience, "tasks"> {
  /** 0..1: how much the job counts in ranking (longer, more recent: more), the heaviest 1. */
  weight: number;
  /** The appellation the title names (best autocomplete hit scoring ≥ 0.5), null when none does. */
  appellation: { code: string; libelle: string; ficheCode: string; score: number } | null;
}

export interface MatchResult {
  romeVersion: string;
  /**
   * Set when the text was coded before `romeVersion` (MatchInput `codedAt`, `romeVersion`): the earlier version whose
   * codes `metiers` lists (fiches created since are merged into the code they came from). Labels and explanations
   * stay those of `romeVersion`.
   */
  codedWith?: string;
  model: string;
  kind: DocumentKind;
  /** "confident" when the top score and its margin clear the calibrated thresholds, else "uncertain"; "empty" when nothing matched. */
  status: MatchStatus;
  /** Why "uncertain" (null otherwise): low confidence, small margin, or labelled offers against the text (`EVIDENCE_CONFLICT`). */
  statusReason: StatusReason | null;
  /** With "labelled_offers_against_text": the fiche the text's own ROME evidence favours. */
  evidenceLeader: string | null;
  margin: number;
  metiers: MetierMatch[];
  skills: ExtractedSkill[];
  /** CVs only (empty for an offer): the jobs the CV lists, with dates, weight, spans and appellation. */
  experiences: CvExperienceMatch[];
  /** Offers only (empty for a CV): the best fiches' items a recruiter would attach, most probable first. */
  requiredSkills: RequiredSkill[];
  /** Frequent phrases of the text that no ROME item covers (stemmed keys), for trend analysis. */
  uncoveredPhrases: string[];
  /** Where the time went: segmentation + stemming + embedding, skill extraction, fiche ranking, explanations. */
  timings: { totalMs: number; embedMs: number; extractMs: number; rankMs: number; explainMs: number };
}

export interface MatchInput {
  text: string;
  title?: string;
  /**
   * When the text was coded or posted (ISO date): before the configured earlier referential's end (ROME_EARLIER,
   * ROME_EARLIER_UNTIL; before ROME_HISTORICAL_UNTIL, the 532 historical codes) the métiers are the codes in force
   * then, as France Travail coded its offers.
   */
  codedAt?: string;
  /** The ROME version the caller codes with: today's (the default) or the configured earlier one. */
  romeVersion?: string;
  kind: DocumentKind;
  topK?: number;
  /**
   * false: métiers come without explanations (shared/missing MCs, unused skills, best appellation), for callers that
   * keep only codes and scores, such as the lake. Default true.
   */
  explain?: boolean;
}
