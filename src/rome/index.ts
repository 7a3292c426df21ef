export { loadFicheCodes, loadReferential, readRomeVersion, ROME_CODE } from "./load.js";
export { Referential } from "./referential.js";
export type { FicheMacroCompetence, ItemKind } from "./referential.js";
export { RomeLoadError } from "./csv.js";
export type * from "./types.js";
export { competenceTree, competenceDetail, macroCompetenceDetail, contextesByType, TREE_DEPTHS } from "./tree.js";
export type {
  TreeDepth,
  TreeNode,
  TreeMacroCompetence,
  CompetenceDetail,
  MacroCompetenceDetail,
  ContexteGroup,
} from "./tree.js";
export { RomeSearch, romeSearch, SEARCH_KINDS } from "./search.js";
export type { SearchKind, SearchHit, SearchResult } from "./search.js";
export { diffReferentials, mapForward } from "./diff.js";
export type { ReferentialDiff, EntityDiff } from "./diff.js";
export { escoOfFiche, fichesOfEsco, loadEscoCrosswalk, relationRank, ESCO_RELATIONS, ESCO_URI } from "./esco.js";
export type { EscoCrosswalk, EscoLink, EscoRelation, EscoOccupationOfFiche, FicheOfEscoOccupation } from "./esco.js";
export {
  buildAppellationSearch,
  searchAppellations,
  tokenSimilarity,
  type AppellationSearchIndex,
} from "./appellation-search.js";
