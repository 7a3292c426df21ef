/** The lake's public surface: open its storage, write prepared documents, read, find similar ones, erase, feed trends, take feedback. */
export { openLakeStore, type OpenLakeOptions } from "./store.js";
export { isConnectionError } from "./db.js";
export { SIMILAR_WEIGHTS } from "./score.js";
export * from "./types.js";
export * from "./feedback-types.js";
export { DATE_RANGE, DocumentBody, inDateRange, isoDate, lineToBody, toInput } from "./schema.js";
export { rankAgreement } from "./feedback.js";
export { assertLakeFree, LakeLockedError } from "./lock.js";
export { kindConflict } from "./documents-write.js";
