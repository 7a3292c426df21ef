import { existsSync } from "node:fs";
import type { Config } from "../config.js";
import {
  builtWordVectorsFile,
  defaultWordVectorBuild,
  normalizeVector,
  readWordVectors,
  wordVectorsAreCurrent,
  TransformersEmbedder,
  type Embedder,
  type WordVectors,
} from "../embed/index.js";
import { openIndexes, type ProgressFn, type RomeIndexes } from "../vectors/index.js";
import {
  buildAppellationSearch,
  loadEscoCrosswalk,
  loadFicheCodes,
  loadReferential,
  type Referential,
} from "../rome/index.js";
import { contentStems, titleKey } from "../text/index.js";
import { readLabelledOffers } from "../sources/index.js";
import {
  createExtractionContext,
  createStatedExtractor,
  readParaphrases,
  type ParaphraseModel,
} from "../skills/index.js";
import type { EngineContext } from "./context.js";
import { Engine } from "./engine.js";
import { ExemplarMemory } from "./exemplars.js";
import { buildLexicon, type Lexicon } from "./lexicon.js";
import { createCoverageChecker } from "./uncovered.js";
import { classifierFeature, readClassifier, type ClassifierFeature } from "./classifier.js";
import {
  appellationKeyRows,
  appellationsThen,
  earlierCodes,
  historicalCodes,
  withOlder,
  type EarlierCodes,
  type TodayAppellation,
} from "./coded.js";

export interface EngineOptions {
  rebuildIndexes?: boolean;
  onIndexProgress?: ProgressFn;
}

/** Loads everything the engine needs from configuration; builds indexes when missing or stale. */
export async function createEngine(config: Config, opts: EngineOptions = {}): Promise<Engine> {
  const referential = loadReferential(config.romeDir);
  const embedder = await TransformersEmbedder.fromConfig(config);
  const indexes = await openIndexes(config.indexRoot, referential, embedder, {
    rebuild: opts.rebuildIndexes,
    onProgress: opts.onIndexProgress,
  });
  const lexicon = buildLexicon(referential);
  let exemplars: ExemplarMemory | null = null;
  if (config.labelledOffers) {
    const offers = readLabelledOffers(config.labelledOffers);
    const built = ExemplarMemory.build(offers, lexicon.ficheRow);
    if (built.skipped > 0) {
      const what = `${built.skipped} of ${offers.length} name a code that is not a ${referential.version} fiche`;
      console.error(`labelled offers: ${what}; left out`);
    }
    exemplars = built.memory;
  }
  const esco = config.escoCrosswalk ? loadEscoCrosswalk(config.escoCrosswalk, referential) : null;
  if (esco?.skipped) {
    const what = `${esco.skipped} mappings name an appellation ${referential.version} lacks`;
    console.error(`ESCO crosswalk: ${what}; left out`);
  }
  const classify = config.ficheClassifier
    ? classifierFeature(readClassifier(config.ficheClassifier).model, lexicon.ficheRow)
    : null;
  const earlier = config.romeEarlier
    ? { ...loadFicheCodes(config.romeEarlier.dir), until: config.romeEarlier.until }
    : null;
  const words = wordVectorsFor(config, referential.version);
  const paraphrases = config.paraphrases ? readParaphrases(config.paraphrases) : null;
  const context = loadContext(referential, embedder, indexes, lexicon, {
    classify,
    earlier,
    words,
    paraphrases,
    historicalUntil: config.romeHistoricalUntil,
  });
  return new Engine(context, exemplars, esco);
}

/**
 * The word vectors `/v1/skills/extract` reads: the file WORD_VECTORS names, else the model built at set-up into the
 * index folder when its manifest says it is current (a stale one is said on stderr and left out), else none.
 */
function wordVectorsFor(config: Config, romeVersion: string): WordVectors | null {
  if (config.wordVectors) return readWordVectors(config.wordVectors);
  if (!config.wordVectorsBuilt) return null;
  const file = builtWordVectorsFile(config.indexRoot, romeVersion);
  if (wordVectorsAreCurrent(file, defaultWordVectorBuild(romeVersion))) return readWordVectors(file);
  if (existsSync(file)) console.error(`${file}: built from other data; left out (npm run build-indexes rebuilds it)`);
  return null;
}

/** What a match may read beside the referential, indexes and lexicon (each absent: not used). */
export interface ContextTables {
  classify?: ClassifierFeature | null;
  /** The referential in force before today's: its version, its codes, its successor's first day. */
  earlier?: {
    version: string;
    until: string;
    codes: ReadonlySet<string>;
    appellations?: ReadonlyMap<string, string>;
  } | null;
  /** Domain word vectors for stated skills' paraphrase readings. */
  words?: WordVectors | null;
  /** Paraphrase evidence learned from recruiters' items for stated skills. */
  paraphrases?: ParaphraseModel | null;
  /** The first day of codes beyond the 532 historical fiches (`historicalCodes`); undefined: no such era. */
  historicalUntil?: string;
}

/** The tables every match reads, derived once from the referential, indexes and lexicon. */
export function loadContext(
  referential: Referential,
  embedder: Embedder,
  indexes: RomeIndexes,
  lexicon: Lexicon,
  tables: ContextTables = {},
): EngineContext {
  const { classify = null, earlier = null, words = null, paraphrases = null, historicalUntil } = tables;
  const ficheRow = lexicon.ficheRow;
  const parentRow = Int32Array.from(
    lexicon.ficheCodes,
    (code) => ficheRow.get(referential.fiches.get(code)!.parent) ?? ficheRow.get(code)!,
  );
  const extraction = createExtractionContext(lexicon, indexes);
  const today = appellationRows(referential, lexicon);
  const mcFicheRows = new Map(
    [...referential.macroCompetences.keys()].map((mc) => {
      return [mc, Int32Array.from(referential.fichesForMacroCompetence(mc), (c) => ficheRow.get(c)!)] as const;
    }),
  );
  return {
    referential,
    embedder,
    indexes,
    lexicon,
    extraction,
    stated: createStatedExtractor(referential, extraction, words, paraphrases),
    appellationSearch: buildAppellationSearch(referential),
    coverage: createCoverageChecker(referential),
    ficheCentroids: computeFicheCentroids(referential, lexicon, indexes),
    appRow: new Map(indexes.appellations.ids.map((id, i) => [id, i])),
    appFicheRow: new Map([...referential.appellations.values()].map((a) => [a.code, ficheRow.get(a.ficheCode)!])),
    appellationKeyRows: appellationKeyRows(today, (a) => a.row),
    mcFicheRows,
    ficheMcMass: Float64Array.from(lexicon.ficheCodes, (code) =>
      [...referential.ficheMacroCompetences(code).keys()].reduce((s, mc) => s + referential.mcIdf(mc), 0),
    ),
    parentRow,
    topFiche: new Map(),
    classify,
    earlier: withAppellationsThen(
      codesThen(earlier ? earlierCodes(earlier, lexicon.ficheCodes, parentRow) : null, historicalUntil, parentRow),
      earlier?.appellations,
      today,
      lexicon,
    ),
  };
}

/** Today's appellations with a fiche row: code, fiche row, `titleKey` (each key computed once, at start). */
function appellationRows(referential: Referential, lexicon: Lexicon): TodayAppellation[] {
  const out: TodayAppellation[] = [];
  for (const a of referential.appellations.values()) {
    const row = lexicon.ficheRow.get(a.ficheCode);
    if (row !== undefined) out.push({ code: a.code, row, key: titleKey(contentStems(a.libelle)) });
  }
  return out;
}

/**
 * `codes` and each referential older than it with the appellations' places then (`placed`: appellation code → code,
 * from the earlier referential, the nearest known for the older ones).
 */
function withAppellationsThen(
  codes: EarlierCodes | null,
  placed: ReadonlyMap<string, string> | undefined,
  today: readonly TodayAppellation[],
  lexicon: Lexicon,
): EarlierCodes | null {
  if (!codes || !placed?.size) return codes;
  const ficheRow = (code: string) => lexicon.ficheRow.get(code);
  const place = (era: EarlierCodes | null): EarlierCodes | null =>
    era && {
      ...era,
      appellations: appellationsThen(today, lexicon.appellationIds, ficheRow, placed, era.rowThen),
      older: place(era.older),
    };
  return place(codes);
}

/** The referentials before today's, newest first: the earlier one, then the historical codes before it. */
function codesThen(earlier: EarlierCodes | null, historicalUntil: string | undefined, parentRow: Int32Array) {
  const historical = historicalUntil ? historicalCodes(historicalUntil, parentRow) : null;
  return earlier ? withOlder(earlier, historical) : historical;
}

/** A fiche's vector: its appellations' mean direction plus its compétences' mean direction (rows of one matrix). */
function computeFicheCentroids(ref: Referential, lex: Lexicon, idx: RomeIndexes): Float32Array {
  const appRow = new Map(idx.appellations.ids.map((id, i) => [id, i]));
  const compRow = new Map(idx.competences.ids.map((id, i) => [id, i]));
  const dim = idx.appellations.dimension;
  const meanOf = (rows: number[], index: typeof idx.appellations) => {
    const v = new Float32Array(dim);
    for (const r of rows) {
      const x = index.vectorAt(r);
      for (let j = 0; j < dim; j++) v[j]! += x[j]!;
    }
    return normalizeVector(v);
  };
  const out = new Float32Array(lex.ficheCodes.length * dim);
  lex.ficheCodes.forEach((code, r) => {
    const f = ref.fiches.get(code)!;
    const a = meanOf(
      f.appellations.map((x) => appRow.get(x)!).filter((x) => x !== undefined),
      idx.appellations,
    );
    const c = meanOf(
      f.competences.map((x) => compRow.get(x.code)!).filter((x) => x !== undefined),
      idx.competences,
    );
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) v[j] = a[j]! + 0.5 * c[j]!;
    out.set(normalizeVector(v), r * dim);
  });
  return out;
}
