/** Métier → métier (passerelles) and profile → métiers, with the skills gap and the filters they share. */
export * from "./filters.js";
export * from "./blend.js";
export * from "./explain.js";
export * from "./proximity.js";
export * from "./profile.js";
export * from "./profile-types.js";
export * from "./profile-resolve.js";
export * from "./features.js";
export * from "./model.js";
export {
  FicheTextVectors,
  passerellesWordVectors,
  passerellesWordVectorsFile,
  wordVectorsSha,
  TEXT_VECTOR_PAIRS,
} from "./text-vectors.js";
