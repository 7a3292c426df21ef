import type { Referential } from "../rome/index.js";
import type { PasserellesWeights } from "./model.js";

/**
 * Passerelles (métier → métier proximity), asymmetric as in Nesta's Mapping Career Causeways:
 * the question is how much of the *target's* skills the *source* already covers.
 *
 *   w_t(x)        = idf(x) × (coeur de métier of t ? 1 + coeurBoost : 1)          x = an MC, compétence or savoir
 *   coverage_L    = Σ_{x ∈ S ∩ T} w_t(x) / Σ_{x ∈ T} w_t(x)   at level L ∈ {MC, compétence, savoir} (0..1, asymmetric)
 *   titleSim      = cosine of TF-IDF stem vectors of libellé + appellations       (0..1, symmetric)
 *   definitionSim = cosine of TF-IDF stem vectors of the definitions              (0..1, symmetric)
 *   total         = Σ weight × feature                                            (weights sum to 1)
 *
 * The MC level carries the explanation (shared / to acquire); compétence and savoir coverage sharpen the
 * ranking because ROME's own mobilités mostly join fiches that share exact compétences or savoirs.
 * Weights were tuned on the official mobilités (benchmarks/proximity.ts, TUNE=1).
 */
export interface ProximityWeights {
  mc: number;
  competence: number;
  savoir: number;
  title: number;
  definition: number;
  /** Extra weight of a target's coeur-de-métier items: missing the core of a métier costs more. */
  coeurBoost: number;
}

/**
 * Tuned on the 14,912 official mobilités (TUNE=1 grid over the 5-feature simplex in steps of 0.25, coeurBoost 0/1):
 * the equal mix of MC coverage, savoir coverage, title and definition similarity was best (recall@10 0.311,
 * MRR 0.650); any single feature alone gives 0.195–0.241, MC coverage alone 0.210. Compétence coverage adds
 * nothing once savoirs are in (it is reported in the breakdown, weight 0). Rank fusion (RRF) did not beat it.
 */
export const DEFAULT_PROXIMITY_WEIGHTS: ProximityWeights = {
  mc: 0.25,
  competence: 0,
  savoir: 0.25,
  title: 0.25,
  definition: 0.25,
  coeurBoost: 1,
};

/** The fixed blend as weights over pair features (the ranker `fixed`, and the baseline of every comparison). */
export const FIXED_BLEND_MODEL: PasserellesWeights = {
  weights: {
    mcCoverage: DEFAULT_PROXIMITY_WEIGHTS.mc,
    competenceCoverage: DEFAULT_PROXIMITY_WEIGHTS.competence,
    savoirCoverage: DEFAULT_PROXIMITY_WEIGHTS.savoir,
    titleSim: DEFAULT_PROXIMITY_WEIGHTS.title,
    definitionSim: DEFAULT_PROXIMITY_WEIGHTS.definition,
  },
  interactions: [],
};

/**
 * Viability of a passerelle, on mcCoverage and coreCoverage (Nesta uses fixed similarity cut-offs the same way).
 * Calibrated on the official mobilités ("officialEdgesOnOurScale" in the benchmark output): the median official
 * mobilité covers 0.26 of its target's IDF-weighted MCs, so "viable" = at least as close as half of ROME's own
 * passerelles (0.25); "highly viable" = half of the target's MCs and half of its coeur de métier (~1 in 10 official ones).
 */
export const VIABILITY = {
  /** At least this share (IDF-weighted) of the target's MCs and of its coeur-de-métier MCs is covered. */
  highlyViable: { mcCoverage: 0.5, coreCoverage: 0.5 },
  viable: { mcCoverage: 0.25 },
} as const;

export type Viability = "highly_viable" | "viable" | "stretch";

export function viabilityOf(mcCoverage: number, coreCoverage: number): Viability {
  if (mcCoverage >= VIABILITY.highlyViable.mcCoverage && coreCoverage >= VIABILITY.highlyViable.coreCoverage)
    return "highly_viable";
  if (mcCoverage >= VIABILITY.viable.mcCoverage) return "viable";
  return "stretch";
}

/** IDF weight of one item (MC, compétence, savoir) for a target fiche. */
export function mcWeight(idf: number, coeur: boolean, coeurBoost: number): number {
  return idf * (coeur ? 1 + coeurBoost : 1);
}

export interface ProximityScore {
  mcCoverage: number;
  coreCoverage: number;
  competenceCoverage: number;
  savoirCoverage: number;
  titleSim: number;
  definitionSim: number;
  total: number;
}

/** Unweighted Jaccard of MC sets: the benchmark's baseline. */
export function mcJaccard(ref: Referential, a: string, b: string): number {
  const A = ref.ficheMacroCompetences(a);
  const B = ref.ficheMacroCompetences(b);
  let inter = 0;
  for (const k of A.keys()) if (B.has(k)) inter++;
  const union = A.size + B.size - inter;
  return union ? inter / union : 0;
}
