/** The feature sets of the passerelles ranker tried so far (docs/passerelles.md, "what was tried"). */
import { PAIR_FEATURES, SKILL_FEATURES, TEXT_VECTOR_FEATURES, type PairFeature } from "../passerelles/index.js";
import { GRAPH_FEATURES, type PasserellesFeatureSet } from "./passerelles-fit.js";

/** Features only a warm setting has (the source's own current mobilités known): the forward test's. */
export const WARM_FEATURES: readonly PairFeature[] = ["ownTargetsGo", "ownTargetsShared"];
/** Graph features added after allX was first served (Adamic-Adar co-citation, the target leading near the source). */
const LATER: readonly PairFeature[] = ["coCitedAdamicAdar", "reverseNeighboursGo"];
/** Session 21: appellation-level similarity, the domaine-to-domaine flow, neighbours' targets spread to look-alikes. */
const STRUCTURE: readonly PairFeature[] = ["appellationMaxSim", "domaineFlow", "neighboursGoNear"];
/** Session 21: personalised PageRank from the source's neighbours. */
const WALK: readonly PairFeature[] = ["neighboursWalk"];
/** Session 25: where fiches like the source lead, with a learned likeness (tuning/passerelles-metric.ts). */
const LEARNED: readonly PairFeature[] = ["neighboursGoLearned"];
/** Session 28: text similarity through the domain word vectors (passerelles/text-vectors.ts). */
const TEXT: readonly PairFeature[] = TEXT_VECTOR_FEATURES;
const BASE = PAIR_FEATURES.filter(
  (k) =>
    !WARM_FEATURES.includes(k) &&
    !TEXT.includes(k) &&
    !LATER.includes(k) &&
    !STRUCTURE.includes(k) &&
    !WALK.includes(k) &&
    !LEARNED.includes(k),
);

/** The products of two features allX adds to its linear terms. */
const ALLX_PRODUCTS: readonly (readonly [PairFeature, PairFeature])[] = [
  ["mcCoverage", "sameDomainePro"],
  ["titleSim", "sameDomainePro"],
  ["targetInDegree", "sameGrandDomaine"],
  ["targetInDegree", "mcCoverage"],
  ["neighboursGo", "targetInDegree"],
  ["neighboursGo", "mcCoverage"],
  ["coCited", "mcCoverage"],
  ["reverseMobilite", "mcCoverage"],
  ["splitSibling", "titleSim"],
  ["mcCoverage", "reverseMcCoverage"],
  ["inNeighboursGo", "mcCoverage"],
  ["inNeighboursGo", "neighboursGo"],
  ["neighboursGo", "sameDomainePro"],
];

/** The products the text-similarity sets allXT and allXTs add (session 28). */
const TEXT_PRODUCTS: readonly (readonly [PairFeature, PairFeature])[] = [
  ["textAll", "sameDomainePro"],
  ["textAll", "targetInDegree"],
  ["textAll", "neighboursGo"],
];

/** The second stage of allXR crosses these pairwise (the shortlist is where skills and patterns trade off). */
const RERANK_CROSSED: readonly PairFeature[] = [
  "mcCoverage",
  "titleSim",
  "definitionSim",
  "sameDomainePro",
  "targetInDegree",
  "neighboursGo",
  "coCited",
  "reverseMobilite",
];
function pairsOf(ks: readonly PairFeature[]): [PairFeature, PairFeature][] {
  const have = new Set(ALLX_PRODUCTS.map(([a, b]) => `${a}*${b}`));
  return ks.flatMap((a, i) =>
    ks
      .slice(i + 1)
      .flatMap((b) => (have.has(`${a}*${b}`) || have.has(`${b}*${a}`) ? [] : [[a, b] as [PairFeature, PairFeature]])),
  );
}

/** Feature sets tried (scripts/tune-passerelles.ts --sets; allX is the default): see docs/passerelles.md. */
export const FEATURE_SETS: Record<string, PasserellesFeatureSet> = {
  all: { name: "all", features: BASE, interactions: [] },
  skills: {
    name: "skills",
    features: [...SKILL_FEATURES],
    interactions: [],
  },
  allX: {
    name: "allX",
    features: BASE,
    interactions: ALLX_PRODUCTS,
  },
  allX2: {
    name: "allX2",
    features: [...BASE, ...LATER],
    interactions: [
      ...ALLX_PRODUCTS,
      ["reverseNeighboursGo", "mcCoverage"],
      ["coCitedAdamicAdar", "mcCoverage"],
      ["reverseNeighboursGo", "neighboursGo"],
    ],
  },
  allX3: {
    name: "allX3",
    features: [...BASE, ...STRUCTURE],
    interactions: [
      ...ALLX_PRODUCTS,
      ["appellationMaxSim", "sameDomainePro"],
      ["domaineFlow", "mcCoverage"],
      ["neighboursGoNear", "mcCoverage"],
      ["neighboursGoNear", "targetInDegree"],
    ],
  },
  allXW: {
    name: "allXW",
    features: [...BASE, ...WALK],
    interactions: [...ALLX_PRODUCTS, ["neighboursWalk", "mcCoverage"], ["neighboursWalk", "targetInDegree"]],
  },
  // Session 25: + where the source's look-alikes lead under a learned similarity.
  allXM: {
    name: "allXM",
    features: [...BASE, ...LEARNED],
    interactions: [...ALLX_PRODUCTS, ["neighboursGoLearned", "mcCoverage"], ["neighboursGoLearned", "targetInDegree"]],
  },
  // Session 28: + text similarity through the domain word vectors, with three products.
  allXT: {
    name: "allXT",
    features: [...BASE, ...TEXT],
    interactions: [...ALLX_PRODUCTS, ...TEXT_PRODUCTS],
  },
  // Session 28: the text similarities in the second stage only (a served answer would compute them for 100 fiches).
  allXTs: {
    name: "allXTs",
    features: BASE,
    interactions: ALLX_PRODUCTS,
    second: {
      name: "allXTs-second",
      features: [...BASE, ...TEXT],
      interactions: [...ALLX_PRODUCTS, ...TEXT_PRODUCTS],
    },
  },
  // Session 28: only the all-fields text similarity and the entry route (source's texts → target's accès).
  allXT2: {
    name: "allXT2",
    features: [...BASE, "textAll", "textToAcces"],
    interactions: [...ALLX_PRODUCTS, ["textAll", "sameDomainePro"], ["textAll", "targetInDegree"]],
  },
  allXR: {
    name: "allXR",
    features: BASE,
    interactions: ALLX_PRODUCTS,
    second: { name: "allXR-second", features: BASE, interactions: [...ALLX_PRODUCTS, ...pairsOf(RERANK_CROSSED)] },
  },
  // Session 22: without the level and status steps (v460's added mobilités go up more often than v458's).
  allXnoDir: {
    name: "allXnoDir",
    features: BASE.filter((k) => !["levelUp", "levelDown", "cadreUp", "reglementeUp"].includes(k)),
    interactions: ALLX_PRODUCTS,
  },
  noFamily: {
    name: "noFamily",
    features: PAIR_FEATURES.filter((k) => k !== "familyGo" && k !== "familyGoFamily"),
    interactions: [],
  },
  noGraph: { name: "noGraph", features: PAIR_FEATURES.filter((k) => !GRAPH_FEATURES.has(k)), interactions: [] },
};
