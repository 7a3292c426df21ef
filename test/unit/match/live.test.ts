import { afterEach, describe, expect, it, vi } from "vitest";
import type { Exemplar } from "../../../src/match/exemplars.js";
import { labelledOfferLine } from "../../../src/sources/index.js";
import {
  FeedbackLearning,
  refreshDelay,
  withFeedback,
  type FeedbackOffer,
  type MemoryTarget,
} from "../../../src/match/live.js";

const ex = (id: string, romeCode: string, competences: string[] = []): Exemplar => ({
  id,
  title: id,
  text: `text of ${id}`,
  romeCode,
  competences,
});

describe("withFeedback", () => {
  it("keeps the files' offers then the lake's; an id in both keeps the lake's at the file's place", () => {
    const base = [ex("a", "A1", ["c1"]), ex("b", "B1"), ex("c", "C1")];
    const merged = withFeedback(base, [ex("lake:x", "K1201"), ex("b", "K1225")]);
    expect(merged.map((e) => [e.id, e.romeCode])).toEqual([
      ["a", "A1"],
      ["b", "K1225"],
      ["c", "C1"],
      ["lake:x", "K1201"],
    ]);
    expect(merged[0]!.competences).toEqual(["c1"]);
  });

  it("reads a lake offer as its export's line is read at start (no title: empty, no items)", () => {
    const o: FeedbackOffer = { id: "s:1", intitule: null, description: "Texte", romeCode: "K1201" };
    expect(labelledOfferLine(o)).toEqual({ id: "s:1", title: "", text: "Texte", romeCode: "K1201", competences: [] });
  });
});

describe("refreshDelay", () => {
  it("is 0 the first time and once the interval has passed, else what is left of it", () => {
    expect(refreshDelay(1_000, null, 30_000)).toBe(0);
    expect(refreshDelay(10_000, 0, 30_000)).toBe(20_000);
    expect(refreshDelay(45_000, 0, 30_000)).toBe(0);
    expect(refreshDelay(5_000, 5_000, 0)).toBe(0);
  });
});

describe("FeedbackLearning", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A lake whose labelled offers are `rows` (throws while `down`), a target that records what it learned. */
  function setup() {
    const state = { rows: [] as FeedbackOffer[], down: false, reads: 0, lastId: 0 };
    const learned: string[][] = [];
    async function* offers(): AsyncIterable<FeedbackOffer> {
      state.reads++;
      await Promise.resolve();
      if (state.down) throw new Error("connection refused");
      yield* state.rows;
    }
    const target: MemoryTarget = {
      learn: (feedback) => {
        learned.push(feedback.map((e) => e.id));
        return Promise.resolve({ labelledOffers: 10 + feedback.length, codedOffers: 3 });
      },
    };
    const logs: string[] = [];
    const lastFeedbackId = () =>
      state.down ? Promise.reject(new Error("connection refused")) : Promise.resolve(state.lastId);
    const learning = new FeedbackLearning(
      { labelledOffers: offers, lastFeedbackId },
      target,
      30_000,
      { labelledOffers: 10, codedOffers: 3 },
      (m) => logs.push(m),
    );
    return { state, learned, learning, logs };
  }
  const row = (id: string): FeedbackOffer => ({ id, intitule: "t", description: "d", romeCode: "K1201" });

  it("learns the lake's offers on refresh and says so in its status", async () => {
    const { state, learned, learning } = setup();
    expect(learning.status).toEqual({ labelledOffers: 10, codedOffers: 3, feedbackOffers: 0, refreshedAt: null });
    state.rows = [row("s:1"), row("s:2")];
    expect(await learning.refresh()).toBe(true);
    expect(learned).toEqual([["s:1", "s:2"]]);
    expect(learning.status).toMatchObject({ labelledOffers: 12, feedbackOffers: 2 });
    expect(learning.status.refreshedAt).toBeInstanceOf(Date);
  });

  it("rebuilds nothing while the lake has no verdicts, and goes back to the files' memory once they are erased", async () => {
    const { state, learned, learning } = setup();
    expect(await learning.refresh()).toBe(true);
    expect(learned).toEqual([]); // the files' memory is the one served: no rebuild in each match thread
    expect(learning.status).toMatchObject({ labelledOffers: 10, feedbackOffers: 0 });
    state.rows = [row("s:1")];
    await learning.refresh();
    state.rows = [];
    await learning.refresh();
    expect(learned).toEqual([["s:1"], []]);
    expect(learning.status).toMatchObject({ labelledOffers: 10, feedbackOffers: 0 });
  });

  it("keeps the previous memory when the lake is down, and logs", async () => {
    const { state, learned, learning, logs } = setup();
    state.rows = [row("s:1")];
    await learning.refresh();
    const before = learning.status;
    state.down = true;
    expect(await learning.refresh()).toBe(false);
    expect(learned).toHaveLength(1);
    expect(learning.status).toEqual(before);
    expect(logs[0]).toMatch(/previous one kept.*connection refused/);
  });

  it("refreshes at once after a first verdict, then at most once per interval however many verdicts come", async () => {
    vi.useFakeTimers();
    const { state, learning } = setup();
    learning.noteVerdict();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.reads).toBe(1);
    for (let i = 0; i < 5; i++) {
      learning.noteVerdict();
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(state.reads).toBe(1); // 5 s after the first refresh: waiting for the interval
    await vi.advanceTimersByTimeAsync(25_000);
    expect(state.reads).toBe(2); // the five verdicts, read together
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state.reads).toBe(2); // no verdict since: nothing read
    learning.close();
  });

  it("watching, refreshes when another process stored a verdict, and only then", async () => {
    const { state, learning, logs } = setup();
    state.lastId = 7;
    await learning.refresh();
    vi.useFakeTimers();
    learning.watch();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(state.reads).toBe(1); // the latest verdict is the one learned
    state.lastId = 8;
    await vi.advanceTimersByTimeAsync(31_000); // the next look, then the refresh it schedules
    expect(state.reads).toBe(2);
    state.down = true;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(state.reads).toBe(2);
    expect(logs).toEqual([expect.stringMatching(/cannot read the lake's verdicts/)]); // said once, not every look
    learning.close();
  });
});
