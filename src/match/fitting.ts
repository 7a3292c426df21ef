/**
 * What the trainers and their tests read (scripts/train.ts, tune-weights.ts, tune-required.ts): the ranking and
 * offer-coding models' features, scorers, grid weights and the parent lift. Not part of the runtime surface
 * (index.ts), which src/ folders use.
 */
export {
  combine,
  featurePairs,
  featuresUsed,
  interactionScorer,
  rankScores,
  scoreOf,
  FEATURE_NAMES,
  GRID_WEIGHTS,
  GRID_WEIGHTS_NO_TITLE,
  RERANK_DEPTH,
  RANK_MODEL_FILE,
  readRankModelFile,
  type Interaction,
  type RankWeights,
} from "./rank.js";
export { parentLift, PARENT_ODDS, withParents } from "./stages/rank.js";
export { earlierCodes, mergeInForce } from "./coded.js";
export type { RequiredCandidate } from "./stages/required.js";
export {
  REQUIRED_FEATURES,
  requiredFeatures,
  requiredProbability,
  type CodedNeighbour,
  type ItemHolder,
  type RequiredFeatures,
  type RequiredItem,
} from "./required.js";
export { readRequiredModelFile, REQUIRED_MODEL_FILE, RequiredModelFile } from "./required-model.js";
// The fiche classifier: training (src/tuning/train-classifier.ts), its file, and the feature it gives the engine.
export {
  CLASSIFIER_FILE,
  CLASSIFIER_FLOOR,
  ClassifierManifest,
  classifierFeature,
  classifierInput,
  ficheProbabilities,
  hashString,
  hiddenOf,
  loadClassifier,
  logitsOf,
  packWeights,
  readClassifier,
  softmaxInPlace,
  unpackWeights,
  type ClassifierFeature,
  type ClassifierInput,
  type FicheClassifier,
} from "./classifier.js";
