/** The lake's public surface: open it, ingest, read, match across documents, erase, feed trends, take feedback. */
export { openLake, type OpenLakeOptions } from "./store.js";
export { isConnectionError } from "./db.js";
export { SIMILAR_WEIGHTS } from "./score.js";
export * from "./types.js";
export { DocumentBody, isoDate, lineToBody, toInput } from "./schema.js";
export { rankAgreement } from "./feedback.js";
export { assertLakeFree, LakeLockedError } from "./lock.js";
