export { loadReferential } from "./load.js";
export { Referential } from "./referential.js";
export type { FicheMacroCompetence, ItemKind } from "./referential.js";
export { RomeLoadError } from "./csv.js";
export type * from "./types.js";
export { competenceTree, competenceDetail, macroCompetenceDetail, contextesByType, TREE_DEPTHS } from "./tree.js";
export type { TreeDepth, TreeNode, TreeMacroCompetence, CompetenceDetail, MacroCompetenceDetail, ContexteGroup } from "./tree.js";
export { RomeSearch, romeSearch, SEARCH_KINDS } from "./search.js";
export type { SearchKind, SearchHit, SearchResult } from "./search.js";
