export type { Embedder, EmbedRole } from "./embedder.js";
export { dot, dotEach, dotPair, dotRows, isZero, normalizeVector } from "./embedder.js";
export { TransformersEmbedder, type TransformersEmbedderOptions } from "./transformers.js";
export {
  readWordVectors,
  WORD_VECTORS_FILE,
  WordVectorManifest,
  WordVectors,
  wordVectorsBinFile,
} from "./word-vectors.js";
