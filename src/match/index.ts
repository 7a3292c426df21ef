// The runtime surface of matching; what only the trainers read is in fitting.ts.
export { Engine, type MatchOptions } from "./engine.js";
export { createEngine, type EngineOptions } from "./create.js";
export { ExemplarMemory, exemplarGroup, NO_ITEM_CHOICES, type Exemplar, type ItemChoices } from "./exemplars.js";
export { RANK_MODEL, RANK_MODEL_NO_TITLE, type FicheFeatures, type RankModel } from "./rank.js";
export type * from "./types.js";
export { MatchPool, pooled, type Matcher } from "./pool.js";
export {
  FeedbackLearning,
  LiveEngine,
  countsOf,
  type FeedbackOffer,
  type FeedbackSource,
  type LearningStatus,
  type MemoryCounts,
  type MemoryTarget,
} from "./live.js";
export { chosenItems, type ChosenItem, type RequiredModel } from "./required.js";
export { REQUIRED_MODEL, REQUIRED_MODEL_UNCODED } from "./required-model.js";
export { CONFIDENCE, EVIDENCE_CONFLICT, matchStatus, type MatchStatus, type StatusReason } from "./status.js";
export { createCoverageChecker, type UncoveredPhrase } from "./uncovered.js";
export { codedToday, codesFor, inForce, type CodedWhen, type EarlierCodes } from "./coded.js";
