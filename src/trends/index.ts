export {
  analyzeCounts,
  analyzeTrends,
  type AttachResult,
  type DetailsProvider,
  type PhraseAttacher,
  type TrendContext,
  type TrendCounts,
} from "./analyze.js";
export { detailsFromDocuments, snippetAround, type PhraseDetails } from "./details.js";
export { createPhraseAttacher, ATTACH } from "./attach.js";
export {
  BOILERPLATE,
  documentPhrases,
  findBoilerplate,
  offerText,
  titledText,
  offerToTrendDocument,
  wholeKeys,
  type CoverageChecker,
  type OfferInput,
} from "./documents.js";
export { periodOf, periodStart } from "./periods.js";
export { buildProposal, type RomeEvolutionProposal } from "./proposal.js";
export { benjaminiHochberg, binomialUpperTail, compareRates, wilsonBound } from "./stats.js";
export * from "./types.js";
export { offersToTrendDocuments, type OffersToDocumentsOptions } from "./offers.js";
export {
  backtestFigures,
  byFrequency,
  createLexicalCoverage,
  createPhraseCoverage,
  groupFindings,
  keyHalf,
  mainContentOf,
  phraseStats,
  precisionAt,
  rankFlagged,
  restrictToFichesOf,
  shuffleDatesWithinSource,
  type BacktestFigures,
  type Covering,
  type Finding,
  type LabelSource,
  type ScoredPhrase,
} from "./backtest.js";
export {
  byDetectorRank,
  detectEmerging,
  signalsFromSums,
  sourceSplits,
  strataOf,
  sumsOfCells,
  DETECTOR,
  type DetectorOptions,
  type PhraseSignal,
  type PhraseSums,
} from "./detector.js";
export { cellKey, cellsOf, countCells, domaineOf, type CellCounts, type CountCell } from "./cells.js";
export {
  containsPhrase,
  RANKING,
  rankScore,
  statedShare,
  termhoodOf,
  wellFormedPhrase,
  wholeShare,
} from "./ranking.js";
export { bagOf, nestedFragments, praiseOnly, proseVocabulary, sameFinding, termLike, TERMS } from "./terms.js";
