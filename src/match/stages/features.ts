import { dot, dotRows } from "../../embed/index.js";
import type { TermCounts } from "../../text/index.js";
import type { AppellationsThen, EarlierCodes } from "../coded.js";
import type { EngineContext } from "../context.js";
import type { ExemplarMemory } from "../exemplars.js";
import { FEATURE_NAMES, scaleToMax, type FicheFeatures } from "../rank.js";
import type { ExtractedSkill } from "../types.js";
import { titleAndBodyCounts, type Prepared } from "./prepare.js";

/** The labelled-offer votes, one feature each (EXEMPLAR_FEATURES); the score breakdown's `exemplars` part. */
export const EXEMPLAR_FEATURES = [
  "exemplarTitle",
  "exemplarBody",
  "exemplarSameTitle",
  "exemplarCodeTitle",
  "exemplarCodeBody",
] as const;

/**
 * Appellations a title's vector reaches, searched with ef = k: only each fiche's best one counts, so a missed far
 * neighbour costs nothing.
 */
const TITLE_VECTOR_K = 50;

/** An empty body query, for the votes a model does not read. */
const NO_TERMS: TermCounts = new Map();

/** Weight of labelled-offer votes for a fiche without ROME evidence in the text (see `discountUnsupportedVotes`). */
const UNSUPPORTED_VOTE = 0.5;

/** What a feature computation reads: the prepared text, its skills, the memory, and which features the model reads. */
export interface FeatureInput {
  p: Prepared;
  skills: readonly ExtractedSkill[];
  exemplars: ExemplarMemory | null;
  need: (k: keyof FicheFeatures) => boolean;
  /** Computed to rank (not to inspect every feature), which lets the body vector skip fiches nothing names. */
  ranking: boolean;
  /** The appellations' places when the text was coded (`EarlierCodes.appellations`); null: today's. */
  then: AppellationsThen | null;
}

/**
 * Stage 3: per-fiche features; those not in `used` are skipped (left 0), but MC coverage is always computed: it is
 * shown. The steps run in this order because later ones read earlier ones (the vote discount reads title and
 * body-title evidence; the ranking body vector reads both). A new feature: a field of FicheFeatures (rank.ts), its
 * step here.
 */
export function computeFeatures(
  ctx: EngineContext,
  p: Prepared,
  skills: readonly ExtractedSkill[],
  used: ReadonlySet<keyof FicheFeatures>,
  exemplars: ExemplarMemory | null,
  ranking: boolean,
  then: EarlierCodes | null = null,
): FicheFeatures {
  const n = ctx.lexicon.ficheCodes.length;
  const z = () => new Float64Array(n);
  const f = Object.fromEntries(FEATURE_NAMES.map((k) => [k, z()])) as unknown as FicheFeatures;
  const x: FeatureInput = { p, skills, exemplars, need: (k) => used.has(k), ranking, then: then?.appellations ?? null };
  for (const step of STEPS) step(ctx, x, f);
  return f;
}

type FeatureStep = (ctx: EngineContext, x: FeatureInput, f: FicheFeatures) => void;

/** Title evidence: words, appellation named, vector (and the CV's other job titles at their weight), fiche titles. */
const titleEvidence: FeatureStep = (ctx, { p, need, then }, f) => {
  if (!p.title) return;
  titleFeatures(ctx, f, p.romeStems, p.romeKey, p.titleVec, 1, then);
  if (need("titleFiche") && p.romeStems.length) {
    // Every fiche's score is kept: no ranking of them is needed (`search` for all fiches would sort them).
    const out = f.titleFiche;
    ctx.lexicon.fiches.forEachScore(p.romeStems, (doc, score) => (out[doc] = score));
    scaleToMax(f.titleFiche);
  }
  for (const e of p.extraTitles) titleFeatures(ctx, f, e.stems, e.key, e.vec, e.weight, then);
};

/** The labelled offers' votes. Their body queries (nearest offers, pooled codes) read the title and body together. */
const exemplarVotes: FeatureStep = (_ctx, { p, need, exemplars }, f) => {
  if (!exemplars) return;
  // Counted once for both, and for requiredSkills' coded neighbours (each memory index picks its own salient terms).
  const titleAndBody = need("exemplarBody") || need("exemplarCodeBody") ? titleAndBodyCounts(p) : NO_TERMS;
  if (need("exemplarTitle") || need("exemplarBody")) {
    exemplars.vote(need("exemplarTitle") ? p.titleStems : [], need("exemplarBody") ? titleAndBody : NO_TERMS, {
      title: f.exemplarTitle,
      body: f.exemplarBody,
    });
  }
  if (need("exemplarSameTitle")) exemplars.voteSameTitle(p.titleKey, f.exemplarSameTitle);
  if (need("exemplarCodeTitle") || need("exemplarCodeBody")) {
    const title = need("exemplarCodeTitle") ? p.titleStems : [];
    exemplars.voteByCode(title, need("exemplarCodeBody") ? titleAndBody : NO_TERMS, {
      title: f.exemplarCodeTitle,
      body: f.exemplarCodeBody,
    });
  }
};

/** The body's words against each fiche's text (BM25, log term frequencies). */
const bodyLex: FeatureStep = (ctx, { p, need }, f) => {
  if (!need("bodyLex")) return;
  const bodyStems = p.stems.flat();
  if (!bodyStems.length) return;
  const tf = new Map<string, number>();
  for (const s of bodyStems) tf.set(s, (tf.get(s) ?? 0) + 1);
  const w = new Map([...tf].map(([k, v]) => [k, 1 + Math.log(v)]));
  for (const h of ctx.lexicon.fiches.search(bodyStems, f.bodyLex.length, w)) f.bodyLex[h.doc] = h.score;
  scaleToMax(f.bodyLex);
};

/** Appellations the body names: each fiche's best appellation score against the body's words. */
const bodyTitle: FeatureStep = (ctx, { p, need, then }, f) => {
  if (!need("bodyTitle")) return;
  const bodyStems = p.stems.flat();
  if (!bodyStems.length) return;
  const ficheOf = then?.docRow ?? ctx.lexicon.appellationFicheRow;
  ctx.lexicon.appellations.forEachScore(bodyStems, (doc, score) => {
    const i = ficheOf[doc]!;
    if (score > f.bodyTitle[i]!) f.bodyTitle[i] = score;
  });
  scaleToMax(f.bodyTitle);
};

/** The stated items each fiche lists, weighted by their score and rarity across fiches. */
const items: FeatureStep = (ctx, { skills, need }, f) => {
  if (!skills.length || !need("items")) return;
  const nf = ctx.referential.fiches.size;
  for (const s of skills) {
    const rows = itemFicheRows(ctx, s.code);
    if (rows.length === 0) continue;
    const w = s.score * Math.log(1 + nf / rows.length);
    for (let j = 0; j < rows.length; j++) f.items[rows[j]!]! += w;
  }
  scaleToMax(f.items);
};

const itemRowTables = new WeakMap<EngineContext["lexicon"], Map<string, Int32Array>>();
/**
 * The rows of the fiches that list an item (`fichesForItem` order), once per item: a macro-compétence is listed by
 * hundreds of fiches, each a code looked up per match otherwise.
 */
function itemFicheRows(ctx: EngineContext, code: string): Int32Array {
  let table = itemRowTables.get(ctx.lexicon);
  if (!table) itemRowTables.set(ctx.lexicon, (table = new Map()));
  let rows = table.get(code);
  if (!rows) {
    const row = ctx.lexicon.ficheRow;
    rows = Int32Array.from(ctx.referential.fichesForItem(code), (c) => row.get(c)!);
    table.set(code, rows);
  }
  return rows;
}

/**
 * Votes for a fiche the text gives no ROME evidence for (title words or vector, appellations named in the body)
 * count half: labelled offers can still teach a local job name, but one mislabelled offer posted twice no longer
 * puts its code first for every similar title. Every vote feature (EXEMPLAR_FEATURES), so that a new one cannot
 * slip past this rule.
 */
const discountUnsupportedVotes: FeatureStep = (_ctx, { exemplars }, f) => {
  if (!exemplars) return;
  const votes = EXEMPLAR_FEATURES.map((k) => f[k]);
  const n = f.titleLex.length;
  for (let i = 0; i < n; i++) {
    if (!(namedByTitle(f, i) || f.bodyTitle[i]! > 0)) for (const v of votes) v[i]! *= UNSUPPORTED_VOTE;
  }
};

/** The body vector against each fiche's centroid. */
const bodyVec: FeatureStep = (ctx, { p, need, ranking }, f) => {
  if (!p.bodyVec || !need("bodyVec")) return;
  const n = f.bodyVec.length;
  if (p.title && ranking) {
    // With a title, the body vector (a small share of the linear score) only re-orders fiches that the title or the
    // labelled offers already name: scoring those instead of all fiches saves time with the same dev figures.
    const dim = p.bodyVec.length;
    for (let i = 0; i < n; i++) {
      if (namedByTitle(f, i) || f.exemplarTitle[i]! > 0 || f.exemplarBody[i]! > 0 || f.exemplarSameTitle[i]! > 0) {
        f.bodyVec[i] = Math.max(0, dot(p.bodyVec, ctx.ficheCentroids.subarray(i * dim, (i + 1) * dim)));
      }
    }
  } else {
    dotRows(ctx.ficheCentroids, p.bodyVec, f.bodyVec);
    for (let i = 0; i < n; i++) f.bodyVec[i] = Math.max(0, f.bodyVec[i]!);
  }
};

/**
 * IDF-weighted coverage of each fiche's MCs: Σ idf·strength over shared MCs / Σ idf over the fiche's MCs
 * (strength = best skill score behind the MC), walking only the text's MCs. Always computed: it is shown.
 */
const mcCoverage: FeatureStep = (ctx, { skills }, f) => {
  const textMcs = mcProfile(skills);
  if (!textMcs.size) return;
  for (const [mc, strength] of textMcs) {
    const w = ctx.referential.mcIdf(mc) * strength;
    for (const i of ctx.mcFicheRows.get(mc) ?? []) f.mc[i]! += w;
  }
  const n = f.mc.length;
  for (let i = 0; i < n; i++) f.mc[i] = ctx.ficheMcMass[i]! > 0 ? f.mc[i]! / ctx.ficheMcMass[i]! : 0;
  scaleToMax(f.mc);
};

/** The fiche classifier's probabilities (a model trained on ROME-made pseudo-offers; docs/matching.md). */
const classifier: FeatureStep = (ctx, { p, need }, f) => {
  if (need("classifier") && ctx.classify) ctx.classify(p.title, p.text, f.classifier);
};

/** The steps of `computeFeatures`, in order. */
const STEPS: readonly FeatureStep[] = [
  titleEvidence,
  classifier,
  exemplarVotes,
  bodyLex,
  bodyTitle,
  items,
  discountUnsupportedVotes,
  bodyVec,
  mcCoverage,
];

/** Title evidence (words, appellation named, vector) of one title at `weight`, kept where it beats what is there. */
function titleFeatures(
  ctx: EngineContext,
  f: FicheFeatures,
  stems: readonly string[],
  key: string,
  vec: Float32Array | null,
  weight: number,
  then: AppellationsThen | null,
): void {
  const hits = ctx.lexicon.appellations.search(stems as string[], 300);
  const best = hits[0]?.score ?? 0;
  const docRow = then?.docRow ?? ctx.lexicon.appellationFicheRow;
  for (const h of hits) {
    const i = docRow[h.doc]!;
    f.titleLex[i] = Math.max(f.titleLex[i]!, (weight * h.score) / best);
  }
  const named = (then?.keyRows ?? ctx.appellationKeyRows).get(key) ?? [];
  for (const i of named) f.titleAppellation[i] = Math.max(f.titleAppellation[i]!, weight / named.length);
  if (vec) {
    const byCode = then?.byCode ?? ctx.appFicheRow;
    for (const h of ctx.indexes.appellations.search(vec, TITLE_VECTOR_K, TITLE_VECTOR_K)) {
      const i = byCode.get(h.id)!;
      f.titleVec[i] = Math.max(f.titleVec[i]!, weight * Math.max(0, h.score));
    }
  }
}

/**
 * The text names fiche `i` by its title: the title's words or vector reach it, or the title is one of its appellations.
 */
export function namedByTitle(f: FicheFeatures, i: number): boolean {
  return f.titleLex[i]! > 0 || f.titleVec[i]! > 0 || f.titleAppellation[i]! > 0;
}

/** The text's macro-compétence profile: MC → best score of the compétences that show it. */
export function mcProfile(skills: readonly ExtractedSkill[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of skills) {
    const mc = s.kind === "macro-competence" ? s.code : s.macroCompetence;
    if (mc) m.set(mc, Math.max(m.get(mc) ?? 0, s.score));
  }
  return m;
}
