/**
 * Fits the passerelles ranker (models/passerelles.json) on a referential's official mobilités:
 *   npm run tune:passerelles -- [--rome DIR] [--sets allX,allXM,all,noFamily,noGraph,skills] [--only-fold K] [--folds 5] [--epochs 300] [--l2 1e-4] [--out FILE] [--dry]
 *     [--rerank 100]   (a second stage reorders the first one's top 100: cross-validated, and written in the model)
 *     [--rerank-refine 150]   (the second stage's softmax fit then refined for recall@10, LambdaRank-style, 150 epochs)
 *     [--hard 60] [--random 60] [--same-domaine 0]   (negatives per training list: the fixed blend's best
 *     non-targets, random others, random others of the source's domaine professionnel)
 * Each feature set is cross-validated by source fiche (grouped k-fold, graph features on the training folds' edges
 * only) beside the fixed blend; the first set is then fitted on every edge and written with its metadata (date,
 * commit, data hash, cross-validated figures). `--dry` writes nothing; `--only-fold K` measures one fold and fits
 * nothing else. Last line: one JSON object.
 */
import "../src/text/quiet.js";
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseFlags } from "../src/cli/command.js";
import { loadConfig } from "../src/config.js";
import { loadReferential } from "../src/rome/index.js";
import {
  DEFAULT_MODEL_FILE,
  ProximityIndex,
  parseModel,
  passerellesWordVectorsFile,
  wordVectorsSha,
  TEXT_VECTOR_FEATURES,
  type PasserellesModel,
} from "../src/passerelles/index.js";

import {
  DEFAULT_FIT,
  DEFAULT_LIST_OPTIONS,
  FEATURE_SETS,
  RERANK_REFINE,
  edgesHash,
  fitAll,
  groupedCv,
  officialEdges,
  setReads,
} from "../src/tuning/index.js";

const { flags } = parseFlags(process.argv.slice(2));
const romeDir = flags.get("rome") ?? loadConfig().romeDir;
const setNames = (flags.get("sets") ?? "allX").split(",");
for (const s of setNames)
  if (!FEATURE_SETS[s]) throw new Error(`--sets: one or more of ${Object.keys(FEATURE_SETS).join(", ")}`);
const folds = Number(flags.get("folds") ?? 5);
const fit = {
  ...DEFAULT_FIT,
  ...(flags.has("epochs") ? { epochs: Number(flags.get("epochs")) } : {}),
  ...(flags.has("l2") ? { l2: Number(flags.get("l2")) } : {}),
};
const out = flags.get("out") ?? DEFAULT_MODEL_FILE;
const lists = {
  ...DEFAULT_LIST_OPTIONS,
  ...(flags.has("hard") ? { hard: Number(flags.get("hard")) } : {}),
  ...(flags.has("random") ? { random: Number(flags.get("random")) } : {}),
  ...(flags.has("same-domaine") ? { sameDomaine: Number(flags.get("same-domaine")) } : {}),
};
const rerank = flags.has("rerank") ? Number(flags.get("rerank")) : undefined;
const refine = flags.has("rerank-refine")
  ? { ...RERANK_REFINE, epochs: Number(flags.get("rerank-refine")) }
  : undefined;
if (refine && !rerank) throw new Error("--rerank-refine refines the second stage: give --rerank too");
const log = (m: string) => console.error(m);

const t0 = performance.now();
const ref = loadReferential(romeDir);
const index = new ProximityIndex(ref, undefined, null);
const edges = officialEdges(index);
log(`ROME ${ref.version}: ${edges.length} mobilités from ${new Set(edges.map(([a]) => a)).size} fiches`);
const results = setNames.map((name) => {
  const set = FEATURE_SETS[name]!;
  const cv = groupedCv(index, edges, set, {
    folds,
    fit,
    log,
    ...(flags.has("only-fold") ? { onlyFold: Number(flags.get("only-fold")) } : {}),
    lists,
    ...(rerank ? { rerank } : {}),
    ...(refine ? { refine } : {}),
  });
  log(`${name}: ${JSON.stringify({ learned: cv.learned, fixedBlend: cv.fixedBlend })}`);
  return { set, cv };
});
const best = results[0]!;
// One fold is an exploration: no model is fitted on every edge, none written.
const explore = flags.has("only-fold");
const weights = explore
  ? { weights: {}, interactions: [] }
  : fitAll(index, edges, best.set, { fit, lists, ...(rerank ? { rerank } : {}), ...(refine ? { refine } : {}) });
// A model reading text similarities records the word vectors they came from (file and the rows' sha256).
const readsText = TEXT_VECTOR_FEATURES.some((k) => setReads(best.set, k));
function wordVectorsMeta(version: string) {
  const file = passerellesWordVectorsFile(version);
  return file
    ? { file: path.basename(path.dirname(file)) + "/" + path.basename(file), sha256: wordVectorsSha(file) }
    : null;
}
const commit = (() => {
  try {
    return execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();
const model: PasserellesModel = parseModel(
  JSON.stringify({
    kind: "passerelles-ranker",
    formatVersion: 1,
    ...weights,
    fit: {
      date: new Date().toISOString(),
      commit,
      romeVersion: ref.version,
      dataHash: edgesHash(edges),
      edges: edges.length,
      sources: new Set(edges.map(([a]) => a)).size,
      folds,
      featureSet: best.set.name,
      options: {
        ...fit,
        ...lists,
        ...(rerank ? { rerank } : {}),
        ...(refine ? { rerankRefine: refine } : {}),
        ...(readsText ? { wordVectors: wordVectorsMeta(ref.version) } : {}),
      },
      crossValidated: { learned: best.cv.learned, fixedBlend: best.cv.fixedBlend },
    },
  }),
);
if (!flags.has("dry") && !explore) writeFileSync(out, JSON.stringify(model, null, 2) + "\n");
console.log(
  JSON.stringify({
    script: "tune-passerelles",
    romeVersion: ref.version,
    written: flags.has("dry") || explore ? null : path.relative(process.cwd(), out),
    seconds: Math.round((performance.now() - t0) / 1000),
    sets: results.map(({ set, cv }) => ({
      name: set.name,
      features: set.features.length,
      interactions: set.interactions.length,
      learned: cv.learned,
      fixedBlend: cv.fixedBlend,
    })),
    weights: model.weights,
    interactions: model.interactions,
  }),
);
