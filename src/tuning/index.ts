/** Evaluation, fitting and audits: used by scripts/, benchmarks/ and the CLI, never by the serving path. */
export * from "./evaluate.js";
export * from "./learn.js";
export * from "./audit.js";
export * from "./skills-eval.js";
export * from "./passerelles-metrics.js";
export * from "./passerelles-fit.js";
export * from "./passerelles-cv.js";
export * from "./passerelles-metric.js";
export * from "./passerelles-sets.js";
export * from "./train-classifier.js";
export { seededRandom } from "./random.js";
export { offersFileMeta, romeDirHash, romeDirMeta, sha256 } from "./fit-meta.js";
export * from "./word-vectors.js";
export {
  builtBeforeOtherFit,
  ensureWordVectors,
  trainWordVectorsOn,
  type FittedVectors,
  type WordVectorSources,
} from "./build-word-vectors.js";
export * from "./paraphrases.js";
