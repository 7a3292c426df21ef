import { z } from "zod";
import type { Referential } from "../rome/index.js";
import type { Fiche } from "../rome/index.js";
import { contentStems } from "../text/index.js";
import { type FicheFilter, matchesFilter } from "./filters.js";
import * as pf from "./features.js";
import { MobiliteGraph, PAIR_FEATURES, type PairFeature } from "./features.js";
import {
  contributions,
  learnedSimilarity,
  loadPasserellesModel,
  modelFeatures,
  type NeighbourMetric,
  rankingScores,
  RERANK_OFFSET,
  stageScore,
  topPositions,
  type PasserellesWeights,
} from "./model.js";
import {
  DEFAULT_PROXIMITY_WEIGHTS,
  FIXED_BLEND_MODEL,
  viabilityOf,
  type ProximityScore,
  type ProximityWeights,
} from "./blend.js";
import { AppellationMaxIndex, SetOverlapIndex } from "./indexes.js";
import { breakdownOf, SkillOverlap, type SkillParts } from "./skill-overlap.js";
import { explainGap, explainReasons, heldBy, type Passerelle, type ReasonContext, type Ranker } from "./explain.js";
import { graphColumns, type GraphContext } from "./graph-features.js";
import { FicheTable, PAIR_COLUMNS, type PairColumns } from "./fiche-table.js";
import { round } from "../numbers.js";
import { checkedWordVectors, FicheTextVectors, passerellesWordVectors, TEXT_VECTOR_PAIRS } from "./text-vectors.js";

/** Precomputed proximity structures for one referential (build once, ~1 s; a query takes a few ms). */
export class ProximityIndex {
  readonly codes: string[];
  private readonly pos = new Map<string, number>();
  private readonly fiches: Fiche[];
  private readonly skills: SkillOverlap;
  private appellationIndex: AppellationMaxIndex | undefined;
  private nearIndex: { at: Int32Array[]; sim: Float64Array[] } | undefined;
  /** Per-fiche text vectors (null: no word vectors for this referential); built on first use. */
  private textVectorIndex: FicheTextVectors | null | undefined;
  /** What the graph features read besides the graph (families, domaines, nearest fiches). */
  private readonly graphContext: GraphContext;
  private readonly level: (number | null)[];
  private readonly table: FicheTable;
  private buffers: Float64Array[] | undefined;
  private simBuffer: Float64Array | undefined;
  private learnedSimBuffer: Float64Array | undefined;
  /** The columns the served answer reads (the model's features and the score breakdown's), computed once. */
  private needed: Uint8Array | undefined;
  private scoreBuffer: Float64Array<ArrayBuffer> | undefined;
  private readonly contextes: SetOverlapIndex;
  /** Per fiche: the other fiches of its split family (same pre-split parent, the parent, its children). */
  readonly family: Int32Array[];
  private readonly secteurs: SetOverlapIndex;
  private readonly centres: SetOverlapIndex;
  /** ROME's own mobilités between this referential's fiches: the graph features' default. */
  readonly graph: MobiliteGraph;

  private readonly reasonContext: ReasonContext;

  /** The learned ranker (null: the fixed blend only). */
  readonly model: PasserellesWeights | null;
  /** The pair features the learned ranker reads (`modelFeatures`; none without one). */
  private readonly modelReads: ReadonlySet<PairFeature>;

  /**
   * `model`: the learned ranker's weights; omitted, the bundled models/passerelles.json (PASSERELLES_MODEL);
   * null, none (the fixed blend `weights` ranks).
   */
  constructor(
    readonly ref: Referential,
    readonly weights: ProximityWeights = DEFAULT_PROXIMITY_WEIGHTS,
    model?: PasserellesWeights | null,
  ) {
    this.model = model === undefined ? loadPasserellesModel() : model;
    this.modelReads = this.model ? modelFeatures(this.model) : new Set<PairFeature>();
    this.codes = [...ref.fiches.keys()].sort();
    this.codes.forEach((c, i) => this.pos.set(c, i));
    this.fiches = this.codes.map((c) => ref.fiches.get(c)!);
    this.level = this.fiches.map((f) => pf.entryLevel(f.accesMetier));
    this.table = new FicheTable(this.fiches, (c) => this.pos.get(c));
    // Split families: the fiches sharing a pre-split parent, and the parent itself.
    const byParent = new Map<string, number[]>();
    this.fiches.forEach((f, i) => (byParent.get(f.parent) ?? byParent.set(f.parent, []).get(f.parent)!).push(i));
    this.family = this.fiches.map((f, i) => {
      const members = new Set([...(byParent.get(f.parent) ?? []), ...(byParent.get(f.code) ?? [])]);
      const p = this.pos.get(f.parent);
      if (p !== undefined) members.add(p);
      members.delete(i);
      return Int32Array.from(members);
    });
    this.contextes = new SetOverlapIndex(this.fiches.map((f) => new Set(f.contextes)));
    this.secteurs = new SetOverlapIndex(this.fiches.map((f) => new Set(f.secteursActivite)));
    this.centres = new SetOverlapIndex(this.fiches.map((f) => new Set(f.centresInteret)));
    this.graph = this.graphOf(this.fiches.flatMap((f) => f.mobilites.map((m) => [f.code, m.cible] as const)));
    this.skills = new SkillOverlap(ref, this.codes, this.fiches, weights.coeurBoost);
    const domaineIds = new Map<string, number>();
    this.graphContext = {
      family: this.family,
      domaine: Int32Array.from(this.fiches, (f) => {
        const k = f.domaineProfessionnel.code;
        return domaineIds.get(k) ?? (domaineIds.set(k, domaineIds.size), domaineIds.size - 1);
      }),
      nearest: () => this.nearest(),
    };
    this.reasonContext = {
      codes: this.codes,
      fiches: this.fiches,
      level: this.level,
      family: this.family,
      graph: this.graph,
    };
    if (this.modelReads.has("appellationMaxSim")) this.appellations();
    if (this.modelReads.has("neighboursGoNear")) this.nearest();
    // A served model that reads text similarities gets them precomputed (a row copy per answer).
    for (const k of pf.TEXT_VECTOR_FEATURES)
      if (this.modelReads.has(k)) this.textVectors()?.precompute(...TEXT_VECTOR_PAIRS[k]);
  }

  /** The fiches' text vectors from the referential's word vectors (passerellesWordVectors), or null without them. */
  private textVectors(): FicheTextVectors | null {
    if (this.textVectorIndex === undefined) {
      // A served model that reads them says on stderr when the vectors are missing or not the fit's.
      const reads = pf.TEXT_VECTOR_FEATURES.some((k) => this.modelReads.has(k));
      const wv = reads
        ? checkedWordVectors(this.ref.version, fittedWordVectors(this.model)?.sha256)
        : passerellesWordVectors(this.ref.version);
      this.textVectorIndex = wv ? new FicheTextVectors(this.ref, this.fiches, wv) : null;
    }
    return this.textVectorIndex;
  }

  /** A mobilité graph over this index's fiches from (source, target) codes; pairs naming unknown fiches are dropped. */
  graphOf(edges: Iterable<readonly [string, string]>): MobiliteGraph {
    const pairs: [number, number][] = [];
    for (const [a, b] of edges) {
      const i = this.pos.get(a);
      const j = this.pos.get(b);
      if (i !== undefined && j !== undefined) pairs.push([i, j]);
    }
    return new MobiliteGraph(this.codes.length, pairs);
  }

  /**
   * The appellation-pair index and each fiche's nearest fiches: read only by features the served model may not use
   * (appellationMaxSim, neighboursGoNear), so built on first use, or in the constructor when the model reads them.
   */
  private appellations(): AppellationMaxIndex {
    const label = (a: string) => this.ref.appellations.get(a)?.libelle ?? "";
    return (this.appellationIndex ??= new AppellationMaxIndex(
      this.fiches.map((f) => [f.libelle, ...f.appellations.map(label)].map((l) => contentStems(l))),
    ));
  }

  /** Each fiche's NEAR nearest fiches by the fixed blend, and their similarity (see `appellations`). */
  private nearest(): { at: Int32Array[]; sim: Float64Array[] } {
    if (!this.nearIndex) {
      const at: Int32Array[] = [];
      const sim: Float64Array[] = [];
      this.codes.forEach((c, i) => {
        const all = this.scoreAll(c, DEFAULT_PROXIMITY_WEIGHTS);
        const top = topPositions(all, pf.NEAR, i);
        at.push(Int32Array.from(top));
        sim.push(Float64Array.from(top, (j) => all[j]!));
      });
      this.nearIndex = { at, sim };
    }
    return this.nearIndex;
  }

  position(code: string): number | undefined {
    return this.pos.get(code.toUpperCase());
  }

  /**
   * Every pair feature of source → each fiche: one column per PAIR_FEATURES entry, index-aligned with `codes`.
   * Graph features read `graph` without the source's own out-edges (see MobiliteGraph). `metric`: the learned
   * similarity `neighboursGoLearned` reads (a model's `neighbourMetric`; by default the served model's; none, that
   * column is 0).
   */
  featureColumns(
    source: string,
    graph: MobiliteGraph = this.graph,
    known: readonly number[] = [],
    reuse = false,
    need?: Uint8Array,
    metric: NeighbourMetric | undefined = this.model?.neighbourMetric,
  ): Float64Array[] {
    const s = this.pos.get(source)!;
    const n = this.codes.length;
    // `reuse`: the serving path's buffers, overwritten by the next call (saves the garbage collector ~35 arrays).
    const cols = reuse
      ? (this.buffers ??= PAIR_FEATURES.map(() => new Float64Array(n)))
      : PAIR_FEATURES.map(() => new Float64Array(n));
    if (reuse) for (const x of cols) x.fill(0);
    const c = (k: PairFeature) => cols[PAIR_FEATURES.indexOf(k)]!;
    this.skills.columns(s, c);
    const mc = c("mcCoverage");
    this.table.pairColumns(s, this.pairCols(cols));
    this.secteurs.jaccardInto(s, c("secteursShared"));
    this.centres.jaccardInto(s, c("centresInteretShared"));
    this.contextes.jaccardInto(s, c("contextesShared"));
    const w = DEFAULT_PROXIMITY_WEIGHTS;
    const sim = reuse ? (this.simBuffer ??= new Float64Array(n)) : new Float64Array(n);
    const [sav, tit, def] = [c("savoirCoverage"), c("titleSim"), c("definitionSim")];
    for (let i = 0; i < n; i++)
      sim[i] = w.mc * mc[i]! + w.savoir * sav[i]! + w.title * tit[i]! + w.definition * def[i]!;
    if (!need || need[PAIR_FEATURES.indexOf("appellationMaxSim")])
      this.appellations().maxInto(s, c("appellationMaxSim"));
    for (const k of pf.TEXT_VECTOR_FEATURES)
      if (!need || need[PAIR_FEATURES.indexOf(k)]) this.textVectors()?.similarityInto(s, ...TEXT_VECTOR_PAIRS[k], c(k));
    const learned = metric
      ? learnedSimilarity(cols, metric, reuse ? (this.learnedSimBuffer ??= new Float64Array(n)) : new Float64Array(n))
      : undefined;
    graphColumns(this.graphContext, s, graph, sim, cols, known, need, learned);
    for (const col of cols) col[s] = 0;
    return cols;
  }

  /** The columns of `cols` (PAIR_FEATURES order) that FicheTable.pairColumns writes. */
  private pairCols(cols: Float64Array[]): PairColumns {
    return Object.fromEntries(PAIR_COLUMNS.map((k) => [k, cols[PAIR_FEATURES.indexOf(k)]!])) as PairColumns;
  }

  /** The graph features of source position `s` → every fiche into `cols` (see graphColumns in graph-features.ts). */
  graphColumns(
    s: number,
    graph: MobiliteGraph,
    sim: ArrayLike<number>,
    cols: Float64Array[],
    known: readonly number[] = [],
    learnedSim?: ArrayLike<number>,
  ): void {
    graphColumns(this.graphContext, s, graph, sim, cols, known, undefined, learnedSim);
  }

  has(code: string): boolean {
    return this.pos.has(code.toUpperCase());
  }

  /** Total score of source → every fiche (index-aligned with `codes`). */
  scoreAll(source: string, w: ProximityWeights = this.weights): Float64Array {
    return this.skills.scoreAll(this.pos.get(source)!, w);
  }

  /** The score breakdown of target position `t` read from feature columns (the fixed blend's total). */
  private breakdown(cols: readonly Float64Array[], t: number): ProximityScore {
    return breakdownOf(
      Object.fromEntries(BREAKDOWN.map((k) => [k, cols[PAIR_FEATURES.indexOf(k)]![t]!])) as SkillParts,
      this.weights,
    );
  }

  /** Full score breakdown for one pair. */
  score(source: string, target: string): ProximityScore {
    return this.skills.score(this.pos.get(source)!, this.pos.get(target)!, this.weights);
  }

  /** Scores of source → every fiche under a ranker (index-aligned with `codes`), and the feature columns if used. */
  private scores(source: string, ranker: Ranker): { total: Float64Array; cols: Float64Array[] | null } {
    if (ranker === "learned" && this.model) {
      const need = (this.needed ??= neededColumns(this.modelReads));
      const cols = this.featureColumns(source, this.graph, [], true, need, this.model.neighbourMetric);
      const n = this.codes.length;
      this.scoreBuffer ??= new Float64Array(n);
      return { total: rankingScores(cols, this.model, this.pos.get(source)!, this.scoreBuffer), cols };
    }
    return { total: this.scoreAll(source, this.weights), cols: null };
  }

  /** The ranker used when none is asked for: the learned one when the index has a model. */
  get defaultRanker(): Ranker {
    return this.model ? "learned" : "fixed";
  }

  /** Target codes ranked by total score (source excluded), best first, after the filter. */
  rank(
    source: string,
    topK: number,
    filter?: FicheFilter,
    ranker: Ranker = this.defaultRanker,
  ): { code: string; total: number }[] {
    const src = source.toUpperCase();
    const { total } = this.scores(src, ranker);
    return this.top(total, this.pos.get(src), topK, filter).map((i) => ({
      code: this.codes[i]!,
      total: stageScore(total[i]!),
    }));
  }

  /** Top-k positions of `total` (source excluded) passing the filter, best first. */
  private top(total: Float64Array, s: number | undefined, topK: number, filter?: FicheFilter): number[] {
    // Top-k selection by insertion into a small sorted buffer (k ≤ 100): avoids sorting all 1,584 fiches.
    // Ties keep code order because fiches are visited in code order and only a strictly better score moves up.
    const best: number[] = [];
    for (let i = 0; i < total.length; i++) {
      if (i === s) continue;
      const x = total[i]!;
      if (best.length === topK && x <= total[best[best.length - 1]!]!) continue;
      if (filter && !matchesFilter(this.fiches[i]!, filter)) continue;
      let j = best.length;
      while (j > 0 && total[best[j - 1]!]! < x) j--;
      best.splice(j, 0, i);
      if (best.length > topK) best.pop();
    }
    return best;
  }

  /** Ranked passerelles with explanations. `source` must exist (check with `has`). */
  passerelles(source: string, topK: number, filter?: FicheFilter, ranker: Ranker = this.defaultRanker): Passerelle[] {
    const src = source.toUpperCase();
    const s = this.pos.get(src)!;
    const sourceFiche = this.ref.fiches.get(src)!;
    const held = heldBy(this.ref, src);
    const { total, cols: learnedCols } = this.scores(src, ranker);
    // The fixed ranker's reasons: its own features (skill overlap only) under its weights, from the pair's breakdown.
    const model = learnedCols ? this.model! : FIXED_BLEND_MODEL;
    // A shortlisted fiche of a two-stage model is ranked, and so explained, by the second stage.
    const stageOf = (t: number) => (model.rerank && total[t]! >= RERANK_OFFSET / 2 ? model.rerank : model);
    const w = DEFAULT_PROXIMITY_WEIGHTS;
    const [mc, sav, tit, def] = (["mcCoverage", "savoirCoverage", "titleSim", "definitionSim"] as const).map(
      (k) => learnedCols?.[PAIR_FEATURES.indexOf(k)],
    );
    const sim = (u: number) => w.mc * mc![u]! + w.savoir * sav![u]! + w.title * tit![u]! + w.definition * def![u]!;
    return this.top(total, s, topK, filter).map((t, i) => {
      // The learned path has the pair's breakdown in its columns already (same sums, another order).
      const pair = learnedCols ? this.breakdown(learnedCols, t) : this.score(src, this.codes[t]!);
      const score = { ...pair, total: round(stageScore(total[t]!), 3) };
      const official = sourceFiche.mobilites.find((m) => m.cible === this.codes[t]);
      const x = learnedCols
        ? new Map(PAIR_FEATURES.map((k, j) => [k, learnedCols[j]![t]!]))
        : new Map<PairFeature, number>(BREAKDOWN.map((k) => [k, pair[k]]));
      return {
        code: this.codes[t]!,
        libelle: this.fiches[t]!.libelle,
        rank: i + 1,
        score,
        reasons: explainReasons(this.reasonContext, s, t, x, contributions(x, stageOf(t)), sim),
        viability: viabilityOf(score.mcCoverage, score.coreCoverage),
        officialMobilite: { listed: official !== undefined, rang: official?.rang ?? null },
        ...explainGap(this.ref, held, this.codes[t]!, this.weights.coeurBoost),
      };
    });
  }
}

/** Where a model file's fit records the word vectors it read (`tune:passerelles` writes `fit.options.wordVectors`). */
const FittedWordVectors = z.object({
  fit: z.object({ date: z.string(), options: z.object({ wordVectors: z.object({ sha256: z.string() }) }) }),
});

/** The word vectors a model file's fit recorded (rows' sha256, date of the fit), if any (a fit in progress has none). */
export function fittedWordVectors(model: PasserellesWeights | null): { sha256: string; date: string } | undefined {
  const parsed = FittedWordVectors.safeParse(model);
  return parsed.success
    ? { sha256: parsed.data.fit.options.wordVectors.sha256, date: parsed.data.fit.date }
    : undefined;
}

/** The pair features a passerelle's score breakdown shows (and the fixed ranker's reasons read). */
const BREAKDOWN = [
  "mcCoverage",
  "coreCoverage",
  "competenceCoverage",
  "savoirCoverage",
  "titleSim",
  "definitionSim",
] as const satisfies readonly PairFeature[];

/** 1 for each PAIR_FEATURES column a learned answer reads: the model's terms (`read`) and the score breakdown's parts. */
function neededColumns(read: ReadonlySet<PairFeature>): Uint8Array {
  const need = new Set<PairFeature>([...read, ...BREAKDOWN]);
  return Uint8Array.from(PAIR_FEATURES, (k) => Number(need.has(k)));
}
