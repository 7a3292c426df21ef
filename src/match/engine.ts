import "../text/quiet.js";
import type { Config } from "../config.js";
import { dot, dotEach, dotRows, isZero, normalizeVector, TransformersEmbedder, type Embedder } from "../embed/index.js";
import { openIndexes, type ProgressFn, type RomeIndexes } from "../vectors/index.js";
import { loadEscoCrosswalk, loadReferential, type CoeurMetier, type EscoCrosswalk, type Referential } from "../rome/index.js";
import { contentStems, segment, termCounts, titleKey, topK as topKRows, type TermCounts, type TextUnit } from "../text/index.js";
import { buildAppellationSearch, type AppellationSearchIndex } from "../rome/index.js";
import { explainFiche } from "./explain.js";
import { ExemplarMemory, NO_ITEM_CHOICES } from "./exemplars.js";
import { readLabelledOffers } from "../sources/index.js";
import { aggregateSkills, cmpCode, createExtractionContext, EXTRACTION, ficheItemRows, rescoreInContext, scoreItemsAgainstUnits, scoreUnit, type ExtractionContext } from "./extract.js";
import { buildLexicon, type Lexicon } from "./lexicon.js";
import { FEATURE_NAMES, featuresUsed, RANK_MODEL, RANK_MODEL_NO_TITLE, rankScores, scaleToMax, softmax, type FicheFeatures, type RankModel, type RankWeights } from "./rank.js";
import { REQUIRED_MODEL, REQUIRED_MODEL_UNCODED, requiredFeatures, requiredProbability, type CodedNeighbour, type ItemHolder, type RequiredFeatures, type RequiredModel } from "./required.js";
import type { ExtractedSkill, MatchInput, MatchResult, MetierMatch, RequiredSkill } from "./types.js";
import { createCoverageChecker } from "./uncovered.js";
import { matchStatus } from "./status.js";

/**
 * Labelled offers with items like an offer whose choices `requiredSkills` reads. In cross-validation 5, 10 and 20
 * give the same F1 (0.529, 0.527, 0.529 at 0.3); their items as extra candidates (beyond the fiches'): no gain.
 */
const CODED_NEIGHBOURS = 10;

/** Per-call overrides, for evaluation. */
export interface MatchOptions {
  /** Exemplar memory to use instead of the engine's (cross-validation folds); null: none. */
  exemplars?: ExemplarMemory | null;
  /** Called with every candidate of `requiredSkills`, reported or not, and its features (fitting the model). */
  onRequiredCandidates?: (candidates: readonly RequiredCandidate[]) => void;
  /** The offer-coding model to use instead of REQUIRED_MODEL / REQUIRED_MODEL_UNCODED (fitting it). */
  requiredModel?: RequiredModel;
}

/** An item of the best-ranked fiches as the offer-coding model scored it. */
export interface RequiredCandidate extends RequiredSkill {
  features: RequiredFeatures;
}

export interface EngineOptions {
  rebuildIndexes?: boolean;
  onIndexProgress?: ProgressFn;
}

interface Prepared {
  title: string;
  /** Content stems of the title (title features and the labelled-offer votes use them)… */
  titleStems: string[];
  /** …and its `titleKey` (exact lookups of appellations and labelled offers). */
  titleKey: string;
  units: TextUnit[];
  /** Content stems of each unit, in order (body features count repeats) and as sets (extraction). */
  stems: string[][];
  stemSets: Set<string>[];
  titleVec: Float32Array | null;
  bodyVec: Float32Array | null;
  unitVecs: (Float32Array | null)[];
  /** Term counts of the title and body together (the labelled-offer queries), counted on first use: see `titleAndBodyCounts`. */
  titleAndBody?: TermCounts;
}

/** The text's title + body term counts, counted once per text for every labelled-offer query that reads them. */
function titleAndBodyCounts(p: Prepared): TermCounts {
  return (p.titleAndBody ??= termCounts([...p.titleStems, ...p.stems.flat()]));
}

/** The matching engine: referential, embedder, indexes and lexicon in memory; stateless between calls. */
export class Engine {
  readonly modelId: string;
  private readonly extractionCtx: ExtractionContext;
  /** Row-major fiches × dimension, row i = fiche `lexicon.ficheCodes[i]`. */
  private readonly ficheCentroids: Float32Array;
  private readonly coverage: ReturnType<typeof createCoverageChecker>;
  private readonly appRow: Map<string, number>;
  /** Appellation code → row of its fiche. */
  private readonly appFicheRow: Map<string, number>;
  /** `titleKey` of an appellation → rows of the fiches that list an appellation with that key. */
  private readonly appellationKeyRows = new Map<string, number[]>();
  /** Macro-compétence → rows of the fiches that list it. */
  private readonly mcFicheRows: Map<string, Int32Array>;
  readonly appellationSearch: AppellationSearchIndex;
  /** Σ idf of each fiche's MCs, the denominator of the MC coverage feature. */
  private readonly ficheMcMass: Float64Array;
  /** Row of each fiche's code_rome_parent (itself for the 532 fiches that were not split). */
  private readonly parentRow: Int32Array;
  /** Fiche code → what the targeted pass and the context re-scoring need of it, filled as fiches come first. */
  private readonly topFiche = new Map<string, { rows: Int32Array; items: ReadonlySet<string> }>();
  /** The features each ranking model reads. */
  private readonly usedBy = new Map<RankModel, ReadonlySet<keyof FicheFeatures>>([RANK_MODEL, RANK_MODEL_NO_TITLE].map((m) => [m, featuresUsed(m)]));

  constructor(
    readonly referential: Referential,
    readonly embedder: Embedder,
    readonly indexes: RomeIndexes,
    readonly lexicon: Lexicon,
    /** Labelled offers whose codes vote (LABELLED_OFFERS); null without. */
    readonly exemplars: ExemplarMemory | null = null,
    /** ESCO ↔ ROME crosswalk (ESCO_CROSSWALK), for the API's ESCO views; null without. */
    readonly esco: EscoCrosswalk | null = null,
  ) {
    this.modelId = embedder.id;
    this.extractionCtx = createExtractionContext(lexicon, indexes);
    this.appRow = new Map(indexes.appellations.ids.map((id, i) => [id, i]));
    this.appFicheRow = new Map([...referential.appellations.values()].map((a) => [a.code, lexicon.ficheRow.get(a.ficheCode)!]));
    this.mcFicheRows = new Map([...referential.macroCompetences.keys()].map((mc) => [mc, Int32Array.from(referential.fichesForMacroCompetence(mc), (c) => lexicon.ficheRow.get(c)!)]));
    this.appellationSearch = buildAppellationSearch(referential);
    for (const a of referential.appellations.values()) {
      const key = titleKey(contentStems(a.libelle));
      const row = lexicon.ficheRow.get(a.ficheCode);
      if (!key || row === undefined) continue;
      const rows = this.appellationKeyRows.get(key);
      if (!rows) this.appellationKeyRows.set(key, [row]);
      else if (!rows.includes(row)) rows.push(row);
    }
    this.parentRow = Int32Array.from(lexicon.ficheCodes, (code) => lexicon.ficheRow.get(referential.fiches.get(code)!.parent) ?? lexicon.ficheRow.get(code)!);
    this.ficheMcMass = Float64Array.from(lexicon.ficheCodes, (code) => [...referential.ficheMacroCompetences(code).keys()].reduce((s, mc) => s + referential.mcIdf(mc), 0));
    this.ficheCentroids = computeFicheCentroids(referential, lexicon, indexes);
    this.coverage = createCoverageChecker(referential);
  }

  /** Extracted ROME compétences and savoirs with evidence spans. */
  async extractSkills(text: string): Promise<ExtractedSkill[]> {
    const p = await this.prepare(text, undefined);
    return this.skillsOf(p);
  }

  async match(input: MatchInput, options: MatchOptions = {}): Promise<MatchResult> {
    const t0 = performance.now();
    const topK = input.topK ?? 10;
    const p = await this.prepare(input.text, input.title);
    const t1 = performance.now();
    const skills = this.skillsOf(p);
    const t2 = performance.now();
    const model = this.modelFor(p.title);
    const { weights } = model;
    const memory = options.exemplars === undefined ? this.exemplars : options.exemplars;
    const features = this.features(p, skills, this.usedBy.get(model)!, memory, true);
    const codes = this.lexicon.ficheCodes;
    const { ranked, totals, interactions, productsOf } = rankScores(features, model);
    // A text of stopwords only states nothing: "empty", not métiers from the priors and the labelled offers.
    const positive = p.titleStems.length + p.stems.reduce((n, x) => n + x.length, 0) === 0 ? [] : ranked.filter((i) => totals[i]! > 0);
    const pool = withParents(topKRows(positive, totals, Math.max(topK, 10) * 2), totals, (i) => this.parentRow[i]!, parentLift(model.temperature)).slice(0, Math.max(topK, 10));
    const conf = softmax(pool.map((x) => x.rankScore), model.temperature);
    // A parent its child lifted may come from below the reranked fiches: its breakdown gets its products too, so that
    // every shown total is the model's score (its place, and so its confidence, come from the lift).
    const reranked = new Set(ranked);
    for (const { row } of pool) if (!reranked.has(row)) totals[row]! += interactions[row] = productsOf(row);
    const t3 = performance.now();
    // Reported skills are re-scored in the context of the best fiche; explanations are built from the same list,
    // so every compétence an explanation names is one the response reports.
    let reported = skills.filter((s) => s.score >= EXTRACTION.reportMin);
    let requiredSkills: RequiredSkill[] = [];
    if (pool.length) {
      const top = this.referential.fiches.get(codes[pool[0]!.row]!)!;
      const { rows, items } = this.topFicheOf(top.code);
      const targeted = aggregateSkills(this.referential, p.units, [scoreItemsAgainstUnits(this.extractionCtx, rows, p.stemSets, p.unitVecs, EXTRACTION.ficheItemMin)]);
      const known = new Set(skills.map((s) => s.code));
      reported = rescoreInContext([...skills, ...targeted.filter((s) => !known.has(s.code))], items);
      if (input.kind === "offer") {
        const rm = options.requiredModel ?? (memory?.codedOffers ? REQUIRED_MODEL : REQUIRED_MODEL_UNCODED);
        const fiches = pool.slice(0, rm.fiches).map(({ row }, k) => ({ code: codes[row]!, row, confidence: conf[k]! }));
        const neighbours = memory?.codedOffers ? memory.codedNeighbours(titleAndBodyCounts(p), CODED_NEIGHBOURS) : [];
        const candidates = this.requiredCandidates(fiches, [...skills, ...targeted], memory, rm, neighbours);
        options.onRequiredCandidates?.(candidates);
        requiredSkills = candidates
          .filter((c) => c.probability >= rm.minProbability)
          .slice(0, rm.max)
          .map(({ features: _, ...c }) => ({ ...c, probability: round(c.probability) }));
      }
    }
    // The text's own ROME evidence per pooled fiche: the breakdown's title and body parts, and the status's conflict test.
    const evidence = pool.map(({ row }) => ({ title: partScore(features, weights, TITLE_FEATURES, row), body: partScore(features, weights, BODY_FEATURES, row) }));
    const metiers: MetierMatch[] = pool.slice(0, topK).map(({ row: i, parentOf }, rank) => {
      const code = codes[i]!;
      return {
        code,
        libelle: this.referential.fiches.get(code)!.libelle,
        parentOf: parentOf === null ? null : codes[parentOf]!,
        confidence: round(conf[rank]!),
        score: {
          title: round(evidence[rank]!.title),
          body: round(evidence[rank]!.body),
          mcOverlap: round(features.mc[i]!),
          exemplars: round(partScore(features, weights, EXEMPLAR_FEATURES, i)),
          interactions: round(interactions[i]!),
          total: round(totals[i]!),
        },
        ...(input.explain === false
          ? { appellation: null, sharedMacroCompetences: [], missingMacroCompetences: [], unusedSkills: [] }
          : { appellation: this.bestAppellation(code, p), ...explainFiche(this.referential, code, reported) }),
      };
    });
    // Status over the whole pool (≥ 10 fiches), whatever topK shows.
    const { status, statusReason, margin, evidenceLeader } = matchStatus(
      pool.map(({ row }, k) => ({ code: codes[row]!, confidence: conf[k]!, evidence: evidence[k]!.title + evidence[k]!.body })),
    );
    const covered = skills.flatMap((s) => s.evidence);
    return {
      romeVersion: this.referential.version,
      model: this.modelId,
      kind: input.kind,
      status,
      statusReason,
      evidenceLeader,
      margin: round(margin),
      metiers,
      skills: reported,
      requiredSkills,
      uncoveredPhrases: this.coverage(p.units, covered).map((u) => u.key),
      timings: { totalMs: round(performance.now() - t0), embedMs: round(t1 - t0), extractMs: round(t2 - t1), rankMs: round(t3 - t2), explainMs: round(performance.now() - t3) },
    };
  }

  /**
   * Per-fiche features for a text; exposed for the accuracy benchmark's baselines and weight tuning. With `model`,
   * exactly the features `match` computes for it (`featuresUsed`; the others stay 0).
   */
  async featuresFor(text: string, title?: string, options: MatchOptions = {}, model?: RankModel): Promise<FicheFeatures> {
    const p = await this.prepare(text, title);
    const need = model ? featuresUsed(model) : new Set(FEATURE_NAMES);
    return this.features(p, this.skillsOf(p), need, options.exemplars === undefined ? this.exemplars : options.exemplars, model !== undefined);
  }

  /** The ranking model `match` uses for a text with or without a title. */
  modelFor(title: string | undefined): RankModel {
    return (title ?? "").trim() ? RANK_MODEL : RANK_MODEL_NO_TITLE;
  }

  /**
   * Every compétence and savoir the best-ranked `fiches` list or their labelled offers chose, with the offer-coding
   * model's features and probability, most probable first (ties by code). `shown`: the text's extracted skills,
   * targeted pass included (their raw scores and spans); `memory`: the labelled offers whose choices of items count;
   * `neighbours`: the labelled offers with items most like the text.
   */
  private requiredCandidates(fiches: readonly { code: string; row: number; confidence: number }[], shown: readonly ExtractedSkill[], memory: ExemplarMemory | null, model: RequiredModel, neighbours: readonly CodedNeighbour[]): RequiredCandidate[] {
    const best = new Map<string, ExtractedSkill>();
    for (const s of shown) if ((best.get(s.code)?.score ?? -1) < s.score) best.set(s.code, s);
    const total = (c: string) => memory?.itemTotal(c) ?? 0;
    const holders = new Map<string, { kind: "competence" | "savoir"; list: ItemHolder[] }>();
    for (const { code, row, confidence } of fiches) {
      const fiche = this.referential.fiches.get(code)!;
      const choices = memory?.itemChoicesOf(row) ?? NO_ITEM_CHOICES;
      const links = [...fiche.competences.map((l) => ({ l, kind: "competence" as const })), ...fiche.savoirs.map((l) => ({ l, kind: "savoir" as const }))];
      const hold = (item: string, kind: "competence" | "savoir", listed: boolean, coeurMetier: CoeurMetier) => {
        const h = holders.get(item) ?? { kind, list: [] };
        h.list.push({ confidence, listed, coeurMetier, choices });
        holders.set(item, h);
      };
      const listed = new Set<string>();
      for (const { l, kind } of links) hold(l.code, kind, true, l.coeurMetier), listed.add(l.code);
      // Items the fiche's labelled offers chose beyond its list (macro-compétences chosen as such count through
      // their compétences' shares).
      for (const item of choices.chosen.keys()) {
        const kind = listed.has(item) ? undefined : this.referential.itemKind(item);
        if (kind === "competence" || kind === "savoir") hold(item, kind, false, null);
      }
    }
    const candidates: RequiredCandidate[] = [];
    for (const [code, { kind, list }] of holders) {
      const comp = kind === "competence" ? this.referential.competences.get(code) : undefined;
      const libelle = comp?.libelle ?? this.referential.savoirs.get(code)?.libelle;
      if (libelle === undefined) continue;
      const macroCompetence = comp?.macroCompetence ?? null;
      const s = best.get(code);
      const features = requiredFeatures({ code, kind, macroCompetence, evidence: s?.score ?? 0 }, list, total, neighbours);
      candidates.push({ code, kind, libelle, macroCompetence, probability: requiredProbability(features, model), evidence: s?.evidence ?? [], features });
    }
    return candidates.sort((a, b) => b.probability - a.probability || cmpCode(a.code, b.code));
  }

  /** A ranked-first fiche: its items' rows (targeted pass) and the codes of its compétences, savoirs and MCs (context bonus), once per fiche. */
  private topFicheOf(code: string): { rows: Int32Array; items: ReadonlySet<string> } {
    let x = this.topFiche.get(code);
    if (!x) {
      const f = this.referential.fiches.get(code)!;
      x = { rows: ficheItemRows(this.extractionCtx, f), items: new Set([...f.competences, ...f.savoirs, ...f.macroCompetences].map((l) => l.code)) };
      this.topFiche.set(code, x);
    }
    return x;
  }

  private async prepare(text: string, title: string | undefined): Promise<Prepared> {
    const units = segment(text).slice(0, EXTRACTION.maxUnits);
    const t = (title ?? "").trim();
    const vecs = await this.embedder.embed(t ? [t, ...units.map((u) => u.text)] : units.map((u) => u.text), "query");
    const nz = (v: Float32Array | undefined) => (v && !isZero(v) ? v : null);
    const unitVecs = (t ? vecs.slice(1) : vecs).map(nz);
    // The body vector is the mean direction of its units: embedding the whole text again would cost as much as
    // all units together (tokenising and padding 300 words) for a signal the units already carry.
    const sum = new Float32Array(this.embedder.dimension);
    for (const v of unitVecs) if (v) for (let j = 0; j < sum.length; j++) sum[j]! += v[j]!;
    const stems = units.map((u) => contentStems(u.text));
    const titleStems = contentStems(t);
    return { title: t, titleStems, titleKey: titleKey(titleStems), units, stems, stemSets: stems.map((x) => new Set(x)), titleVec: t ? nz(vecs[0]) : null, bodyVec: nz(normalizeVector(sum)), unitVecs };
  }

  private skillsOf(p: Prepared): ExtractedSkill[] {
    const perUnit = p.units.map((_, i) => scoreUnit(this.extractionCtx, i, p.stemSets[i]!, p.unitVecs[i]!));
    return aggregateSkills(this.referential, p.units, perUnit);
  }

  /**
   * Per-fiche features; those not in `used` are skipped (left 0), but MC coverage is always computed: it is shown.
   * `ranking`: computed to rank (not to inspect every feature), which lets the body vector skip fiches nothing names.
   */
  private features(p: Prepared, skills: readonly ExtractedSkill[], used: ReadonlySet<keyof FicheFeatures>, exemplars: ExemplarMemory | null, ranking: boolean): FicheFeatures {
    const need = (k: keyof FicheFeatures) => used.has(k);
    const textMcs = mcProfile(skills);
    const n = this.lexicon.ficheCodes.length;
    const z = () => new Float64Array(n);
    const f: FicheFeatures = { titleLex: z(), titleVec: z(), titleAppellation: z(), bodyLex: z(), bodyVec: z(), mc: z(), items: z(), bodyTitle: z(), exemplarTitle: z(), exemplarBody: z(), exemplarSameTitle: z(), exemplarCodeTitle: z(), exemplarCodeBody: z() };
    const row = this.lexicon.ficheRow;
    if (p.title) {
      const hits = this.lexicon.appellations.search(p.titleStems, 300);
      const best = hits[0]?.score ?? 0;
      for (const h of hits) {
        const i = this.lexicon.appellationFicheRow[h.doc]!;
        f.titleLex[i] = Math.max(f.titleLex[i]!, h.score / best);
      }
      const named = this.appellationKeyRows.get(p.titleKey) ?? [];
      for (const i of named) f.titleAppellation[i] = 1 / named.length;
      if (p.titleVec) {
        for (const h of this.indexes.appellations.search(p.titleVec, TITLE_VECTOR_K, TITLE_VECTOR_K)) {
          const i = this.appFicheRow.get(h.id)!;
          f.titleVec[i] = Math.max(f.titleVec[i]!, Math.max(0, h.score));
        }
      }
    }
    const bodyStems = p.stems.flat();
    // The memory's body queries (nearest offers, pooled codes) read the title and body together.
    // Counted once for both, and for requiredSkills' coded neighbours (each memory index picks its own salient terms).
    const titleAndBody = exemplars && (need("exemplarBody") || need("exemplarCodeBody")) ? titleAndBodyCounts(p) : NO_TERMS;
    if (exemplars && (need("exemplarTitle") || need("exemplarBody"))) {
      exemplars.vote(need("exemplarTitle") ? p.titleStems : [], need("exemplarBody") ? titleAndBody : NO_TERMS, { title: f.exemplarTitle, body: f.exemplarBody });
    }
    if (exemplars && need("exemplarSameTitle")) exemplars.voteSameTitle(p.titleKey, f.exemplarSameTitle);
    if (exemplars && (need("exemplarCodeTitle") || need("exemplarCodeBody"))) {
      exemplars.voteByCode(need("exemplarCodeTitle") ? p.titleStems : [], need("exemplarCodeBody") ? titleAndBody : NO_TERMS, { title: f.exemplarCodeTitle, body: f.exemplarCodeBody });
    }
    if (bodyStems.length && need("bodyLex")) {
      const tf = new Map<string, number>();
      for (const s of bodyStems) tf.set(s, (tf.get(s) ?? 0) + 1);
      const w = new Map([...tf].map(([k, v]) => [k, 1 + Math.log(v)]));
      for (const h of this.lexicon.fiches.search(bodyStems, n, w)) f.bodyLex[h.doc] = h.score;
      scaleToMax(f.bodyLex);
    }
    if (bodyStems.length && need("bodyTitle")) {
      const ficheOf = this.lexicon.appellationFicheRow;
      this.lexicon.appellations.forEachScore(bodyStems, (doc, score) => {
        const i = ficheOf[doc]!;
        if (score > f.bodyTitle[i]!) f.bodyTitle[i] = score;
      });
      scaleToMax(f.bodyTitle);
    }
    if (skills.length && need("items")) {
      const nf = this.referential.fiches.size;
      for (const s of skills) {
        const fiches = this.referential.fichesForItem(s.code);
        if (fiches.length === 0) continue;
        const w = s.score * Math.log(1 + nf / fiches.length);
        for (const code of fiches) f.items[row.get(code)!]! += w;
      }
      scaleToMax(f.items);
    }
    if (exemplars) {
      // Votes for a fiche the text gives no ROME evidence for (title words or vector, appellations named in the
      // body) count half: labelled offers can still teach a local job name, but one mislabelled offer posted twice
      // as "Développeur Java JEE - Spring" no longer puts "DJ" first for every Java developer. Same dev figures
      // (the pooled-code votes too since they weigh more: −0.1 point top-1 after re-fitting, 0.6819 → 0.6811).
      // Every vote feature (EXEMPLAR_FEATURES), so that a new one cannot slip past this rule as the pooled-code ones did.
      const votes = EXEMPLAR_FEATURES.map((k) => f[k]);
      for (let i = 0; i < n; i++) if (!(namedByTitle(f, i) || f.bodyTitle[i]! > 0)) for (const v of votes) v[i]! *= UNSUPPORTED_VOTE;
    }
    if (p.bodyVec && need("bodyVec")) {
      if (p.title && ranking) {
        // With a title, the body vector (~5 % of the linear score) only re-orders fiches that the title or the labelled offers
        // already name: scoring those instead of all 1,584 saves ~0.6 ms with the same dev figures.
        const dim = p.bodyVec.length;
        for (let i = 0; i < n; i++) {
          if (namedByTitle(f, i) || f.exemplarTitle[i]! > 0 || f.exemplarBody[i]! > 0 || f.exemplarSameTitle[i]! > 0) {
            f.bodyVec[i] = Math.max(0, dot(p.bodyVec, this.ficheCentroids.subarray(i * dim, (i + 1) * dim)));
          }
        }
      } else {
        dotRows(this.ficheCentroids, p.bodyVec, f.bodyVec);
        for (let i = 0; i < n; i++) f.bodyVec[i] = Math.max(0, f.bodyVec[i]!);
      }
    }
    if (textMcs.size) {
      // IDF-weighted coverage of each fiche's MCs: Σ idf·strength over shared MCs / Σ idf over the fiche's MCs
      // (strength = best skill score behind the MC), walking only the text's MCs.
      for (const [mc, strength] of textMcs) {
        const w = this.referential.mcIdf(mc) * strength;
        for (const i of this.mcFicheRows.get(mc) ?? []) f.mc[i]! += w;
      }
      for (let i = 0; i < n; i++) f.mc[i] = this.ficheMcMass[i]! > 0 ? f.mc[i]! / this.ficheMcMass[i]! : 0;
      scaleToMax(f.mc);
    }
    return f;
  }

  private bestAppellation(code: string, p: Prepared): MetierMatch["appellation"] {
    const fiche = this.referential.fiches.get(code)!;
    const probe = p.titleVec ?? p.bodyVec;
    if (!probe) return null;
    const codes = fiche.appellations.filter((a) => this.appRow.has(a));
    const rows = codes.map((a) => this.indexes.appellations.vectorAt(this.appRow.get(a)!));
    // Rows two at a time (dotEach): a fiche has 8 appellations on average, the ten fiches of an answer ~130.
    const scores = new Float64Array(rows.length);
    dotEach(probe, rows, scores);
    let best: { code: string; libelle: string; score: number } | null = null;
    codes.forEach((a, j) => {
      const s = scores[j]!;
      if (!best || s > best.score) best = { code: a, libelle: this.referential.appellations.get(a)!.libelle, score: round(s) };
    });
    return best;
  }
}

/**
 * ROME 4.0 split 532 fiches into 1,584 (`code_rome_parent`); systems and offers coded before a split still use
 * the parent code. So each split fiche of `order` lifts its parent to at least its own score less `lift` (see
 * PARENT_ODDS) and brings it into the list; such a parent is marked `parentOf` (the child that placed it). Returns
 * `order` and those parents by score, ties by row. A parent forced right under every child took two of the first
 * five places on average and pushed other fiches out: on the dev offers (5-fold CV) the lift puts top-3 0.831 ->
 * 0.847, top-5 0.881 -> 0.886, top-10 0.914 -> 0.917, top-1 the same.
 */
export function withParents(order: readonly number[], totals: ArrayLike<number>, parentOf: (row: number) => number, lift: number): { row: number; parentOf: number | null; rankScore: number }[] {
  const listed = new Map<number, { row: number; parentOf: number | null; rankScore: number }>();
  for (const i of order) if (!listed.has(i)) listed.set(i, { row: i, parentOf: null, rankScore: totals[i]! });
  for (const i of order) {
    const p = parentOf(i);
    if (p === i) continue;
    const lifted = totals[i]! - lift;
    const entry = listed.get(p);
    if (!entry) listed.set(p, { row: p, parentOf: i, rankScore: Math.max(totals[p]!, lifted) });
    else if (lifted > entry.rankScore) Object.assign(entry, { parentOf: i, rankScore: lifted });
  }
  return [...listed.values()].sort((a, b) => b.rankScore - a.rankScore || a.row - b.row);
}

/**
 * A split fiche lifts its parent to at least 1/PARENT_ODDS of its own fitted probability (a score lift of
 * temperature·ln PARENT_ODDS): high enough that a pre-split code stays in sight, low enough that it does not crowd
 * out other fiches (dev top-5 within 0.2 point of the best for odds 3 to 20).
 */
export const PARENT_ODDS = 5;

/** The score lift of PARENT_ODDS under a softmax at `temperature` (the tuner's fitted scores are at temperature 1). */
export const parentLift = (temperature: number): number => temperature * Math.log(PARENT_ODDS);

/** The text's macro-compétence profile: MC → best score of the compétences that show it. */
export function mcProfile(skills: readonly ExtractedSkill[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of skills) if (s.macroCompetence) m.set(s.macroCompetence, Math.max(m.get(s.macroCompetence) ?? 0, s.score));
  return m;
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
    const a = meanOf(f.appellations.map((x) => appRow.get(x)!).filter((x) => x !== undefined), idx.appellations);
    const c = meanOf(f.competences.map((x) => compRow.get(x.code)!).filter((x) => x !== undefined), idx.competences);
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) v[j] = a[j]! + 0.5 * c[j]!;
    out.set(normalizeVector(v), r * dim);
  });
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The features behind each part of the score breakdown (title, body, labelled offers). */
const TITLE_FEATURES = ["titleLex", "titleVec", "titleAppellation"] as const;
const BODY_FEATURES = ["bodyLex", "bodyVec"] as const;
const EXEMPLAR_FEATURES = ["exemplarTitle", "exemplarBody", "exemplarSameTitle", "exemplarCodeTitle", "exemplarCodeBody"] as const;

/** One part of a fiche's score breakdown: the weighted mean of its features (0..1); 0 when they all weigh 0. */
function partScore(f: FicheFeatures, w: RankWeights, keys: readonly (keyof FicheFeatures)[], i: number): number {
  let sum = 0;
  let weight = 0;
  for (const k of keys) {
    sum += w[k] * f[k][i]!;
    weight += w[k];
  }
  return weight > 0 ? sum / weight : 0;
}

/** The text names fiche `i` by its title: the title's words or vector reach it, or the title is one of its appellations. */
function namedByTitle(f: FicheFeatures, i: number): boolean {
  return f.titleLex[i]! > 0 || f.titleVec[i]! > 0 || f.titleAppellation[i]! > 0;
}

/** Appellations a title's vector reaches, searched with ef = k: only each fiche's best one counts, so a missed far neighbour costs nothing (dev figures the same at k = 30, 50 or 100; 50 takes 0.14 ms, 100 0.21 ms). */
const TITLE_VECTOR_K = 50;

/** An empty body query, for the votes a model does not read. */
const NO_TERMS: TermCounts = new Map();

/** Weight of labelled-offer votes for a fiche without ROME evidence in the text (0 to 0.75: dev figures within 0.1 point). */
const UNSUPPORTED_VOTE = 0.5;

/** Loads everything the engine needs from configuration; builds indexes when missing or stale. */
export async function createEngine(config: Config, opts: EngineOptions = {}): Promise<Engine> {
  const referential = loadReferential(config.romeDir);
  const embedder = await TransformersEmbedder.load({ modelDir: config.modelDir, dtype: config.modelDtype, queryPrefix: config.queryPrefix, passagePrefix: config.passagePrefix });
  const indexes = await openIndexes(config.indexRoot, referential, embedder, { rebuild: opts.rebuildIndexes, onProgress: opts.onIndexProgress });
  const lexicon = buildLexicon(referential);
  let exemplars: ExemplarMemory | null = null;
  if (config.labelledOffers) {
    const offers = readLabelledOffers(config.labelledOffers);
    const built = ExemplarMemory.build(offers, lexicon.ficheRow);
    if (built.skipped > 0) console.error(`labelled offers: ${built.skipped} of ${offers.length} name a code that is not a ${referential.version} fiche; left out`);
    exemplars = built.memory;
  }
  const esco = config.escoCrosswalk ? loadEscoCrosswalk(config.escoCrosswalk, referential) : null;
  if (esco?.skipped) console.error(`ESCO crosswalk: ${esco.skipped} mappings name an appellation ${referential.version} lacks; left out`);
  return new Engine(referential, embedder, indexes, lexicon, exemplars, esco);
}
