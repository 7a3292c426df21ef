import type { Referential } from "../rome/referential.js";
import type { Fiche } from "../rome/types.js";
import { contentStems } from "../text/index.js";
import { type FicheFilter, matchesFilter } from "./filters.js";

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
  coverage(source: number, target: number): number {
    const s = this.items[source]!;
    let c = 0;
    for (const [it, w] of this.items[target]!) if (s.has(it)) c += w;
    return this.totals[target]! > 0 ? c / this.totals[target]! : 0;
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

export interface Passerelle {
  code: string;
  libelle: string;
  rank: number;
  score: ProximityScore;
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

  constructor(
    readonly ref: Referential,
    readonly weights: ProximityWeights = DEFAULT_PROXIMITY_WEIGHTS,
  ) {
    this.codes = [...ref.fiches.keys()].sort();
    this.codes.forEach((c, i) => this.pos.set(c, i));
    this.fiches = this.codes.map((c) => ref.fiches.get(c)!);
    this.tmp = new Float64Array(this.codes.length);
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

  /** Target codes ranked by total score (source excluded), best first, after the filter. */
  rank(source: string, topK: number, filter?: FicheFilter, w: ProximityWeights = this.weights): { code: string; total: number }[] {
    const total = this.scoreAll(source, w);
    const s = this.pos.get(source);
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
    return best.map((i) => ({ code: this.codes[i]!, total: total[i]! }));
  }

  /** Ranked passerelles with explanations. `source` must exist (check with `has`). */
  passerelles(source: string, topK: number, filter?: FicheFilter): Passerelle[] {
    const src = source.toUpperCase();
    const sourceFiche = this.ref.fiches.get(src)!;
    const held = heldBy(this.ref, src);
    return this.rank(src, topK, filter).map((r, i) => {
      const score = this.score(src, r.code);
      const official = sourceFiche.mobilites.find((m) => m.cible === r.code);
      return {
        code: r.code,
        libelle: this.ref.fiches.get(r.code)!.libelle,
        rank: i + 1,
        score,
        viability: viabilityOf(score.mcCoverage, score.coreCoverage),
        officialMobilite: { listed: official !== undefined, rang: official?.rang ?? null },
        ...explainGap(this.ref, held, r.code, this.weights.coeurBoost),
      };
    });
  }
}

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
