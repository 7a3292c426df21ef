import type { Fiche, Referential } from "../rome/index.js";
import { contentStems } from "../text/index.js";
import { mcWeight, type ProximityScore, type ProximityWeights } from "./blend.js";
import type { PairFeature } from "./features.js";
import { CosineIndex, ItemCoverageIndex, tfidfVectors } from "./indexes.js";
import { round } from "../numbers.js";

/** The skill-overlap parts of a pair's score breakdown. */
export type SkillParts = Omit<ProximityScore, "total">;

/**
 * Skill overlap of one fiche with every other: IDF-weighted coverage of macro-compétences (all, and the target's
 * coeur de métier), compétences and savoirs, both ways, and TF-IDF similarity of titles and definitions. The fixed
 * blend is a weighted sum of these; the learned ranker reads them as its skill features.
 */
export class SkillOverlap {
  private readonly mc: ItemCoverageIndex;
  private readonly core: ItemCoverageIndex;
  private readonly competence: ItemCoverageIndex;
  private readonly savoir: ItemCoverageIndex;
  private readonly title: CosineIndex;
  private readonly definition: CosineIndex;
  private readonly tmp: Float64Array;

  /** `codes` and `fiches`: the same fiches in the same order (positions). */
  constructor(ref: Referential, codes: readonly string[], fiches: readonly Fiche[], coeurBoost: number) {
    this.tmp = new Float64Array(codes.length);
    const n = codes.length;
    const itemIdf = (code: string) => Math.log((n + 1) / (ref.fichesForItem(code).length + 0.5));
    const boost = coeurBoost;
    const mcMaps = codes.map(
      (c) =>
        new Map(
          [...ref.ficheMacroCompetences(c).values()].map((m) => [m.code, mcWeight(ref.mcIdf(m.code), m.coeur, boost)]),
        ),
    );
    this.mc = new ItemCoverageIndex(mcMaps);
    // Core: the target's coeur-de-métier MCs only; the source side is all its MCs (this.mc.items).
    this.core = new ItemCoverageIndex(
      codes.map(
        (c) =>
          new Map(
            [...ref.ficheMacroCompetences(c).values()].filter((m) => m.coeur).map((m) => [m.code, ref.mcIdf(m.code)]),
          ),
      ),
    );
    this.competence = new ItemCoverageIndex(
      fiches.map(
        (f) =>
          new Map(f.competences.map((l) => [l.code, mcWeight(itemIdf(l.code), l.coeurMetier === "principale", boost)])),
      ),
    );
    this.savoir = new ItemCoverageIndex(
      fiches.map(
        (f) =>
          new Map(f.savoirs.map((l) => [l.code, mcWeight(itemIdf(l.code), l.coeurMetier === "principale", boost)])),
      ),
    );
    const appLabel = (a: string) => ref.appellations.get(a)?.libelle ?? "";
    this.title = new CosineIndex(
      tfidfVectors(fiches.map((f) => contentStems([f.libelle, ...f.appellations.map(appLabel)].join(" ")))),
    );
    this.definition = new CosineIndex(tfidfVectors(fiches.map((f) => contentStems(f.definition))));
  }

  /**
   * Writes the skill columns of source position `s` → every fiche: `col(k)` is feature k's column, zeroed (MC,
   * coeur, reverse, compétence and savoir coverage, title and definition similarity).
   */
  columns(s: number, c: (k: PairFeature) => Float64Array): void {
    const n = this.tmp.length;
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
  }

  /** Weighted sum of the skill parts, source position `s` → every fiche. */
  scoreAll(s: number, w: ProximityWeights): Float64Array {
    const total = new Float64Array(this.tmp.length);
    if (w.mc) this.mc.accumulate(s, w.mc, total, this.tmp);
    if (w.competence) this.competence.accumulate(s, w.competence, total, this.tmp);
    if (w.savoir) this.savoir.accumulate(s, w.savoir, total, this.tmp);
    if (w.title) this.title.accumulate(s, w.title, total);
    if (w.definition) this.definition.accumulate(s, w.definition, total);
    return total;
  }

  /** The score breakdown of one pair (positions). */
  score(s: number, t: number, w: ProximityWeights): ProximityScore {
    const mcCoverage = this.mc.coverage(s, t);
    let core = 0;
    let coreTotal = 0;
    for (const [mc, x] of this.core.items[t]!) {
      coreTotal += x;
      if (this.mc.items[s]!.has(mc)) core += x;
    }
    return breakdownOf(
      {
        mcCoverage,
        // A fiche without coeur-de-métier MCs has no separate core: its core coverage is its MC coverage.
        coreCoverage: coreTotal > 0 ? core / coreTotal : mcCoverage,
        competenceCoverage: this.competence.coverage(s, t),
        savoirCoverage: this.savoir.coverage(s, t),
        titleSim: this.title.cosine(s, t),
        definitionSim: this.definition.cosine(s, t),
      },
      w,
    );
  }
}

/** A pair's breakdown from its skill parts: rounded to 3 decimals, with the fixed blend's total under `w`. */
export function breakdownOf(p: SkillParts, w: ProximityWeights): ProximityScore {
  const total =
    w.mc * p.mcCoverage +
    w.competence * p.competenceCoverage +
    w.savoir * p.savoirCoverage +
    w.title * p.titleSim +
    w.definition * p.definitionSim;
  const r = (x: number) => round(x, 3);
  return {
    mcCoverage: r(p.mcCoverage),
    coreCoverage: r(p.coreCoverage),
    competenceCoverage: r(p.competenceCoverage),
    savoirCoverage: r(p.savoirCoverage),
    titleSim: r(p.titleSim),
    definitionSim: r(p.definitionSim),
    total: r(total),
  };
}
