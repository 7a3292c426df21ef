import type { Embedder } from "../embed/index.js";
import type { AppellationSearchIndex, Referential } from "../rome/index.js";
import type { ExtractionContext, StatedExtractor } from "../skills/index.js";
import type { RomeIndexes } from "../vectors/index.js";
import type { Lexicon } from "./lexicon.js";
import type { createCoverageChecker } from "./uncovered.js";
import type { ClassifierFeature } from "./classifier.js";
import type { EarlierCodes } from "./coded.js";

/**
 * What every stage of a match reads: the referential, embedder, indexes and the tables derived from them, built
 * once at load (`loadContext` in create.ts) and never changed by a match (except the `topFiche` cache).
 */

export interface EngineContext {
  readonly referential: Referential;
  readonly embedder: Embedder;
  readonly indexes: RomeIndexes;
  readonly lexicon: Lexicon;
  readonly extraction: ExtractionContext;
  readonly stated: StatedExtractor;
  readonly appellationSearch: AppellationSearchIndex;
  readonly coverage: ReturnType<typeof createCoverageChecker>;
  /** Row-major fiches × dimension, row i = fiche `lexicon.ficheCodes[i]`. */
  readonly ficheCentroids: Float32Array;
  /** Appellation code → its row in the appellation index. */
  readonly appRow: ReadonlyMap<string, number>;
  /** Appellation code → row of its fiche. */
  readonly appFicheRow: ReadonlyMap<string, number>;
  /** `titleKey` of an appellation → rows of the fiches that list an appellation with that key. */
  readonly appellationKeyRows: ReadonlyMap<string, readonly number[]>;
  /** Macro-compétence → rows of the fiches that list it. */
  readonly mcFicheRows: ReadonlyMap<string, Int32Array>;
  /** Σ idf of each fiche's MCs, the denominator of the MC coverage feature. */
  readonly ficheMcMass: Float64Array;
  /** Row of each fiche's code_rome_parent (itself for the fiches that were not split). */
  readonly parentRow: Int32Array;
  /** Fiche code → what the targeted pass and the context re-scoring need of it, filled as fiches come first. */
  readonly topFiche: Map<string, TopFiche>;
  /** The fiche classifier's feature (FICHE_CLASSIFIER); null: the `classifier` feature stays 0. */
  readonly classify: ClassifierFeature | null;
  /** The referential in force before today's (ROME_EARLIER), for texts coded then; null: none configured. */
  readonly earlier: EarlierCodes | null;
}

/** A ranked-first fiche: its items' rows (targeted pass) and the codes of its compétences, savoirs and MCs. */
export interface TopFiche {
  rows: Int32Array;
  items: ReadonlySet<string>;
}
