export { loadReferential } from "./load.js";
export { Referential } from "./referential.js";
export type { FicheMacroCompetence, ItemKind } from "./referential.js";
export { RomeLoadError } from "./csv.js";
export type * from "./types.js";
