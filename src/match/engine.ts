import "../text/index.js";
import type { Embedder } from "../embed/index.js";
import type { AppellationSearchIndex, EscoCrosswalk, Referential } from "../rome/index.js";
import type { RomeIndexes } from "../vectors/index.js";
import { round } from "../numbers.js";
import type { ClassifierFeature } from "./classifier.js";
import { codedToday, codesFor, type CodedWhen, type EarlierCodes } from "./coded.js";
import type { EngineContext } from "./context.js";
import type { ExemplarMemory } from "./exemplars.js";
import type { Lexicon } from "./lexicon.js";
import { present } from "./present.js";
import { FEATURE_NAMES, featuresUsed, type FicheFeatures, type RankModel } from "./rank.js";
import { explain } from "./stages/explain.js";
import { extract, targetedPass, unitSkills } from "./stages/extract.js";
import { computeFeatures } from "./stages/features.js";
import { prepare, prepareStatements } from "./stages/prepare.js";
import { featuresUsedBy, modelFor, rank } from "./stages/rank.js";
import { required, type RequiredOptions } from "./stages/required.js";
import { status } from "./stages/status.js";
import type { ExtractedSkill, MatchInput, MatchResult, RequiredSkill } from "./types.js";

/** Per-call overrides, for evaluation and fitting. */
export interface MatchOptions extends RequiredOptions {
  /** Exemplar memory to use instead of the engine's (cross-validation folds); null: none. */
  exemplars?: ExemplarMemory | null;
}

/**
 * The matching engine: referential, embedder, indexes and lexicon in memory (create.ts loads them); stateless
 * between calls. A match runs the stages of src/match/stages in order: prepare → extract → features → rank →
 * required → explain → status, and `present` puts the answer in the wire format.
 */
export class Engine {
  readonly modelId: string;
  readonly referential: Referential;
  readonly embedder: Embedder;
  readonly indexes: RomeIndexes;
  readonly lexicon: Lexicon;
  readonly appellationSearch: AppellationSearchIndex;
  /** The referential in force before today's (ROME_EARLIER), for texts coded then; null: none configured. */
  readonly earlier: EarlierCodes | null;
  /** The uncovered-phrase checker every match uses, shared with the lake's ingestion. */
  readonly coverage: EngineContext["coverage"];
  /** The stated-skills extractor every match reads; the profile route reads labels with it too (see `SkillLabelResolver`). */
  readonly stated: EngineContext["stated"];

  constructor(
    private readonly ctx: EngineContext,
    /** Labelled offers whose codes vote (LABELLED_OFFERS); null without. */
    readonly exemplars: ExemplarMemory | null = null,
    /** ESCO ↔ ROME crosswalk (ESCO_CROSSWALK), for the API's ESCO views; null without. */
    readonly esco: EscoCrosswalk | null = null,
  ) {
    ({ referential: this.referential, embedder: this.embedder, indexes: this.indexes, lexicon: this.lexicon } = ctx);
    this.appellationSearch = ctx.appellationSearch;
    this.earlier = ctx.earlier;
    this.coverage = ctx.coverage;
    this.stated = ctx.stated;
    this.modelId = ctx.embedder.id;
  }

  /** The same engine (shared tables) with another fiche classifier behind the `classifier` feature; null: none. */
  withClassifier(classify: ClassifierFeature | null): Engine {
    return new Engine({ ...this.ctx, classify }, this.exemplars, this.esco);
  }

  /** The same engine (shared tables) with another labelled-offer memory (feedback learned live, src/match/live.ts). */
  withExemplars(exemplars: ExemplarMemory | null): Engine {
    return new Engine(this.ctx, exemplars, this.esco);
  }

  async match(input: MatchInput, options: MatchOptions = {}): Promise<MatchResult> {
    const ctx = this.ctx;
    const t0 = performance.now();
    const topK = input.topK ?? 10;
    const memory = this.memoryOf(options);
    const p = await prepare(ctx, input.text, input.title, input.kind);
    const t1 = performance.now();
    const stated = extract(ctx, p, false);
    const t2 = performance.now();
    const model = modelFor(p.title);
    const then = codesFor(input, ctx.referential.version, ctx.earlier);
    const features = computeFeatures(ctx, p, stated, featuresUsedBy(model), memory, true, then);
    const lift = !codedToday(input, ctx.referential.version, ctx.earlier);
    const ranking = rank(ctx, p, features, model, topK, then, lift);
    const t3 = performance.now();
    // The MC part of the score and the explanations read the stated skills, all reported; the best fiche's own
    // items that the text shows (targeted pass) are reported after them.
    let skills = stated;
    let requiredSkills: RequiredSkill[] = [];
    if (ranking.pool.length) {
      const { targeted, reported } = targetedPass(ctx, p, stated, ctx.lexicon.ficheCodes[ranking.pool[0]!.row]!);
      skills = reported;
      if (input.kind === "offer") {
        const shown = (codes: ReadonlySet<string>) => [...unitSkills(ctx, p, codes), ...targeted];
        requiredSkills = required(ctx, p, ranking, shown, memory, options);
      }
    }
    const explained = explain(ctx, p, stated, features, ranking, topK, input.explain !== false, skills);
    const verdict = status(ctx, ranking, explained.evidence);
    const timings = {
      totalMs: round(performance.now() - t0, 3),
      embedMs: round(t1 - t0, 3),
      extractMs: round(t2 - t1, 3),
      rankMs: round(t3 - t2, 3),
      explainMs: round(performance.now() - t3, 3),
    };
    const { kind } = input;
    const found = { kind, topK, features, ranking, explained, status: verdict, skills, requiredSkills, timings };
    return present(ctx, this.modelId, { ...found, experiences: p.experiences });
  }

  /** Extracted ROME compétences and savoirs with evidence spans. */
  async extractSkills(text: string): Promise<ExtractedSkill[]> {
    return extract(this.ctx, await prepareStatements(this.ctx, text));
  }

  /**
   * Per-fiche features for a text; exposed for the accuracy benchmark's baselines and weight tuning. With `model`,
   * exactly the features `match` computes for it (`featuresUsed`; the others stay 0).
   */
  async featuresFor(
    text: string,
    title?: string,
    options: MatchOptions = {},
    model?: RankModel,
    when: CodedWhen = {},
  ): Promise<FicheFeatures> {
    const [f] = await this.featuresForMemories(text, title, [this.memoryOf(options)], model, when);
    return f!;
  }

  /**
   * `featuresFor` under several labelled-offer memories at once (null: none), the text prepared and its skills
   * extracted once: tuning compares how the offers meet a memory (grouped CV, leave-one-source-out, none). `when`:
   * as `match`'s `codedAt` / `romeVersion` (the appellations' places then).
   */
  async featuresForMemories(
    text: string,
    title: string | undefined,
    memories: readonly (ExemplarMemory | null)[],
    model?: RankModel,
    when: CodedWhen = {},
  ): Promise<FicheFeatures[]> {
    const p = await prepare(this.ctx, text, title);
    const need = model ? featuresUsed(model) : new Set(FEATURE_NAMES);
    const skills = extract(this.ctx, p, false);
    const then = codesFor(when, this.ctx.referential.version, this.ctx.earlier);
    return memories.map((m) => computeFeatures(this.ctx, p, skills, need, m, model !== undefined, then));
  }

  /** The ranking model `match` uses for a text with or without a title. */
  modelFor(title: string | undefined): RankModel {
    return modelFor(title);
  }

  private memoryOf(options: MatchOptions): ExemplarMemory | null {
    return options.exemplars === undefined ? this.exemplars : options.exemplars;
  }
}
