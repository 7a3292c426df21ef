/**
 * Error analysis of the passerelles ranker (docs/passerelles.md, session 22): where the official targets it misses
 * rank, and what they have in common, beside the targets it finds and the non-targets it puts in its top 10.
 *   npx tsx benchmarks/proximity-errors.ts [--fold 0] [--older ../shared/rome/v458] [--forward ../shared/rome/v458]
 * Grouped CV: one fold of the served model's kind (feature set, second stage), graph on the other folds' edges;
 * `--older`: also count the pairs an older version listed (ROME drops moves too: a false positive may be one of them).
 * `--forward`: fitted on the older referential's mobilités, the edges the current one added between fiches of both
 * (strict), each source's older list left out; and how those added edges differ from the older version's own.
 * Prints ONE JSON object.
 */
import "../src/text/quiet.js";
import { loadConfig } from "../src/config.js";
import { loadReferential } from "../src/rome/index.js";
import {
  DEFAULT_PROXIMITY_WEIGHTS,
  PAIR_FEATURES,
  ProximityIndex,
  loadPasserellesModel,
  rankingScores,
  type MobiliteGraph,
  type PairFeature,
  type PasserellesWeights,
} from "../src/passerelles/index.js";
import {
  addedMobilites,
  FEATURE_SETS,
  fitAll,
  groupedCv,
  officialEdges,
  refineOf,
  sourceFolds,
  topCodes,
} from "../src/tuning/index.js";
import { parseFlags } from "../src/cli/command.js";
import { round } from "../src/numbers.js";

type Row = Record<PairFeature, number> & { rank: number; inDegree: number; listedBefore: boolean };
const col = (k: PairFeature) => PAIR_FEATURES.indexOf(k);
const noGraph = (r: Row) => !r.reverseMobilite && !r.coCited && !r.neighboursGo && !r.inNeighboursGo && !r.familyGo;
/** The classes counted: each a property a pair has or not. */
const CLASSES: [string, (r: Row) => boolean][] = [
  ["sameDomainePro", (r) => r.sameDomainePro === 1],
  ["sameGrandDomaineOnly", (r) => r.sameGrandDomaine === 1 && r.sameDomainePro === 0],
  ["otherGrandDomaine", (r) => r.sameGrandDomaine === 0],
  ["titleWordShared", (r) => r.titleSim > 0],
  ["noSharedMc", (r) => r.mcCoverage === 0],
  ["secteurShared", (r) => r.secteursShared > 0],
  ["splitSibling", (r) => r.splitSibling === 1],
  ["parentOrChild", (r) => r.parentOrChild === 1],
  ["reverseMobilite", (r) => r.reverseMobilite > 0],
  ["coCited", (r) => r.coCited > 0],
  ["neighboursGo", (r) => r.neighboursGo > 0],
  ["noGraphSignal", noGraph],
  ["hubTarget(in>=30)", (r) => r.inDegree >= 30],
  ["rareTarget(in<=3)", (r) => r.inDegree <= 3],
  ["levelUp", (r) => r.levelUp > 0],
  ["levelDown", (r) => r.levelDown > 0],
  ["cadreUp", (r) => r.cadreUp > 0],
  ["targetCadre", (r) => r.targetCadre > 0],
  ["listedInOlderVersion", (r) => r.listedBefore],
];
/** "source>target" moves an older version listed (`--older`): a non-target there is a move ROME once listed. */
const before = new Set<string>();

const golds: Row[] = [];
const falsePositives: Row[] = [];
function record(
  index: ProximityIndex,
  graph: MobiliteGraph,
  model: PasserellesWeights,
  s: string,
  targets: ReadonlySet<string>,
  exclude?: ReadonlySet<string>,
) {
  const cols = index.featureColumns(s, graph);
  const ranked = topCodes(index, rankingScores(cols, model, index.position(s)!), s, index.codes.length, exclude);
  const rank = new Map(ranked.map((c, i) => [c, i + 1]));
  const row = (c: string): Row => {
    const i = index.position(c)!;
    const features = Object.fromEntries(PAIR_FEATURES.map((k) => [k, cols[col(k)]![i]!])) as Record<
      PairFeature,
      number
    >;
    return {
      ...features,
      rank: rank.get(c) ?? Infinity,
      inDegree: graph.inDegree[i]!,
      listedBefore: before.has(`${s}>${c}`),
    };
  };
  for (const t of targets) golds.push(row(t));
  for (const c of ranked.slice(0, 10)) if (!targets.has(c)) falsePositives.push(row(c));
}

const r3 = (x: number) => round(x, 3);
const share = (rows: readonly Row[], f: (r: Row) => boolean) => r3(rows.filter(f).length / Math.max(1, rows.length));
function summary() {
  const groups: Record<string, Row[]> = {
    hitAt10: golds.filter((r) => r.rank <= 10),
    missAt10: golds.filter((r) => r.rank > 10),
    miss11to50: golds.filter((r) => r.rank > 10 && r.rank <= 50),
    missBeyond50: golds.filter((r) => r.rank > 50),
    falsePositiveAt10: falsePositives,
  };
  const buckets: [string, number, number][] = [
    ["1-10", 1, 10],
    ["11-20", 11, 20],
    ["21-50", 21, 50],
    ["51-100", 51, 100],
    [">100", 101, Infinity],
  ];
  return {
    golds: golds.length,
    targetRanks: Object.fromEntries(buckets.map(([k, a, b]) => [k, share(golds, (r) => r.rank >= a && r.rank <= b)])),
    sizes: Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, g.length])),
    classes: Object.fromEntries(
      CLASSES.map(([name, f]) => [name, Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, share(g, f)]))]),
    ),
  };
}

/** Mean of some features over edges, on the index's graph (a source's own out-edges never read). */
function edgeProfile(index: ProximityIndex, edges: readonly (readonly [string, string])[]) {
  const keys: PairFeature[] = ["sameDomainePro", "sameGrandDomaine", "mcCoverage", "coCited", "neighboursGo"];
  const more: PairFeature[] = ["reverseMobilite", "targetInDegree", "levelUp", "levelDown", "cadreUp", "targetCadre"];
  const sum = Object.fromEntries([...keys, ...more].map((k) => [k, 0])) as Record<PairFeature, number>;
  const bySource = new Map<string, string[]>();
  for (const [a, b] of edges) (bySource.get(a) ?? bySource.set(a, []).get(a)!).push(b);
  for (const [s, ts] of bySource) {
    const cols = index.featureColumns(s);
    for (const t of ts) for (const k of [...keys, ...more]) sum[k] += cols[col(k)]![index.position(t)!]!;
  }
  return { edges: edges.length, ...Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, r3(v / edges.length)])) };
}

const { flags } = parseFlags(process.argv.slice(2));
const ref = loadReferential(loadConfig().romeDir);
const served = loadPasserellesModel();
const set = FEATURE_SETS[served.fit.featureSet]!;
const rerank = served.rerank?.depth;
// The served kind: its second stage, refined for recall@10 if it was.
const stage2 = rerank ? { rerank, ...(refineOf(served) ? { refine: refineOf(served) } : {}) } : {};
let extra = {};
if (flags.has("forward")) {
  const old = loadReferential(flags.get("forward")!);
  const index = new ProximityIndex(old, DEFAULT_PROXIMITY_WEIGHTS, null);
  const edges = officialEdges(index);
  const added = addedMobilites(old, ref);
  const model = fitAll(index, edges, set, stage2);
  for (const [s, ts] of added)
    record(index, index.graph, model, s, ts, new Set(old.fiches.get(s)!.mobilites.map((m) => m.cible)));
  const addedList = [...added].flatMap(([s, ts]) => [...ts].map((t) => [s, t] as const));
  extra = { olderEdges: edgeProfile(index, edges), addedEdges: edgeProfile(index, addedList) };
} else {
  if (flags.has("older"))
    for (const f of loadReferential(flags.get("older")!).fiches.values())
      for (const m of f.mobilites) before.add(`${f.code}>${m.cible}`);
  const fold = Number(flags.get("fold") ?? 0);
  const index = new ProximityIndex(ref, undefined, null);
  const edges = officialEdges(index);
  const cv = groupedCv(index, edges, set, { onlyFold: fold, ...stage2 });
  const targets = new Map<string, Set<string>>();
  for (const [a, b] of edges) (targets.get(a) ?? targets.set(a, new Set()).get(a)!).add(b);
  const folds = sourceFolds([...targets.keys()], 5);
  const graph = index.graphOf(edges.filter(([a]) => folds.get(a) !== fold));
  for (const [s, ts] of targets) if (folds.get(s) === fold) record(index, graph, cv.perFold[0]!.weights, s, ts);
}
console.log(
  JSON.stringify({
    benchmark: "proximity-errors",
    romeVersion: ref.version,
    setting: flags.has("forward")
      ? `forward from ${flags.get("forward")}`
      : `grouped CV fold ${flags.get("fold") ?? 0}`,
    model: { featureSet: set.name, rerank: rerank ?? null, rerankRefine: (rerank && refineOf(served)) || null },
    ...summary(),
    ...extra,
  }),
);
