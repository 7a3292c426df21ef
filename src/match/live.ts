/**
 * Feedback learned live: the labelled-offer memory served = the LABELLED_OFFERS files' offers + the offers the lake's
 * verdicts label (`feedback-export`'s set), rebuilt in the background after new verdicts, without a restart.
 */
import { labelledOfferLine, lastById } from "../sources/index.js";
import type { Engine } from "./engine.js";
import { ExemplarMemory, type Exemplar } from "./exemplars.js";
import type { Matcher } from "./pool.js";
import type { ExtractedSkill, MatchInput, MatchResult } from "./types.js";

/** A labelled offer as the lake gives it (`LakeStore.labelledOffers`, the `feedback-export` line). */
export interface FeedbackOffer {
  id: string;
  intitule: string | null;
  description: string;
  romeCode: string;
}

/** The memory's counts once a set of feedback offers is learned. */
export interface MemoryCounts {
  labelledOffers: number;
  codedOffers: number;
}

/** Where the memory is rebuilt: the engine of this thread (`LiveEngine`) or each match thread's (`MatchPool`). */
export interface MemoryTarget {
  learn(feedback: readonly Exemplar[]): Promise<MemoryCounts>;
}

/**
 * The files' exemplars then the lake's, as `readLabelledOffers` reads the files then the export: an id found in
 * both keeps the lake's exemplar at the file's place.
 */
export function withFeedback(base: readonly Exemplar[], feedback: readonly Exemplar[]): Exemplar[] {
  return lastById([...base, ...feedback]);
}

/** `engine` (its memory from the files) with the lake's exemplars learned. */
export function engineWithFeedback(engine: Engine, feedback: readonly Exemplar[]): Engine {
  const merged = withFeedback(engine.exemplars?.exemplars ?? [], feedback);
  return engine.withExemplars(ExemplarMemory.build(merged, engine.lexicon.ficheRow).memory);
}

/**
 * The engine of this thread with its memory swapped when feedback is learned (MATCH_THREADS=0): a call keeps the
 * engine it started with, the next one reads the new memory. What the lake's ingest needs is the engine's own.
 */
export class LiveEngine implements Matcher, MemoryTarget {
  private current: Engine;
  readonly modelId: string;
  readonly referential: Engine["referential"];
  readonly embedder: Engine["embedder"];
  readonly coverage: Engine["coverage"];

  constructor(private readonly base: Engine) {
    this.current = base;
    ({ modelId: this.modelId, referential: this.referential, embedder: this.embedder, coverage: this.coverage } = base);
  }

  get engine(): Engine {
    return this.current;
  }

  match(input: MatchInput): Promise<MatchResult> {
    return this.current.match(input);
  }

  extractSkills(text: string): Promise<ExtractedSkill[]> {
    return this.current.extractSkills(text);
  }

  learn(feedback: readonly Exemplar[]): Promise<MemoryCounts> {
    this.current = engineWithFeedback(this.base, feedback);
    return Promise.resolve(countsOf(this.current));
  }
}

export const countsOf = (engine: Engine): MemoryCounts => ({
  labelledOffers: engine.exemplars?.size ?? 0,
  codedOffers: engine.exemplars?.codedOffers ?? 0,
});

/** When the next refresh may start: `intervalMs` after the last one started (at once when it is that long ago). */
export function refreshDelay(now: number, lastStart: number | null, intervalMs: number): number {
  return lastStart === null ? 0 : Math.max(0, lastStart + intervalMs - now);
}

/** What /health says of the memory learned from feedback. */
export interface LearningStatus extends MemoryCounts {
  /** Offers of the memory that come from the lake's verdicts. */
  feedbackOffers: number;
  /** When the memory was last rebuilt from the lake; null: not yet. */
  refreshedAt: Date | null;
}

/** The lake as the learning reads it (`Lake` is one). */
export interface FeedbackSource {
  /** The offers feedback labels (`feedback-export`'s set). */
  labelledOffers(): AsyncIterable<FeedbackOffer>;
  /** The latest verdict's id: whether another process stored verdicts since the memory was learned. */
  lastFeedbackId(): Promise<number>;
}

/**
 * Reads the lake's feedback-labelled offers and has the target learn them: at start (`refresh`), then after new
 * verdicts, at most once every `intervalMs`: those this process stores (`noteVerdict`) and, once `watch` is called,
 * those another process stored (the latest verdict's id, read every `intervalMs`). A refresh that fails (lake down)
 * keeps the memory served and says so on stderr; the next verdict, or the next look, tries again.
 */
export class FeedbackLearning {
  private counts: MemoryCounts;
  private feedbackOffers = 0;
  private refreshedAt: Date | null = null;
  private lastStart: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private poll: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | null = null;
  /** A verdict came after the running refresh read the lake. */
  private dirty = false;
  /** The latest verdict's id when the memory served was read; null: not read yet (or the refresh failed). */
  private learnedId: number | null = null;
  private pollFailing = false;

  constructor(
    private readonly source: FeedbackSource,
    private readonly target: MemoryTarget,
    private readonly intervalMs: number,
    /** The memory served before any refresh (the files'). */
    initial: MemoryCounts,
    private readonly log: (message: string) => void = (m) => console.error(m),
  ) {
    this.counts = initial;
  }

  get status(): LearningStatus {
    return { ...this.counts, feedbackOffers: this.feedbackOffers, refreshedAt: this.refreshedAt };
  }

  /** A verdict was stored: a refresh is scheduled (debounced). */
  noteVerdict(): void {
    if (this.running) this.dirty = true;
    else this.schedule();
  }

  /** Looks every `intervalMs` whether verdicts came from elsewhere (another process, another instance). */
  watch(): void {
    this.poll ??= setInterval(() => void this.look(), this.intervalMs);
    this.poll.unref();
  }

  /** Rebuilds the memory now (after the running refresh, if any); false when it failed and the old one is kept. */
  async refresh(): Promise<boolean> {
    while (this.running) await this.running;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.rebuild();
    try {
      return await this.running;
    } finally {
      this.running = null;
      if (this.dirty) this.schedule();
      this.dirty = false;
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.poll) clearInterval(this.poll);
    this.timer = this.poll = null;
  }

  /** Schedules a refresh when the latest verdict is not the one the memory was read with. */
  async look(): Promise<void> {
    if (this.running || this.timer) return;
    try {
      const id = await this.source.lastFeedbackId();
      this.pollFailing = false;
      if (id !== this.learnedId) this.noteVerdict();
    } catch (e) {
      if (!this.pollFailing) this.log(`feedback learning: cannot read the lake's verdicts (${(e as Error).message})`);
      this.pollFailing = true;
    }
  }

  private schedule(): void {
    if (this.timer) return;
    const delay = refreshDelay(Date.now(), this.lastStart, this.intervalMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, delay);
    this.timer.unref();
  }

  private async rebuild(): Promise<boolean> {
    this.lastStart = Date.now();
    try {
      // Read before the offers: a verdict stored meanwhile is read again by the next refresh.
      const id = await this.source.lastFeedbackId();
      const feedback: Exemplar[] = [];
      // Read as the export's lines are at a restart (no ROME items: the lake keeps none).
      for await (const o of this.source.labelledOffers()) feedback.push(labelledOfferLine(o));
      // Nothing learned and nothing to learn (a lake without verdicts): the files' memory is already the one served,
      // and a rebuild would cost each match thread ~1–2 s of CPU at start for the same memory.
      if (feedback.length === 0 && this.feedbackOffers === 0) {
        this.refreshedAt = new Date();
        this.learnedId = id;
        return true;
      }
      // The build is synchronous (~1–2 s for ~4,000 offers in this thread): after the lake's reads are answered.
      await new Promise((resolve) => setImmediate(resolve));
      this.counts = await this.target.learn(feedback);
      this.feedbackOffers = feedback.length;
      this.refreshedAt = new Date();
      this.learnedId = id;
      return true;
    } catch (e) {
      this.log(`feedback learning: memory not refreshed, the previous one kept (${(e as Error).message})`);
      return false;
    }
  }
}
