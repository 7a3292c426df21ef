/** What a profile match takes and returns, and the access rule (documented in the API). */
import { VIABILITY } from "./blend.js";
import type { MacroCompetenceToAcquire, Passerelle, SharedMacroCompetence } from "./explain.js";
import { CodedError } from "../errors.js";

/** Documented limits of one profile. */
export const PROFILE_LIMITS = { maxCodes: 200, maxLabels: 50, maxLabelChars: 200 } as const;

/**
 * Access rule (documented in the API):
 * - accessible now: the profile covers ≥ 80 % (IDF-weighted) of the fiche's coeur-de-métier MCs and ≥ 60 % of
 *   all its MCs, and the fiche is not an emploi réglementé (those need a diploma or licence whatever the skills);
 * - accessible with training: ≥ 25 % of all MCs (the passerelle "viable" floor, VIABILITY.viable) or ≥ 50 % of the coeur MCs,
 *   or a regulated fiche that meets the "now" bar, or (a profile that lists savoirs) ≥ 10 % of the fiche's savoirs (IDF-weighted);
 * - below both: not listed (counted in `belowThreshold`).
 */
export const ACCESS_RULE = {
  now: { coreCoverage: 0.8, mcCoverage: 0.6 },
  training: { mcCoverage: VIABILITY.viable.mcCoverage, coreCoverage: 0.5, savoirCoverage: 0.1 },
} as const;

/** Weight of savoir coverage in the ranking score, applied only when the profile lists savoirs. */
export const SAVOIR_SHARE = 0.2;

export type ProfileItemKind = "competence" | "macro-competence" | "savoir";

export interface ProfileInput {
  /** ROME code_ogr of compétences, macro-compétences or savoirs. */
  codes: readonly string[];
  /** Free-text skill labels, resolved to codes by keyword search. */
  labels: readonly string[];
}

export interface ResolvedItem {
  input: string;
  via: "code" | "exact-label" | "search";
  code: string;
  kind: ProfileItemKind;
  libelle: string;
  score: number;
  macroCompetence: string | null;
}

export interface UnresolvedLabel {
  input: string;
  reason: string;
  suggestions: { code: string; kind: ProfileItemKind; libelle: string; score: number }[];
}

export type Access = "now" | "training";

/** A fiche's coverage by a profile, part by part, and the ranking score (`total`). */
export interface ProfileScore {
  coverage: number;
  mcCoverage: number;
  coreCoverage: number;
  savoirCoverage: number | null;
  competenceCoverage: number;
  reverseMcCoverage: number;
  total: number;
}

export interface ProfileMetier {
  code: string;
  libelle: string;
  rank: number;
  access: Access;
  reason: string;
  emploiReglemente: boolean;
  /** `total`: the ranking score (the learned ranker's features that apply to a profile, or `coverage` when fixed). */
  score: ProfileScore;
  shared: SharedMacroCompetence[];
  gap: {
    macroCompetences: MacroCompetenceToAcquire[];
    competences: Passerelle["toAcquire"]["competences"];
    /** The fiche's savoirs the profile does not list (coeur de métier first); only when the profile lists savoirs. */
    savoirs: { code: string; libelle: string; coeurMetier: boolean }[];
  };
}

export interface ProfileMatch {
  status: "ok" | "nothing_to_match";
  message?: string;
  resolution: { resolved: ResolvedItem[]; unresolved: UnresolvedLabel[] };
  profile: { macroCompetences: number; competences: number; savoirs: number };
  accessibleNow: ProfileMetier[];
  accessibleWithTraining: ProfileMetier[];
  /** Fiches (after filters) with some overlap but below the "with training" bar. */
  belowThreshold: number;
}

/** Bad profile input: empty_profile, invalid_request (wrong kind of code) or not_found (codes unknown to ROME). */
export class ProfileError extends CodedError {
  constructor(code: "empty_profile" | "invalid_request" | "not_found", message: string, details?: unknown) {
    super(code, message, { details });
  }
}

export function accessOf(
  mcCoverage: number,
  coreCoverage: number,
  reglemente: boolean,
): { access: Access; reason: string } | null {
  const meetsNow = coreCoverage >= ACCESS_RULE.now.coreCoverage && mcCoverage >= ACCESS_RULE.now.mcCoverage;
  if (meetsNow && !reglemente)
    return { access: "now", reason: "covers the coeur de métier and most of the fiche's macro-compétences" };
  if (meetsNow)
    return {
      access: "training",
      reason: "skills suffice but this is an emploi réglementé: a diploma, licence or authorisation is required",
    };
  if (mcCoverage >= ACCESS_RULE.training.mcCoverage || coreCoverage >= ACCESS_RULE.training.coreCoverage)
    return {
      access: "training",
      reason:
        coreCoverage < ACCESS_RULE.now.coreCoverage
          ? "part of the coeur de métier is missing"
          : "the coeur de métier is covered but many other macro-compétences are missing",
    };
  return null;
}
