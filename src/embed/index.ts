export type { Embedder, EmbedRole } from "./embedder.js";
export { dot, isZero, normalizeVector } from "./embedder.js";
export { TransformersEmbedder, type TransformersEmbedderOptions } from "./transformers.js";
