export { createEngine, Engine, mcProfile, withParents, parentLift, PARENT_ODDS, type EngineOptions, type MatchOptions, type RequiredCandidate } from "./engine.js";
export { ExemplarMemory, exemplarGroup, NO_ITEM_CHOICES, type Exemplar, type ItemChoices } from "./exemplars.js";
export { combine, featurePairs, featuresUsed, interactionScorer, scoreOf, FEATURE_NAMES, GRID_WEIGHTS, GRID_WEIGHTS_NO_TITLE, RANK_MODEL, RANK_MODEL_NO_TITLE, rankScores, RERANK_DEPTH, type FicheFeatures, type Interaction, type RankModel, type RankWeights } from "./rank.js";
export { EXTRACTION } from "../skills/index.js";
export type * from "./types.js";
export { MatchPool, pooled, type Matcher } from "./pool.js";
export { chosenItems, REQUIRED_FEATURES, REQUIRED_MODEL, REQUIRED_MODEL_UNCODED, requiredFeatures, requiredProbability, type ChosenItem, type CodedNeighbour, type ItemHolder, type RequiredFeatures, type RequiredItem, type RequiredModel } from "./required.js";
export { CONFIDENCE, EVIDENCE_CONFLICT, evidenceAgainstFirst, matchStatus, type MatchStatus, type StatusReason } from "./status.js";
export { createCoverageChecker, type UncoveredPhrase } from "./uncovered.js";
