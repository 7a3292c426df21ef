import "../text/index.js";
import type { Config } from "../config.js";
import { dot, dotEach, dotRows, isZero, normalizeVector, TransformersEmbedder, type Embedder } from "../embed/index.js";
import { openIndexes, type ProgressFn, type RomeIndexes } from "../vectors/index.js";
import { loadEscoCrosswalk, loadReferential, type CoeurMetier, type EscoCrosswalk, type Referential } from "../rome/index.js";
import { cleanTitle, contentStems, leadingTitleLine, segment, termCounts, titleKey, titleParts, topK as topKRows, type TermCounts, type TextUnit } from "../text/index.js";
import { buildAppellationSearch, searchAppellations, type AppellationSearchIndex } from "../rome/index.js";
import { explainFiche } from "./explain.js";
import { ExemplarMemory, NO_ITEM_CHOICES } from "./exemplars.js";
import { readLabelledOffers } from "../sources/index.js";
import { aggregateSkills, cmpCode, createExtractionContext, cleanJobTitle, createStatedExtractor, experienceWeights, EXTRACTION, extractStated, parseCv, ficheItemRows, rescoreInContext, scoreItemsAgainstUnits, scoreUnit, statementUnits, type ExtractionContext, type ParsedCv, type StatedExtractor, type StatementUnit } from "../skills/index.js";
import { buildLexicon, type Lexicon } from "./lexicon.js";
import { FEATURE_NAMES, featuresUsed, RANK_MODEL, RANK_MODEL_NO_TITLE, rankScores, scaleToMax, softmax, type FicheFeatures, type RankModel, type RankWeights } from "./rank.js";
import { REQUIRED_MODEL, REQUIRED_MODEL_UNCODED, requiredFeatures, requiredProbability, type CodedNeighbour, type ItemHolder, type RequiredFeatures, type RequiredModel } from "./required.js";
import type { CvExperienceMatch, ExtractedSkill, MatchInput, MatchResult, MetierMatch, RequiredSkill } from "./types.js";
import { createCoverageChecker } from "./uncovered.js";
import { matchStatus } from "./status.js";
import { round } from "../numbers.js";
import { classifierFeature, readClassifier, type ClassifierFeature } from "./classifier.js";

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
  text: string;
  title: string;
  /** Content stems of the title as written (the labelled-offer votes use them: the memory learns its noise too)… */
  titleStems: string[];
  /** …and its `titleKey` (exact lookups of labelled offers). */
  titleKey: string;
  /** Content stems of the title's job words (`romeTitle`: noise out, abbreviations written out), for ROME's side… */
  romeStems: string[];
  /** …and their `titleKey` (exact lookups of appellations). */
  romeKey: string;
  units: TextUnit[];
  /** Content stems of each unit, in order (body features count repeats) and as sets (extraction). */
  stems: string[][];
  stemSets: Set<string>[];
  titleVec: Float32Array | null;
  bodyVec: Float32Array | null;
  unitVecs: (Float32Array | null)[];
  /** The statements skill extraction reads (sections, clauses; see `statementUnits`) and their vectors. */
  statements: StatementUnit[];
  statementVecs: (Float32Array | null)[];
  /** The text read as a CV (experiences, education); empty lists for most offers. */
  cv: ParsedCv;
  /** For a CV, its experiences with their appellations and weights (none for an offer). */
  experiences: CvExperienceMatch[];
  /** Fiches the text is known to be about (the title's appellation, a CV's jobs) → weight: extraction prefers their items. */
  context: Map<string, number>;
  /** Titles of the CV's other experiences, whose title evidence adds to the title's at their weight. */
  extraTitles: { stems: string[]; key: string; vec: Float32Array | null; weight: number }[];
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
  private readonly stated: StatedExtractor;
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
  /** The fiche classifier's feature (FICHE_CLASSIFIER, set by createEngine); null: the `classifier` feature stays 0. */
  classify: ClassifierFeature | null = null;
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
    this.stated = createStatedExtractor(referential, this.extractionCtx);
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
    const p = await this.prepare(input.text, input.title, input.kind);
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
    // The MC part of the score and the explanations read the same stated skills, all reported; the best fiche's own
    // items that the text shows (targeted pass, re-scored in that fiche's context) are reported after them.
    let reported = skills;
    let requiredSkills: RequiredSkill[] = [];
    if (pool.length) {
      const top = this.referential.fiches.get(codes[pool[0]!.row]!)!;
      const { rows, items } = this.topFicheOf(top.code);
      const targeted = aggregateSkills(this.referential, p.units, [scoreItemsAgainstUnits(this.extractionCtx, rows, p.stemSets, p.unitVecs, EXTRACTION.ficheItemMin)]);
      const known = new Set(skills.map((s) => s.code));
      reported = [...skills, ...rescoreInContext(targeted.filter((s) => !known.has(s.code)), items)];
      if (input.kind === "offer") {
        const rm = options.requiredModel ?? (memory?.codedOffers ? REQUIRED_MODEL : REQUIRED_MODEL_UNCODED);
        const fiches = pool.slice(0, rm.fiches).map(({ row }, k) => ({ code: codes[row]!, row, confidence: conf[k]! }));
        const neighbours = memory?.codedOffers ? memory.codedNeighbours(titleAndBodyCounts(p), CODED_NEIGHBOURS) : [];
        const candidates = this.requiredCandidates(fiches, [...this.unitSkillsOf(p), ...targeted], memory, rm, neighbours);
        options.onRequiredCandidates?.(candidates);
        requiredSkills = candidates
          .filter((c) => c.probability >= rm.minProbability)
          .slice(0, rm.max)
          .map(({ features: _, ...c }) => ({ ...c, probability: round(c.probability, 3) }));
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
        confidence: round(conf[rank]!, 3),
        score: {
          title: round(evidence[rank]!.title, 3),
          body: round(evidence[rank]!.body, 3),
          mcOverlap: round(features.mc[i]!, 3),
          exemplars: round(partScore(features, weights, EXEMPLAR_FEATURES, i), 3),
          interactions: round(interactions[i]!, 3),
          total: round(totals[i]!, 3),
        },
        ...(input.explain === false
          ? { appellation: null, sharedMacroCompetences: [], missingMacroCompetences: [], unusedSkills: [] }
          : { appellation: this.bestAppellation(code, p), ...explainFiche(this.referential, code, skills) }),
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
      margin: round(margin, 3),
      metiers,
      skills: reported,
      experiences: p.experiences,
      requiredSkills,
      uncoveredPhrases: this.coverage(p.units, covered).map((u) => u.key),
      timings: { totalMs: round(performance.now() - t0, 3), embedMs: round(t1 - t0, 3), extractMs: round(t2 - t1, 3), rankMs: round(t3 - t2, 3), explainMs: round(performance.now() - t3, 3) },
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

  /**
   * `featuresFor` under several labelled-offer memories at once (null: none), the text prepared and its skills
   * extracted once: tuning compares how the offers meet a memory (grouped CV, leave-one-source-out, none).
   */
  async featuresForMemories(text: string, title: string | undefined, memories: readonly (ExemplarMemory | null)[], model?: RankModel): Promise<FicheFeatures[]> {
    const p = await this.prepare(text, title);
    const need = model ? featuresUsed(model) : new Set(FEATURE_NAMES);
    const skills = this.skillsOf(p);
    return memories.map((m) => this.features(p, skills, need, m, model !== undefined));
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

  private async prepare(text: string, title: string | undefined, kind: MatchInput["kind"] = "offer"): Promise<Prepared> {
    const units = segment(text).slice(0, EXTRACTION.maxUnits);
    const cv = parseCv(text);
    const experiences = kind === "cv" ? this.experiencesOf(cv) : [];
    // A CV without a title is ranked on its jobs: the heaviest experience's title stands as the title, the others
    // add their title evidence weighted (see `experienceWeights`).
    const main = experiences.reduce<CvExperienceMatch | null>((b, e) => (!b || e.weight > b.weight ? e : b), null);
    const given = (title ?? "").trim();
    let t = given || (main ? cleanJobTitle(main.title) : "");
    if (!t) {
      // A text sent without a title often starts with one ("Technicien de maintenance H/F\n…"): used as one when it
      // names a ROME job.
      const line = leadingTitleLine(text);
      if (line && this.namesAJob(line)) t = line;
    }
    // ROME's side of the title reads its job words (noise out, abbreviations written out); its vector reads the title
    // as written (the one the ranking model was fitted on).
    const rome = t ? this.romeTitle(t) : "";
    const extra = given ? experiences : experiences.filter((e) => e !== main);
    const extraTitles = extra.map((e) => cleanJobTitle(e.title));
    const statements = statementUnits(units, cv.headerSpans);
    // Statements that are whole units reuse the unit's vector; the others (clauses, lines without their heading) are
    // embedded in the same call.
    const unitAt = new Map(units.map((u, i) => [`${u.start}:${u.end}`, i]));
    const fresh = statements.filter((st) => !unitAt.has(`${st.start}:${st.end}`));
    const head = t ? [t] : [];
    const vecs = await this.embedder.embed([...head, ...units.map((u) => u.text), ...fresh.map((st) => st.text), ...extraTitles], "query");
    const nz = (v: Float32Array | undefined) => (v && !isZero(v) ? v : null);
    const unitVecs = vecs.slice(head.length, head.length + units.length).map(nz);
    const freshVecs = vecs.slice(head.length + units.length, head.length + units.length + fresh.length).map(nz);
    const extraVecs = vecs.slice(head.length + units.length + fresh.length).map(nz);
    let k = 0;
    const statementVecs = statements.map((st) => {
      const i = unitAt.get(`${st.start}:${st.end}`);
      return i === undefined ? freshVecs[k++]! : unitVecs[i]!;
    });
    // The body vector is the mean direction of its units: embedding the whole text again would cost as much as
    // all units together (tokenising and padding 300 words) for a signal the units already carry.
    const sum = new Float32Array(this.embedder.dimension);
    for (const v of unitVecs) if (v) for (let j = 0; j < sum.length; j++) sum[j]! += v[j]!;
    const stems = units.map((u) => contentStems(u.text));
    const titleStems = contentStems(t);
    const romeStems = rome ? contentStems(rome) : titleStems;
    return { text, title: t, titleStems, titleKey: titleKey(titleStems), romeStems, romeKey: titleKey(romeStems), units, stems, stemSets: stems.map((x) => new Set(x)), titleVec: t ? nz(vecs[0]) : null, bodyVec: nz(normalizeVector(sum)), unitVecs, statements, statementVecs, cv, experiences, context: this.contextOf(main ? given : t, experiences),
      extraTitles: extraTitles.map((x, i) => {
        const st = contentStems(x);
        return { stems: st, key: titleKey(st), vec: extraVecs[i] ?? null, weight: extra[i]!.weight };
      }) };
  }

  /**
   * The job words of a title for ROME's side (`cleanTitle` per part): of the parts a separator sets apart, the one
   * that best reads as an appellation and those that read as one nearly as well ("Tech Lead Java - Services
   * Financiers - Ile-De-France" keeps its first part, "ALTERNANCE - Data Scientist" its second).
   */
  private romeTitle(title: string): string {
    const parts = titleParts(title);
    if (parts.length <= 1) return parts[0] ?? title;
    const fit = parts.map((x) => this.appellationFit(contentStems(x)));
    const best = Math.max(...fit);
    return parts.filter((_, k) => fit[k]! >= best * TITLE_PART_FIT).join(" ");
  }

  /** How well words read as an appellation: the best appellation's BM25 score over that of an appellation equal to them. */
  private appellationFit(stems: readonly string[]): number {
    if (stems.length === 0) return 0;
    const self = this.lexicon.appellations.selfScore(stems);
    return self > 0 ? (this.lexicon.appellations.search(stems, 1)[0]?.score ?? 0) / self : 0;
  }

  /** Whether a line names a ROME job: its job words are an appellation, or an appellation holds most of their weight. */
  private namesAJob(line: string): boolean {
    const stems = contentStems(cleanTitle(line));
    if (stems.length === 0) return false;
    return this.appellationKeyRows.has(titleKey(stems)) || this.appellationFit(stems) >= LEADING_TITLE_MATCH;
  }

  /** The ROME items the text states (`extractStated`): what /v1/skills/extract returns, features and explanations read. */
  private skillsOf(p: Prepared): ExtractedSkill[] {
    return extractStated(this.stated, p.text, p.statements, p.statementVecs, p.context);
  }

  /**
   * The open per-unit search of earlier versions (every label a unit covers, up to three a unit): what the
   * offer-coding model (`requiredSkills`) was fitted on, kept for it.
   */
  private unitSkillsOf(p: Prepared): ExtractedSkill[] {
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
    const f: FicheFeatures = { titleLex: z(), titleVec: z(), titleAppellation: z(), bodyLex: z(), bodyVec: z(), mc: z(), items: z(), bodyTitle: z(), exemplarTitle: z(), exemplarBody: z(), exemplarSameTitle: z(), exemplarCodeTitle: z(), exemplarCodeBody: z(), titleFiche: z(), classifier: z() };
    const row = this.lexicon.ficheRow;
    if (p.title) {
      this.titleFeatures(f, p.romeStems, p.romeKey, p.titleVec, 1);
      if (need("titleFiche") && p.romeStems.length) {
        for (const h of this.lexicon.fiches.search(p.romeStems, n)) f.titleFiche[h.doc] = h.score;
        scaleToMax(f.titleFiche);
      }
      for (const x of p.extraTitles) this.titleFeatures(f, x.stems, x.key, x.vec, x.weight);
    }
    if (need("classifier") && this.classify) this.classify(p.title, p.text, f.classifier);
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

  /** Title evidence (words, appellation named, vector) of one title at `weight`, kept where it beats what is there. */
  private titleFeatures(f: FicheFeatures, stems: readonly string[], key: string, vec: Float32Array | null, weight: number): void {
    const hits = this.lexicon.appellations.search(stems as string[], 300);
    const best = hits[0]?.score ?? 0;
    for (const h of hits) {
      const i = this.lexicon.appellationFicheRow[h.doc]!;
      f.titleLex[i] = Math.max(f.titleLex[i]!, (weight * h.score) / best);
    }
    const named = this.appellationKeyRows.get(key) ?? [];
    for (const i of named) f.titleAppellation[i] = Math.max(f.titleAppellation[i]!, weight / named.length);
    if (vec) {
      for (const h of this.indexes.appellations.search(vec, TITLE_VECTOR_K, TITLE_VECTOR_K)) {
        const i = this.appFicheRow.get(h.id)!;
        f.titleVec[i] = Math.max(f.titleVec[i]!, weight * Math.max(0, h.score));
      }
    }
  }

  /**
   * The fiches a title or a CV's jobs name through an appellation (autocomplete score ≥ 0.8, times the job's weight):
   * among a statement's near-equal readings, extraction prefers their items.
   */
  private contextOf(title: string, experiences: readonly CvExperienceMatch[]): Map<string, number> {
    const out = new Map<string, number>();
    const add = (fiche: string, w: number) => out.set(fiche, Math.max(out.get(fiche) ?? 0, w));
    const hit = title ? searchAppellations(this.appellationSearch, cleanJobTitle(title), 1)[0] : undefined;
    if (hit && hit.score >= 0.8) add(hit.ficheCode, 1);
    for (const e of experiences) if (e.appellation && e.appellation.score >= 0.8) add(e.appellation.ficheCode, e.weight);
    return out;
  }

  /** A CV's experiences with their weights and the appellation each title names (the autocomplete's best, ≥ 0.5). */
  private experiencesOf(cv: ParsedCv): CvExperienceMatch[] {
    const now = new Date().getUTCFullYear() + new Date().getUTCMonth() / 12;
    const weights = experienceWeights(cv.experiences, now);
    return cv.experiences.map((e, k) => {
      const hit = searchAppellations(this.appellationSearch, cleanJobTitle(e.title), 1)[0];
      return {
        title: e.title, employer: e.employer, start: e.start === null ? null : round(e.start, 3), end: e.end === null ? null : round(e.end, 3), current: e.current,
        durationMonths: e.durationMonths, weight: weights[k]!, span: e.span, titleSpan: e.titleSpan,
        appellation: hit && hit.score >= 0.5 ? { code: hit.code, libelle: hit.libelle, ficheCode: hit.ficheCode, score: hit.score } : null,
      };
    });
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
      if (!best || s > best.score) best = { code: a, libelle: this.referential.appellations.get(a)!.libelle, score: round(s, 3) };
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
  for (const s of skills) {
    const mc = s.kind === "macro-competence" ? s.code : s.macroCompetence;
    if (mc) m.set(mc, Math.max(m.get(mc) ?? 0, s.score));
  }
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

/** Share of an appellation's best BM25 score (a document equal to the line) a first line needs to be read as a title. */
const LEADING_TITLE_MATCH = 0.6;

/** A title part is kept when it reads as an appellation at least this well relative to the part that reads best. */
const TITLE_PART_FIT = 0.7;

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
  const engine = new Engine(referential, embedder, indexes, lexicon, exemplars, esco);
  if (config.ficheClassifier) engine.classify = classifierFeature(readClassifier(config.ficheClassifier).model, lexicon.ficheRow);
  return engine;
}
