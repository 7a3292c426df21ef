export { VectorIndex, DEFAULT_HNSW, type VectorHit, type HnswParams } from "./vector-index.js";
export {
  openIndexes,
  buildIndexes,
  indexDir,
  indexesAreCurrent,
  indexLabels,
  INDEX_NAMES,
  type IndexName,
  type RomeIndexes,
  type ProgressFn,
} from "./build.js";
