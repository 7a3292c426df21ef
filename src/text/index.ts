export {
  normalizeText,
  stem,
  words,
  contentStems,
  hasContentStems,
  hasContentStemsAtLeast,
  isStopword,
  foldGender,
  titleKey,
} from "./normalize.js";
export { segment, type TextUnit } from "./segment.js";
export { Bm25Index, termCounts, type Bm25Hit, type TermCounts } from "./bm25.js";
export { candidatePhrases, type CandidatePhrase } from "./phrases.js";
export { AllTermsIndex } from "./all-terms.js";
export { CoverageIndex, holdsId, postingLists, type CoverageHit } from "./coverage.js";
export { topK } from "./top-k.js";
export { lowerBound } from "./sorted.js";
export { lemma, lemmas, isKnownWord } from "./lemma.js";
export { cleanTitle, cleanTitleWords, titleParts, leadingTitleLine, writtenOut } from "./title.js";
export { redactPersonalData, hasPersonalData } from "./redact.js";
export { knownWordShare, looksBinary, readableTextField, unreadableReason, READABLE } from "./readable.js";
