import type { Fiche } from "../rome/index.js";

/**
 * Features of a (source, target) fiche pair: the learned passerelles ranker's inputs. Skill overlap (coverage, text
 * similarity) comes from ProximityIndex; what is here are the career-pattern signals ROME's own mobilités encode
 * (same domaine, level, entry route, where fiches like the source go) as small pure functions, and the mobilité
 * graph they are counted on. Every feature is 0 when its data is missing, so a referential without the orientation
 * files (RIASEC, secteurs, centres d'intérêt) or without mobilités still ranks on the rest.
 */
/** Shares (0..1) of one fiche's macro-compétences, coeur de métier, compétences and savoirs the other holds. */
export const COVERAGE_FEATURES = [
  "mcCoverage",
  "coreCoverage",
  "reverseMcCoverage",
  "reverseCoreCoverage",
  "competenceCoverage",
  "savoirCoverage",
] as const;
/** Skill overlap as the fixed blend reads it: coverage, and the similarity of titles and definitions. */
export const SKILL_FEATURES = [...COVERAGE_FEATURES, "titleSim", "definitionSim"] as const;

/**
 * Session 28: cosines of SIF-weighted mean word vectors (the project's domain word vectors) of two fiches' texts:
 * all fields, titles, compétences, savoirs, definitions, and the source's texts against the target's "accès au
 * métier" (an entry route). Read with `TEXT_VECTOR_PAIRS` (source field, target field).
 */
export const TEXT_VECTOR_FEATURES = [
  "textAll",
  "textTitle",
  "textCompetences",
  "textSavoirs",
  "textDefinition",
  "textToAcces",
] as const;

/** Same grand domaine / domaine professionnel. */
const SAME_DOMAINE = ["sameGrandDomaine", "sameDomainePro"] as const;
/** Shares of secteurs, centres d'intérêt and contextes the two fiches have in common. */
const SHARED_TAGS = ["secteursShared", "centresInteretShared", "contextesShared"] as const;
const RIASEC = ["riasecMajeur", "riasecShared"] as const;
/** Status and level. */
const STATUS = [
  "targetCadre",
  "cadreUp",
  "targetReglemente",
  "reglementeUp",
  "levelUp",
  "levelDown",
  "targetOpenEntry",
] as const;
/** Hierarchy after the June 2025 split. */
const HIERARCHY = ["splitSibling", "parentOrChild"] as const;

/** The pair features a FicheTable computes from the two fiches' own rows (FicheTable.pairColumns writes them). */
export const PAIR_COLUMNS = [...SAME_DOMAINE, ...RIASEC, ...STATUS, ...HIERARCHY] as const;

export const PAIR_FEATURES = [
  // skill overlap (ProximityIndex)
  ...SKILL_FEATURES,
  "appellationMaxSim",
  // text similarity through domain word vectors (text-vectors.ts; 0 without word vectors)
  ...TEXT_VECTOR_FEATURES,
  // same place in ROME's trees
  ...SAME_DOMAINE,
  ...SHARED_TAGS,
  ...RIASEC,
  ...STATUS,
  ...HIERARCHY,
  // the mobilité graph (training edges only; never the source's own out-edges)
  "targetInDegree",
  "reverseMobilite",
  "coCited",
  "similarSourcesGo",
  "similarSourcesGoMax",
  "neighboursGo",
  "familyGo",
  "familyGoFamily",
  "inNeighboursGo",
  "coCitedAdamicAdar",
  "reverseNeighboursGo",
  "domaineFlow",
  "neighboursGoNear",
  "neighboursWalk",
  "neighboursGoLearned",
  "ownTargetsGo",
  "ownTargetsShared",
] as const;
export type PairFeature = (typeof PAIR_FEATURES)[number];

/**
 * The features that career patterns (not shared skills) carry: the explanation lists them apart. Every feature
 * after the skill-overlap block except the work context (its own kind of reason).
 */
export const CAREER_PATTERN_FEATURES: ReadonlySet<PairFeature> = new Set(
  PAIR_FEATURES.slice(PAIR_FEATURES.indexOf("sameGrandDomaine")).filter((k) => k !== "contextesShared"),
);

export function sameGrandDomaine(s: Fiche, t: Fiche): number {
  return Number(s.grandDomaine.code === t.grandDomaine.code);
}

export function sameDomainePro(s: Fiche, t: Fiche): number {
  return Number(s.domaineProfessionnel.code === t.domaineProfessionnel.code);
}

/** Jaccard of two code lists (0 when both are empty). */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  const A = new Set(a);
  let inter = 0;
  for (const x of new Set(b)) if (A.has(x)) inter++;
  return inter / (A.size + new Set(b).size - inter);
}

/** 1 when both fiches have the same major Holland type. */
export function riasecMajeur(s: Fiche, t: Fiche): number {
  return Number(s.riasec !== null && t.riasec !== null && s.riasec.majeur === t.riasec.majeur);
}

/** Shared Holland letters (major and minor of each side) over the letters of the target (0..1). */
export function riasecShared(s: Fiche, t: Fiche): number {
  if (!s.riasec || !t.riasec) return 0;
  const sl = new Set([s.riasec.majeur, s.riasec.mineur].filter((x): x is string => !!x));
  const tl = [t.riasec.majeur, t.riasec.mineur].filter((x): x is string => !!x);
  return tl.filter((x) => sl.has(x)).length / tl.length;
}

export function cadre(f: Fiche): boolean {
  return f.tags.emploiCadre === true;
}

export function reglemente(f: Fiche): boolean {
  return f.tags.emploiReglemente === true;
}

/**
 * Entry level of a fiche read from its "accès au métier" text, on the French nomenclature (3 = CAP/BEP, 4 = Bac,
 * 5 = Bac+2, 6 = Bac+3, 7 = Bac+5, 8 = doctorat; 0 = no diploma required): the lowest level the text names, since
 * "accessible avec un CAP à Bac+2" opens at CAP. Null when the text names none (a licence, a concours…).
 */
export function entryLevel(accesMetier: string): number | null {
  const t = accesMetier.replace(/''/g, "'");
  if (/sans diplôme|tous les niveaux|aucun diplôme|pas de diplôme/i.test(t)) return 0;
  const found: number[] = [];
  const rules: [RegExp, number][] = [
    [/\b(CAPA?|BEP|BPA|CQP|CTM)\b|titre professionnel/i, 3],
    [/\bbac(calauréat)?\b(?!\s*\+)|\bBP\b|brevet professionnel|bac pro/i, 4],
    [/bac\s*\+\s*2|\bBTSA?\b|\bDUT\b|\bDEUST\b|\bDMA\b/i, 5],
    [/bac\s*\+\s*3|\blicence\b|\bBUT\b|\bDCG\b/i, 6],
    [/bac\s*\+\s*[45]|\bmaster\b|ingénieur|\bDSCG\b|\bMBA\b/i, 7],
    [/bac\s*\+\s*8|doctorat|docteur/i, 8],
  ];
  for (const [re, level] of rules) if (re.test(t)) found.push(level);
  return found.length ? Math.min(...found) : null;
}

/** The fiche can be entered without a diploma, or by experience (VAE), as its "accès au métier" says. */
export function openEntry(accesMetier: string): boolean {
  return /sans diplôme|tous les niveaux|aucun diplôme|validation des acquis|\bVAE\b/i.test(
    accesMetier.replace(/''/g, "'"),
  );
}

/** Levels up (target above source) and down, each in steps of the nomenclature over 4, capped at 1; 0 when unknown. */
export function levelGap(s: number | null, t: number | null): { up: number; down: number } {
  if (s === null || t === null) return { up: 0, down: 0 };
  return { up: Math.min(1, Math.max(0, t - s) / 4), down: Math.min(1, Math.max(0, s - t) / 4) };
}

/** Both came from the same pre-split fiche (ROME's June 2025 split), neither being that parent. */
export function splitSibling(s: Fiche, t: Fiche): number {
  return Number(s.parent === t.parent && s.parent !== s.code && t.parent !== t.code);
}

/** One is the pre-split fiche the other came from. */
export function parentOrChild(s: Fiche, t: Fiche): number {
  return Number((s.parent === t.code && s.code !== t.code) || (t.parent === s.code && s.code !== t.code));
}

/**
 * Official mobilités as a directed graph over fiche positions. Built from the edges a model may see: all of a
 * referential's when serving, a fold's training sources' only when fitting or measuring. Features of a pair (s, t)
 * never read s's own out-edges (`exclude`), so a fiche is ranked the same whether or not its mobilités were known:
 * that is what grouped cross-validation measures, and what serving does.
 */
export class MobiliteGraph {
  readonly out: Int32Array[];
  readonly in: Int32Array[];
  readonly inDegree: Int32Array;
  /** log(1 + in-degree), and the same less one edge (a source's own edge taken out): read on every query. */
  readonly logInDegree: Float64Array;
  readonly logInDegreeLessOne: Float64Array;
  readonly edges: number;

  constructor(n: number, edges: Iterable<readonly [number, number]>) {
    const out: number[][] = Array.from({ length: n }, () => []);
    const inc: number[][] = Array.from({ length: n }, () => []);
    let count = 0;
    for (const [a, b] of edges) {
      if (a === b || out[a]!.includes(b)) continue;
      out[a]!.push(b);
      inc[b]!.push(a);
      count++;
    }
    this.out = out.map((x) => Int32Array.from(x));
    this.in = inc.map((x) => Int32Array.from(x));
    this.inDegree = Int32Array.from(inc, (x) => x.length);
    this.logInDegree = Float64Array.from(this.inDegree, (d) => log1p(d));
    this.logInDegreeLessOne = Float64Array.from(this.inDegree, (d) => log1p(d - 1));
    this.edges = count;
  }

  has(a: number, b: number): boolean {
    return this.out[a]!.includes(b);
  }
}

/**
 * The pair features a learned source–source similarity weighs (`neighboursGoLearned`): skill overlap, place in
 * ROME's trees, RIASEC, status and level, hierarchy. All are columns the serving path computes anyway (no
 * appellation pairs, no graph), so the learned similarity adds no index.
 */
export const SIMILARITY_PARTS = [
  ...COVERAGE_FEATURES,
  "titleSim",
  "definitionSim",
  ...SAME_DOMAINE,
  ...SHARED_TAGS,
  "riasecShared",
  ...HIERARCHY,
  "levelUp",
  "levelDown",
  "cadreUp",
  "targetCadre",
] as const satisfies readonly PairFeature[];

/** How many of the source's most similar fiches `neighboursGo` asks (item-based collaborative filtering). */
export const NEIGHBOURS = 20;
/** How many nearest fiches of each neighbour's target `neighboursGoNear` spreads its vote to. */
export const NEAR = 10;

/** log(1 + x): counts (in-degree, co-citations) have a long tail. */
export const log1p = (x: number): number => Math.log1p(Math.max(0, x));
