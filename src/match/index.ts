export { createEngine, Engine, mcProfile, CONFIDENCE, type EngineOptions, type MatchOptions } from "./engine.js";
export { ExemplarMemory, exemplarGroup, type Exemplar } from "./exemplars.js";
export { RANK_WEIGHTS, RANK_WEIGHTS_NO_TITLE, type FicheFeatures, type RankWeights } from "./rank.js";
export { EXTRACTION } from "./extract.js";
export type * from "./types.js";
export { evaluateOffers, readOffers, rankOf, rankFigures, macroTop1, byOrigin, skillAgreement, EvalOffer, type RankRecord, type RankFigures } from "./evaluate.js";
export { MatchPool, pooled, type Matcher } from "./pool.js";
