import type { Referential } from "../rome/index.js";
import type { Fiche } from "../rome/index.js";
import { contentStems } from "../text/index.js";
import { type FicheFilter, matchesFilter } from "./filters.js";
import * as pf from "./features.js";
import { MobiliteGraph, PAIR_FEATURES, type PairFeature } from "./features.js";
import { contributions, loadPasserellesModel, scoreColumns, type PasserellesWeights } from "./model.js";

/**
 * Passerelles (métier → métier proximity), asymmetric as in Nesta's Mapping Career Causeways:
 * the question is how much of the *target's* skills the *source* already covers.
 *
 *   w_t(x)        = idf(x) × (coeur de métier of t ? 1 + coeurBoost : 1)          x = an MC, compétence or savoir
 *   coverage_L    = Σ_{x ∈ S ∩ T} w_t(x) / Σ_{x ∈ T} w_t(x)   at level L ∈ {MC, compétence, savoir} (0..1, asymmetric)
 *   titleSim      = cosine of TF-IDF stem vectors of libellé + appellations       (0..1, symmetric)
 *   definitionSim = cosine of TF-IDF stem vectors of the definitions              (0..1, symmetric)
 *   total         = Σ weight × feature                                            (weights sum to 1)
 *
 * The MC level carries the explanation (shared / to acquire); compétence and savoir coverage sharpen the
 * ranking because ROME's own mobilités mostly join fiches that share exact compétences or savoirs.
 * Weights were tuned on the official mobilités (benchmarks/proximity.ts, TUNE=1).
 */
export interface ProximityWeights {
  mc: number;
  competence: number;
  savoir: number;
  title: number;
  definition: number;
  /** Extra weight of a target's coeur-de-métier items: missing the core of a métier costs more. */
  coeurBoost: number;
}

/**
 * Tuned on the 14,912 official mobilités (TUNE=1 grid over the 5-feature simplex in steps of 0.25, coeurBoost 0/1):
 * the equal mix of MC coverage, savoir coverage, title and definition similarity was best (recall@10 0.311,
 * MRR 0.650); any single feature alone gives 0.195–0.241, MC coverage alone 0.210. Compétence coverage adds
 * nothing once savoirs are in (it is reported in the breakdown, weight 0). Rank fusion (RRF) did not beat it.
 */
export const DEFAULT_PROXIMITY_WEIGHTS: ProximityWeights = { mc: 0.25, competence: 0, savoir: 0.25, title: 0.25, definition: 0.25, coeurBoost: 1 };

/** The fixed blend as weights over pair features (the ranker `fixed`, and the baseline of every comparison). */
export const FIXED_BLEND_MODEL: PasserellesWeights = {
  weights: { mcCoverage: DEFAULT_PROXIMITY_WEIGHTS.mc, competenceCoverage: DEFAULT_PROXIMITY_WEIGHTS.competence, savoirCoverage: DEFAULT_PROXIMITY_WEIGHTS.savoir, titleSim: DEFAULT_PROXIMITY_WEIGHTS.title, definitionSim: DEFAULT_PROXIMITY_WEIGHTS.definition },
  interactions: [],
};

/**
 * Viability of a passerelle, on mcCoverage and coreCoverage (Nesta uses fixed similarity cut-offs the same way).
 * Calibrated on the official mobilités ("officialEdgesOnOurScale" in the benchmark output): the median official
 * mobilité covers 0.26 of its target's IDF-weighted MCs, so "viable" = at least as close as half of ROME's own
 * passerelles (0.25); "highly viable" = half of the target's MCs and half of its coeur de métier (~1 in 10 official ones).
 */
export const VIABILITY = {
  /** At least this share (IDF-weighted) of the target's MCs and of its coeur-de-métier MCs is covered. */
  highlyViable: { mcCoverage: 0.5, coreCoverage: 0.5 },
  viable: { mcCoverage: 0.25 },
} as const;

export type Viability = "highly_viable" | "viable" | "stretch";

export function viabilityOf(mcCoverage: number, coreCoverage: number): Viability {
  if (mcCoverage >= VIABILITY.highlyViable.mcCoverage && coreCoverage >= VIABILITY.highlyViable.coreCoverage) return "highly_viable";
  if (mcCoverage >= VIABILITY.viable.mcCoverage) return "viable";
  return "stretch";
}

/** IDF weight of one item (MC, compétence, savoir) for a target fiche. */
export function mcWeight(idf: number, coeur: boolean, coeurBoost: number): number {
  return idf * (coeur ? 1 + coeurBoost : 1);
}

type SparseVec = Map<string, number>;

/** TF-IDF over stems, L2-normalised, so a dot product is a cosine. */
function tfidfVectors(docs: string[][]): SparseVec[] {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  return docs.map((d) => {
    const v: SparseVec = new Map();
    for (const t of d) v.set(t, (v.get(t) ?? 0) + 1);
    let norm = 0;
    for (const [t, tf] of v) {
      const w = (1 + Math.log(tf)) * Math.log((n + 1) / (df.get(t)! + 0.5));
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
}

/** A posting list in typed arrays: the scoring loops are the hot path (~1,600 fiches per query). */
interface Postings {
  docs: Uint32Array;
  ws: Float64Array;
}

function buildPostings(rows: Map<string, number>[]): Map<string, Postings> {
  const tmp = new Map<string, { docs: number[]; ws: number[] }>();
  rows.forEach((row, doc) => {
    for (const [key, w] of row) {
      let p = tmp.get(key);
      if (!p) tmp.set(key, (p = { docs: [], ws: [] }));
      p.docs.push(doc);
      p.ws.push(w);
    }
  });
  return new Map([...tmp].map(([k, p]) => [k, { docs: Uint32Array.from(p.docs), ws: Float64Array.from(p.ws) }]));
}

/** Inverted index over sparse vectors: cosine of one vector against all in one pass over shared terms. */
class CosineIndex {
  private readonly postings: Map<string, Postings>;
  constructor(readonly vecs: SparseVec[]) {
    this.postings = buildPostings(vecs);
  }
  /** Adds `scale × cosine(vecs[doc], ·)` to `out`. */
  accumulate(doc: number, scale: number, out: Float64Array): void {
    for (const [t, w] of this.vecs[doc]!) {
      const p = this.postings.get(t)!;
      const f = scale * w;
      for (let i = 0; i < p.docs.length; i++) out[p.docs[i]!]! += f * p.ws[i]!;
    }
  }
  cosine(a: number, b: number): number {
    const va = this.vecs[a]!;
    const vb = this.vecs[b]!;
    let s = 0;
    for (const [t, w] of va) s += w * (vb.get(t) ?? 0);
    return s;
  }
}

/** Asymmetric weighted coverage at one level: per fiche, item → w_t(item); inverted for one-pass scoring. */
class ItemCoverageIndex {
  private readonly postings: Map<string, Postings>;
  private readonly totals: Float64Array;
  constructor(readonly items: Map<string, number>[]) {
    this.postings = buildPostings(items);
    this.totals = new Float64Array(items.length);
    items.forEach((m, doc) => {
      for (const w of m.values()) this.totals[doc]! += w;
    });
  }
  /** Adds `scale × coverage(source → ·)` to `out`. */
  accumulate(source: number, scale: number, out: Float64Array, tmp: Float64Array): void {
    tmp.fill(0);
    for (const it of this.items[source]!.keys()) {
      const p = this.postings.get(it)!;
      for (let i = 0; i < p.docs.length; i++) tmp[p.docs[i]!]! += p.ws[i]!;
    }
    for (let i = 0; i < tmp.length; i++) if (this.totals[i]! > 0) out[i]! += (scale * tmp[i]!) / this.totals[i]!;
  }
  /** Adds `scale × coverage(· → target)` for every target, the source side being `held` (not a fiche of this index). */
  accumulateFrom(held: Iterable<string>, scale: number, out: Float64Array, tmp: Float64Array): void {
    tmp.fill(0);
    for (const it of held) {
      const p = this.postings.get(it);
      if (p) for (let i = 0; i < p.docs.length; i++) tmp[p.docs[i]!]! += p.ws[i]!;
    }
    for (let i = 0; i < tmp.length; i++) if (this.totals[i]! > 0) out[i]! += (scale * tmp[i]!) / this.totals[i]!;
  }
  /**
   * Adds, for every fiche f, the share of `weights`' total (the source's own items and weights) that f lists:
   * coverage the other way round (how much of the source a target uses).
   */
  accumulateReverse(weights: ReadonlyMap<string, number>, out: Float64Array): void {
    let total = 0;
    for (const w of weights.values()) total += w;
    if (total <= 0) return;
    for (const [it, w] of weights) {
      const p = this.postings.get(it);
      if (p) for (let i = 0; i < p.docs.length; i++) out[p.docs[i]!]! += w / total;
    }
  }
  total(doc: number): number {
    return this.totals[doc]!;
  }
  coverage(source: number, target: number): number {
    const s = this.items[source]!;
    let c = 0;
    for (const [it, w] of this.items[target]!) if (s.has(it)) c += w;
    return this.totals[target]! > 0 ? c / this.totals[target]! : 0;
  }
}

/** Jaccard of code sets per fiche, by posting lists: one source against every fiche in one pass. */
class SetOverlapIndex {
  private readonly postings = new Map<string, number[]>();
  private readonly sizes: Int32Array;
  constructor(private readonly sets: ReadonlySet<string>[]) {
    sets.forEach((set, doc) => {
      for (const x of set) (this.postings.get(x) ?? this.postings.set(x, []).get(x)!).push(doc);
    });
    this.sizes = Int32Array.from(sets, (x) => x.size);
  }
  /** Writes jaccard(source, ·) into `out`. */
  jaccardInto(source: number, out: Float64Array): void {
    out.fill(0);
    for (const x of this.sets[source]!) for (const d of this.postings.get(x)!) out[d]!++;
    const a = this.sizes[source]!;
    for (let i = 0; i < out.length; i++) if (out[i]! > 0) out[i] = out[i]! / (a + this.sizes[i]! - out[i]!);
  }
}

export interface ProximityScore {
  mcCoverage: number;
  coreCoverage: number;
  competenceCoverage: number;
  savoirCoverage: number;
  titleSim: number;
  definitionSim: number;
  total: number;
}

export interface SharedMacroCompetence {
  code: string;
  libelle: string;
  weight: number;
  coeurMetierInTarget: boolean;
  /** Compétences under this MC that both sides list. */
  sharedCompetences: { code: string; libelle: string }[];
  /** Compétences of the target under this MC that the source does not list (detail below a covered MC). */
  targetOnlyCompetences: { code: string; libelle: string; coeurMetier: boolean }[];
}

export interface MacroCompetenceToAcquire {
  code: string;
  libelle: string;
  weight: number;
  coeurMetier: boolean;
  competences: { code: string; libelle: string; coeurMetier: boolean }[];
}

/** How a passerelle is ranked: the model fitted on ROME's mobilités, or the fixed blend of skill overlap. */
export type Ranker = "learned" | "fixed";
export const RANKERS: readonly Ranker[] = ["learned", "fixed"];

/**
 * One reason a passerelle ranks where it does: a feature group's share of the score (log-odds units of the ranker),
 * and whether it is shared skills, a career pattern of ROME's mobilités (same domaine, level, entry route, where
 * similar fiches lead) or the work context.
 */
export interface PasserelleReason {
  kind: "shared_skills" | "career_pattern" | "work_context";
  reason: string;
  contribution: number;
  text: string;
}

export interface Passerelle {
  code: string;
  libelle: string;
  rank: number;
  score: ProximityScore;
  /** Positive reasons, largest share of the score first. */
  reasons: PasserelleReason[];
  viability: Viability;
  /** Whether ROME's own mobilités list this target from the source, and at which rank. */
  officialMobilite: { listed: boolean; rang: number | null };
  shared: SharedMacroCompetence[];
  toAcquire: {
    /** Target MCs the source does not mobilise: coeur de métier first, then by IDF weight. */
    macroCompetences: MacroCompetenceToAcquire[];
    /** Every target compétence the source does not list: coeur first, then those under uncovered MCs, then MC weight. */
    competences: { code: string; libelle: string; coeurMetier: boolean; macroCompetence: string; macroCompetenceCovered: boolean }[];
  };
}

/** Precomputed proximity structures for one referential (build once, ~1 s; a query takes a few ms). */
export class ProximityIndex {
  readonly codes: string[];
  private readonly pos = new Map<string, number>();
  private readonly fiches: Fiche[];
  private readonly mc: ItemCoverageIndex;
  private readonly core: ItemCoverageIndex;
  private readonly competence: ItemCoverageIndex;
  private readonly savoir: ItemCoverageIndex;
  private readonly title: CosineIndex;
  private readonly definition: CosineIndex;
  private readonly tmp: Float64Array;
  private readonly level: (number | null)[];
  private readonly openEntry: Uint8Array;
  private readonly riasecLetters: string[][];
  private buffers: Float64Array[] | undefined;
  private readonly contextes: SetOverlapIndex;
  /** Per fiche: the other fiches of its split family (same pre-split parent, the parent, its children). */
  readonly family: Int32Array[];
  private readonly secteurs: SetOverlapIndex;
  private readonly centres: SetOverlapIndex;
  /** ROME's own mobilités between this referential's fiches: the graph features' default. */
  readonly graph: MobiliteGraph;

  /** The learned ranker (null: the fixed blend only). */
  readonly model: PasserellesWeights | null;

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
    this.codes = [...ref.fiches.keys()].sort();
    this.codes.forEach((c, i) => this.pos.set(c, i));
    this.fiches = this.codes.map((c) => ref.fiches.get(c)!);
    this.tmp = new Float64Array(this.codes.length);
    this.level = this.fiches.map((f) => pf.entryLevel(f.accesMetier));
    this.riasecLetters = this.fiches.map((f) => (f.riasec ? [f.riasec.majeur, ...(f.riasec.mineur ? [f.riasec.mineur] : [])] : []));
    this.openEntry = Uint8Array.from(this.fiches, (f) => Number(pf.openEntry(f.accesMetier)));
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
    const n = this.codes.length;
    const itemIdf = (code: string) => Math.log((n + 1) / (ref.fichesForItem(code).length + 0.5));
    const boost = weights.coeurBoost;
    const mcMaps = this.codes.map((c) => new Map([...ref.ficheMacroCompetences(c).values()].map((m) => [m.code, mcWeight(ref.mcIdf(m.code), m.coeur, boost)])));
    this.mc = new ItemCoverageIndex(mcMaps);
    // Core: the target's coeur-de-métier MCs only; the source side is all its MCs (this.mc.items).
    this.core = new ItemCoverageIndex(this.codes.map((c) => new Map([...ref.ficheMacroCompetences(c).values()].filter((m) => m.coeur).map((m) => [m.code, ref.mcIdf(m.code)]))));
    this.competence = new ItemCoverageIndex(this.fiches.map((f) => new Map(f.competences.map((l) => [l.code, mcWeight(itemIdf(l.code), l.coeurMetier === "principale", boost)]))));
    this.savoir = new ItemCoverageIndex(this.fiches.map((f) => new Map(f.savoirs.map((l) => [l.code, mcWeight(itemIdf(l.code), l.coeurMetier === "principale", boost)]))));
    const appLabel = (a: string) => ref.appellations.get(a)?.libelle ?? "";
    this.title = new CosineIndex(tfidfVectors(this.fiches.map((f) => contentStems([f.libelle, ...f.appellations.map(appLabel)].join(" ")))));
    this.definition = new CosineIndex(tfidfVectors(this.fiches.map((f) => contentStems(f.definition))));
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

  position(code: string): number | undefined {
    return this.pos.get(code.toUpperCase());
  }

  /**
   * Every pair feature of source → each fiche: one column per PAIR_FEATURES entry, index-aligned with `codes`.
   * Graph features read `graph` without the source's own out-edges (see MobiliteGraph).
   */
  featureColumns(source: string, graph: MobiliteGraph = this.graph, known: readonly number[] = [], reuse = false): Float64Array[] {
    const s = this.pos.get(source)!;
    const n = this.codes.length;
    // `reuse`: the serving path's buffers, overwritten by the next call (saves the garbage collector ~35 arrays).
    const cols = reuse ? (this.buffers ??= PAIR_FEATURES.map(() => new Float64Array(n))) : PAIR_FEATURES.map(() => new Float64Array(n));
    if (reuse) for (const x of cols) x.fill(0);
    const c = (k: PairFeature) => cols[PAIR_FEATURES.indexOf(k)]!;
    const mcItems = this.mc.items[s]!;
    this.mc.accumulate(s, 1, c("mcCoverage"), this.tmp);
    this.core.accumulateFrom(mcItems.keys(), 1, c("coreCoverage"), this.tmp);
    this.mc.accumulateReverse(mcItems, c("reverseMcCoverage"));
    this.mc.accumulateReverse(this.core.items[s]!, c("reverseCoreCoverage"));
    this.competence.accumulate(s, 1, c("competenceCoverage"), this.tmp);
    this.savoir.accumulate(s, 1, c("savoirCoverage"), this.tmp);
    this.title.accumulate(s, 1, c("titleSim"));
    this.definition.accumulate(s, 1, c("definitionSim"));
    const core = c("coreCoverage");
    const mc = c("mcCoverage");
    // A fiche without coeur-de-métier MCs has no separate core: its core coverage is its MC coverage (as in `score`).
    for (let i = 0; i < n; i++) if (!(this.core.total(i) > 0)) core[i] = mc[i]!;
    if (!(this.core.total(s) > 0)) c("reverseCoreCoverage").set(c("reverseMcCoverage"));
    const S = this.fiches[s]!;
    const at = (k: PairFeature) => PAIR_FEATURES.indexOf(k);
    const [gd, dp, sect, ci, ctx, rMaj, rSh, tCad, cadUp, tReg, regUp, lvUp, lvDown, open, sib, poc] = (
      ["sameGrandDomaine", "sameDomainePro", "secteursShared", "centresInteretShared", "contextesShared", "riasecMajeur", "riasecShared", "targetCadre", "cadreUp", "targetReglemente", "reglementeUp", "levelUp", "levelDown", "targetOpenEntry", "splitSibling", "parentOrChild"] as const
    ).map((k) => cols[at(k)]!);
    this.secteurs.jaccardInto(s, sect!);
    this.centres.jaccardInto(s, ci!);
    this.contextes.jaccardInto(s, ctx!);
    const sCadre = pf.cadre(S);
    const sReg = pf.reglemente(S);
    const sLetters = new Set(this.riasecLetters[s]);
    for (let i = 0; i < n; i++) {
      const T = this.fiches[i]!;
      gd![i] = pf.sameGrandDomaine(S, T);
      dp![i] = pf.sameDomainePro(S, T);
      rMaj![i] = pf.riasecMajeur(S, T);
      // pf.riasecShared without its per-pair sets (the hot loop): the target's letters are precomputed.
      const tl = this.riasecLetters[i]!;
      let shared = 0;
      for (const x of tl) if (sLetters.has(x)) shared++;
      rSh![i] = tl.length && sLetters.size ? shared / tl.length : 0;
      const tc = pf.cadre(T);
      tCad![i] = Number(tc);
      cadUp![i] = Number(tc && !sCadre);
      const tr = pf.reglemente(T);
      tReg![i] = Number(tr);
      regUp![i] = Number(tr && !sReg);
      const g = pf.levelGap(this.level[s]!, this.level[i]!);
      lvUp![i] = g.up;
      lvDown![i] = g.down;
      open![i] = this.openEntry[i]!;
      sib![i] = pf.splitSibling(S, T);
      poc![i] = pf.parentOrChild(S, T);
    }
    const w = DEFAULT_PROXIMITY_WEIGHTS;
    const sim = new Float64Array(n);
    const [sav, tit, def] = [c("savoirCoverage"), c("titleSim"), c("definitionSim")];
    for (let i = 0; i < n; i++) sim[i] = w.mc * mc[i]! + w.savoir * sav[i]! + w.title * tit[i]! + w.definition * def[i]!;
    this.graphColumns(s, graph, sim, cols, known);
    for (const col of cols) col[s] = 0;
    return cols;
  }

  /**
   * The graph features of source position `s` → every fiche, written into `cols` (PAIR_FEATURES order): in-degree
   * without the source's own edge, edges back to the source, co-citation by the fiches that lead to the source, and
   * where the fiches most like the source lead (`sim`: the fixed blend's similarity of the source to each fiche).
   */
  graphColumns(s: number, graph: MobiliteGraph, sim: ArrayLike<number>, cols: Float64Array[], known: readonly number[] = []): void {
    const n = this.codes.length;
    const c = (k: PairFeature) => cols[PAIR_FEATURES.indexOf(k)]!;
    const indeg = c("targetInDegree");
    for (let i = 0; i < n; i++) indeg[i] = graph.inDegree[i]!;
    for (const t of graph.out[s]!) indeg[t]!--;
    for (let i = 0; i < n; i++) indeg[i] = pf.log1p(indeg[i]!);
    const rev = c("reverseMobilite").fill(0);
    const cc = c("coCited").fill(0);
    for (const u of graph.in[s]!) {
      rev[u] = 1;
      for (const t of graph.out[u]!) if (t !== s) cc[t]!++;
    }
    for (let i = 0; i < n; i++) cc[i] = pf.log1p(cc[i]!);
    // The source's NEIGHBOURS most similar fiches vote for their own targets, each by its similarity (normalised).
    const knn: number[] = [];
    for (let u = 0; u < n; u++) {
      if (u === s || !(sim[u]! > 0)) continue;
      if (knn.length === pf.NEIGHBOURS && sim[u]! <= sim[knn[knn.length - 1]!]!) continue;
      let j = knn.length;
      while (j > 0 && sim[knn[j - 1]!]! < sim[u]!) j--;
      knn.splice(j, 0, u);
      if (knn.length > pf.NEIGHBOURS) knn.pop();
    }
    const nb = c("neighboursGo").fill(0);
    const mass = knn.reduce((a, u) => a + sim[u]!, 0);
    for (const u of knn) for (const t of graph.out[u]!) nb[t]! += sim[u]! / mass;
    // Where the source's split family leads (to the target, or to the target's own family): ROME's editors gave
    // fiches split from one parent overlapping mobilités.
    const fam = this.family[s]!;
    const fg = c("familyGo").fill(0);
    const fgf = c("familyGoFamily").fill(0);
    if (fam.length) {
      for (const u of fam)
        for (const t of graph.out[u]!) {
          fg[t]! += 1 / fam.length;
          fgf[t]! += 1 / fam.length;
          for (const v of this.family[t]!) fgf[v]! += 1 / fam.length;
        }
      for (let i = 0; i < n; i++) fgf[i] = Math.min(1, fgf[i]!);
    }
    // Where the fiches that share the source's in-neighbours lead (collaborative filtering on the graph alone):
    // x → s and x → u, then u → t.
    const ing = c("inNeighboursGo").fill(0);
    for (const x of graph.in[s]!) for (const u of graph.out[x]!) if (u !== s) for (const t of graph.out[u]!) ing[t]!++;
    for (let i = 0; i < n; i++) ing[i] = pf.log1p(ing[i]!);
    // Only when the source's current mobilités are given (`known`, the forward test's setting: what a fiche
    // already lists predicts what ROME adds next): where its own targets lead.
    const own = c("ownTargetsGo").fill(0);
    for (const u of known) for (const t of graph.out[u]!) if (t !== s) own[t]!++;
    for (let i = 0; i < n; i++) own[i] = pf.log1p(own[i]!);
    const go = c("similarSourcesGo").fill(0);
    const goMax = c("similarSourcesGoMax").fill(0);
    for (let u = 0; u < n; u++) {
      if (u === s) continue;
      const x = sim[u]!;
      if (x <= 0) continue;
      for (const t of graph.out[u]!) {
        go[t]! += x;
        if (x > goMax[t]!) goMax[t] = x;
      }
    }
  }

  has(code: string): boolean {
    return this.pos.has(code.toUpperCase());
  }

  /** Total score of source → every fiche (index-aligned with `codes`). */
  scoreAll(source: string, w: ProximityWeights = this.weights): Float64Array {
    const s = this.pos.get(source)!;
    const total = new Float64Array(this.codes.length);
    if (w.mc) this.mc.accumulate(s, w.mc, total, this.tmp);
    if (w.competence) this.competence.accumulate(s, w.competence, total, this.tmp);
    if (w.savoir) this.savoir.accumulate(s, w.savoir, total, this.tmp);
    if (w.title) this.title.accumulate(s, w.title, total);
    if (w.definition) this.definition.accumulate(s, w.definition, total);
    return total;
  }

  /** Full score breakdown for one pair. */
  score(source: string, target: string): ProximityScore {
    const s = this.pos.get(source)!;
    const t = this.pos.get(target)!;
    const w = this.weights;
    const mcCoverage = this.mc.coverage(s, t);
    const coreItems = this.core.items[t]!;
    let core = 0;
    let coreTotal = 0;
    for (const [mc, x] of coreItems) {
      coreTotal += x;
      if (this.mc.items[s]!.has(mc)) core += x;
    }
    // A fiche without coeur-de-métier MCs has no separate core: its core coverage is its MC coverage.
    const coreCoverage = coreTotal > 0 ? core / coreTotal : mcCoverage;
    const competenceCoverage = this.competence.coverage(s, t);
    const savoirCoverage = this.savoir.coverage(s, t);
    const titleSim = this.title.cosine(s, t);
    const definitionSim = this.definition.cosine(s, t);
    const total = w.mc * mcCoverage + w.competence * competenceCoverage + w.savoir * savoirCoverage + w.title * titleSim + w.definition * definitionSim;
    const r = (x: number) => Math.round(x * 1000) / 1000;
    return { mcCoverage: r(mcCoverage), coreCoverage: r(coreCoverage), competenceCoverage: r(competenceCoverage), savoirCoverage: r(savoirCoverage), titleSim: r(titleSim), definitionSim: r(definitionSim), total: r(total) };
  }

  /** Scores of source → every fiche under a ranker (index-aligned with `codes`), and the feature columns if used. */
  private scores(source: string, ranker: Ranker): { total: Float64Array; cols: Float64Array[] | null } {
    if (ranker === "learned" && this.model) {
      const cols = this.featureColumns(source, this.graph, [], true);
      return { total: scoreColumns(cols, this.model), cols };
    }
    return { total: this.scoreAll(source, this.weights), cols: null };
  }

  /** The ranker used when none is asked for: the learned one when the index has a model. */
  get defaultRanker(): Ranker {
    return this.model ? "learned" : "fixed";
  }

  /** Target codes ranked by total score (source excluded), best first, after the filter. */
  rank(source: string, topK: number, filter?: FicheFilter, ranker: Ranker = this.defaultRanker): { code: string; total: number }[] {
    const src = source.toUpperCase();
    const { total } = this.scores(src, ranker);
    return this.top(total, this.pos.get(src), topK, filter).map((i) => ({ code: this.codes[i]!, total: total[i]! }));
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
    const w = DEFAULT_PROXIMITY_WEIGHTS;
    const [mc, sav, tit, def] = (["mcCoverage", "savoirCoverage", "titleSim", "definitionSim"] as const).map((k) => learnedCols?.[PAIR_FEATURES.indexOf(k)]);
    const sim = (u: number) => w.mc * mc![u]! + w.savoir * sav![u]! + w.title * tit![u]! + w.definition * def![u]!;
    return this.top(total, s, topK, filter).map((t, i) => {
      const pair = this.score(src, this.codes[t]!);
      const score = { ...pair, total: Math.round(total[t]! * 1000) / 1000 };
      const official = sourceFiche.mobilites.find((m) => m.cible === this.codes[t]);
      const x = learnedCols
        ? new Map(PAIR_FEATURES.map((k, j) => [k, learnedCols[j]![t]!]))
        : new Map<PairFeature, number>((["mcCoverage", "coreCoverage", "competenceCoverage", "savoirCoverage", "titleSim", "definitionSim"] as const).map((k) => [k, pair[k]]));
      return {
        code: this.codes[t]!,
        libelle: this.fiches[t]!.libelle,
        rank: i + 1,
        score,
        reasons: this.reasons(s, t, x, contributions(x, model), sim),
        viability: viabilityOf(score.mcCoverage, score.coreCoverage),
        officialMobilite: { listed: official !== undefined, rang: official?.rang ?? null },
        ...explainGap(this.ref, held, this.codes[t]!, this.weights.coeurBoost),
      };
    });
  }

  /** Reasons of one pair from its features' contributions, grouped and worded (those adding ≥ 0.05 to the score). */
  private reasons(s: number, t: number, x: ReadonlyMap<PairFeature, number>, contrib: ReadonlyMap<PairFeature, number>, sim: (u: number) => number): PasserelleReason[] {
    const S = this.fiches[s]!;
    const T = this.fiches[t]!;
    const g = this.graph;
    const pct = (k: PairFeature) => `${Math.round((x.get(k) ?? 0) * 100)} %`;
    const out: PasserelleReason[] = [];
    for (const group of REASON_GROUPS) {
      const c = group.features.reduce((a, k) => a + (contrib.get(k) ?? 0), 0);
      if (c < 0.05 || group.features.every((k) => !x.get(k))) continue;
      let text = "";
      switch (group.reason) {
        case "macro_competences":
          text = `covers ${pct("mcCoverage")} of the target's macro-compétences and ${pct("coreCoverage")} of its coeur de métier (IDF-weighted)`;
          break;
        case "reverse_coverage":
          text = `the target uses ${pct("reverseMcCoverage")} of the source's macro-compétences (${pct("reverseCoreCoverage")} of its coeur de métier)`;
          break;
        case "competences_savoirs":
          text = `shares compétences (${pct("competenceCoverage")} of the target's) and savoirs (${pct("savoirCoverage")})`;
          break;
        case "text":
          text = `close appellations and definitions (similarity ${(x.get("titleSim") ?? 0).toFixed(2)} and ${(x.get("definitionSim") ?? 0).toFixed(2)})`;
          break;
        case "same_domaine":
          text = x.get("sameDomainePro") ? `same domaine professionnel: ${T.domaineProfessionnel.libelle || T.domaineProfessionnel.code}` : `same grand domaine: ${T.grandDomaine.libelle || T.grandDomaine.code}`;
          break;
        case "secteurs_interets":
          text = "listed under the same secteurs d'activité or centres d'intérêt";
          break;
        case "riasec":
          text = `same interests profile (RIASEC ${S.riasec?.majeur ?? "?"}${S.riasec?.mineur ?? ""} → ${T.riasec?.majeur ?? "?"}${T.riasec?.mineur ?? ""})`;
          break;
        case "status":
          text = x.get("cadreUp") ? "a step up to an emploi cadre" : x.get("targetCadre") ? "an emploi cadre, like the source" : "an emploi réglementé";
          break;
        case "entry_route": {
          const ls = this.level[s]!;
          const lt = this.level[t]!;
          const parts: string[] = [];
          if (x.get("targetOpenEntry")) parts.push("open without a diploma or through VAE");
          if (ls !== null && lt !== null && ls !== lt) parts.push(`entered at ${levelName(lt)} (the source at ${levelName(ls)})`);
          else if (ls !== null && ls === lt) parts.push(`entered at the same level (${levelName(lt)})`);
          text = `entry route: ${parts.join("; ") || "comparable"}`;
          break;
        }
        case "split":
          text = x.get("splitSibling") ? `both come from fiche ${S.parent}, split in 2025` : `${S.parent === T.code ? S.code : T.code} was split from ${S.parent === T.code ? T.code : S.code} in 2025`;
          break;
        case "family_goes": {
          const k = [...this.family[s]!].filter((u) => g.has(u, t)).length;
          text = k ? `${k} fiche${k > 1 ? "s" : ""} of the source's split family (${S.parent}) lead${k > 1 ? "" : "s"} here` : `the source's split family (${S.parent}) leads to fiches of this one's family`;
          break;
        }
        case "own_targets":
          text = "fiches the source already leads to lead here";
          break;
        case "frequent_target":
          text = `souvent vers: ${g.inDegree[t]! - Number(g.has(s, t))} other fiches list it among their mobilités`;
          break;
        case "reverse_mobilite":
          text = `ROME lists the move the other way (${T.code} → ${S.code})`;
          break;
        case "co_cited": {
          const k = [...g.in[s]!].filter((u) => g.has(u, t)).length;
          text = k ? `${k} fiche${k > 1 ? "s" : ""} leading to the source also lead${k > 1 ? "" : "s"} here` : "fiches reached from the same places as the source lead here";
          break;
        }
        case "similar_sources": {
          let like: number | undefined;
          for (const u of g.in[t]!) if (u !== s && (like === undefined || sim(u) > sim(like))) like = u;
          text = like === undefined ? "fiches close to the source lead here" : `fiches close to the source lead here, e.g. ${this.fiches[like]!.libelle} (${this.codes[like]})`;
          break;
        }
        case "contextes":
          text = `similar work context (${pct("contextesShared")} of contextes de travail in common)`;
          break;
      }
      out.push({ kind: group.kind, reason: group.reason, contribution: Math.round(c * 1000) / 1000, text });
    }
    return out.sort((a, b) => b.contribution - a.contribution);
  }
}

/** Feature groups worded as one reason each. */
const REASON_GROUPS: { reason: string; kind: PasserelleReason["kind"]; features: PairFeature[] }[] = [
  { reason: "macro_competences", kind: "shared_skills", features: ["mcCoverage", "coreCoverage"] },
  { reason: "reverse_coverage", kind: "shared_skills", features: ["reverseMcCoverage", "reverseCoreCoverage"] },
  { reason: "competences_savoirs", kind: "shared_skills", features: ["competenceCoverage", "savoirCoverage"] },
  { reason: "text", kind: "shared_skills", features: ["titleSim", "definitionSim"] },
  { reason: "same_domaine", kind: "career_pattern", features: ["sameGrandDomaine", "sameDomainePro"] },
  { reason: "secteurs_interets", kind: "career_pattern", features: ["secteursShared", "centresInteretShared"] },
  { reason: "riasec", kind: "career_pattern", features: ["riasecMajeur", "riasecShared"] },
  { reason: "status", kind: "career_pattern", features: ["targetCadre", "cadreUp", "targetReglemente", "reglementeUp"] },
  { reason: "entry_route", kind: "career_pattern", features: ["levelUp", "levelDown", "targetOpenEntry"] },
  { reason: "split", kind: "career_pattern", features: ["splitSibling", "parentOrChild"] },
  { reason: "family_goes", kind: "career_pattern", features: ["familyGo", "familyGoFamily"] },
  { reason: "frequent_target", kind: "career_pattern", features: ["targetInDegree"] },
  { reason: "reverse_mobilite", kind: "career_pattern", features: ["reverseMobilite"] },
  { reason: "co_cited", kind: "career_pattern", features: ["coCited", "inNeighboursGo"] },
  { reason: "own_targets", kind: "career_pattern", features: ["ownTargetsGo"] },
  { reason: "similar_sources", kind: "career_pattern", features: ["similarSourcesGo", "similarSourcesGoMax", "neighboursGo"] },
  { reason: "contextes", kind: "work_context", features: ["contextesShared"] },
];

const LEVEL_NAMES: Record<number, string> = { 0: "no diploma", 3: "CAP/BEP", 4: "Bac", 5: "Bac+2", 6: "Bac+3", 7: "Bac+5", 8: "doctorat" };
const levelName = (l: number): string => LEVEL_NAMES[l] ?? `level ${l}`;

/** What someone (a source fiche, a profile) already has, at MC level and at compétence level. */
export interface HeldSkills {
  macroCompetences: ReadonlySet<string>;
  competences: ReadonlySet<string>;
}

export function heldBy(ref: Referential, fiche: string): HeldSkills {
  return { macroCompetences: new Set(ref.ficheMacroCompetences(fiche).keys()), competences: new Set(ref.fiches.get(fiche)!.competences.map((c) => c.code)) };
}

/**
 * What the holder shares with the target and what it must acquire. Everything listed comes from the
 * target fiche's own MCs and compétences; the holder only decides what is "shared" versus "to acquire".
 */
export function explainGap(ref: Referential, held: HeldSkills, target: string, coeurBoost: number): Pick<Passerelle, "shared" | "toAcquire"> {
  const sMcs = held.macroCompetences;
  const sComps = held.competences;
  const tFiche = ref.fiches.get(target)!;
  const tCoeur = new Set(tFiche.competences.filter((c) => c.coeurMetier === "principale").map((c) => c.code));
  const lab = (c: string) => ref.itemLabel(c) ?? c;
  const shared: SharedMacroCompetence[] = [];
  const missing: MacroCompetenceToAcquire[] = [];
  const compsToAcquire: Passerelle["toAcquire"]["competences"] = [];
  const order: { coeur: boolean; weight: number; code: string; comps: Passerelle["toAcquire"]["competences"] }[] = [];
  for (const m of ref.ficheMacroCompetences(target).values()) {
    const weight = Math.round(mcWeight(ref.mcIdf(m.code), m.coeur, coeurBoost) * 1000) / 1000;
    const covered = sMcs.has(m.code);
    const comps = m.competences.filter((c) => !sComps.has(c)).map((c) => ({ code: c, libelle: lab(c), coeurMetier: tCoeur.has(c), macroCompetence: m.code, macroCompetenceCovered: covered }));
    order.push({ coeur: m.coeur, weight, code: m.code, comps });
    if (covered) {
      shared.push({
        code: m.code,
        libelle: lab(m.code),
        weight,
        coeurMetierInTarget: m.coeur,
        sharedCompetences: m.competences.filter((c) => sComps.has(c)).map((c) => ({ code: c, libelle: lab(c) })),
        targetOnlyCompetences: comps.map(({ code, libelle, coeurMetier }) => ({ code, libelle, coeurMetier })),
      });
    } else {
      missing.push({ code: m.code, libelle: lab(m.code), weight, coeurMetier: m.coeur, competences: comps.map(({ code, libelle, coeurMetier }) => ({ code, libelle, coeurMetier })) });
    }
  }
  const byImportance = (a: { coeur?: boolean; coeurMetier?: boolean; weight: number; code: string }, b: typeof a) =>
    Number(b.coeur ?? b.coeurMetier) - Number(a.coeur ?? a.coeurMetier) || b.weight - a.weight || a.code.localeCompare(b.code);
  shared.sort((a, b) => Number(b.coeurMetierInTarget) - Number(a.coeurMetierInTarget) || b.weight - a.weight || a.code.localeCompare(b.code));
  missing.sort(byImportance);
  // Compétences: coeur-de-métier compétences first, then those under uncovered MCs (a whole MC to learn), then by MC weight.
  order.sort(byImportance);
  for (const o of order) compsToAcquire.push(...o.comps);
  compsToAcquire.sort((a, b) => Number(b.coeurMetier) - Number(a.coeurMetier) || Number(a.macroCompetenceCovered) - Number(b.macroCompetenceCovered));
  return { shared, toAcquire: { macroCompetences: missing, competences: compsToAcquire } };
}

/** Unweighted Jaccard of MC sets: the benchmark's baseline. */
export function mcJaccard(ref: Referential, a: string, b: string): number {
  const A = ref.ficheMacroCompetences(a);
  const B = ref.ficheMacroCompetences(b);
  let inter = 0;
  for (const k of A.keys()) if (B.has(k)) inter++;
  const union = A.size + B.size - inter;
  return union ? inter / union : 0;
}
