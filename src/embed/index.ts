export type { Embedder, EmbedRole } from "./embedder.js";
export { dot, dotEach, dotPair, dotRows, isZero, normalizeInPlace, normalizeVector } from "./embedder.js";
export { TransformersEmbedder, type TransformersEmbedderOptions } from "./transformers.js";
export {
  builtWordVectorsFile,
  currentWordVectorManifest,
  defaultWordVectorBuild,
  excludedIdsHash,
  jsonlIds,
  readWordVectors,
  SKILLS_GOLD,
  WORD_VECTOR_DEFAULTS,
  WORD_VECTORS_FILE,
  WORD_VECTORS_TRAINER,
  WordVectorBuild,
  WordVectorManifest,
  WordVectors,
  wordVectorsAreCurrent,
  wordVectorsBinFile,
  type WordVectorSettings,
} from "./word-vectors.js";
