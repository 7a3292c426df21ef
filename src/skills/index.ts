export { buildSkillLexicon, type SkillLexicon } from "./lexicon.js";
export {
  aggregateSkills,
  cmpCode,
  createExtractionContext,
  EXTRACTION,
  ficheItemRows,
  pairScore,
  rescoreInContext,
  scoreItemsAgainstUnits,
  scoreUnit,
  unitsThatMayRead,
  type ExtractionContext,
  type SkillCandidate,
} from "./extract.js";
export type * from "./types.js";
export { createStatedExtractor, type StatedExtractor } from "./label-index.js";
export { diplomaLevelOf, statedStems } from "./stems.js";
export { extractStated } from "./stated.js";
export { scoreStatement } from "./scoring.js";
export { STATED } from "./thresholds.js";
export { statementUnits, DATE_RANGE, fold, type StatementUnit } from "./units.js";
export { headingSection, sectionUnits, SKIPPED_SECTIONS, type Section, type SectionedUnit } from "./sections.js";
export { buildSavoirLexicon, namedSavoirs, type NamedSavoir, type SavoirLexicon } from "./savoir-lexicon.js";
export { StemFamilies } from "./families.js";
export { cleanJobTitle, experienceWeights, parseCv, type CvEducation, type CvExperience, type ParsedCv } from "./cv.js";
export { SkillLabelResolver, type ResolvedLabel } from "./label-resolver.js";
export {
  paraphraseFeatures,
  paraphraseReading,
  ParaphraseModelFile,
  readParaphrases,
  type ParaphraseModel,
} from "./paraphrases.js";
