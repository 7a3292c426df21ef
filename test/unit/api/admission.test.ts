import { describe, expect, it } from "vitest";
import { Admission, ClientGoneError, OverloadedError } from "../../../src/api/admission.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A job that takes `ms` and records when it ran. */
const job = (ms: number, log: string[], name: string) => async () => {
  log.push(`start ${name}`);
  await sleep(ms);
  return name;
};

describe("Admission", () => {
  it("runs at most `concurrency` jobs at once, in arrival order", async () => {
    const a = new Admission({ concurrency: 2, maxWaitMs: 10_000, maxQueued: 100, msPerChar: 0.001 });
    const log: string[] = [];
    const all = Promise.all(["a", "b", "c", "d"].map((n) => a.run(100, job(30, log, n))));
    await sleep(5);
    expect(log).toEqual(["start a", "start b"]);
    expect(a.load).toMatchObject({ active: 2, queued: 2 });
    expect(await all).toEqual(["a", "b", "c", "d"]);
    expect(a.load).toMatchObject({ active: 0, queued: 0 });
  });

  it("refuses at once (429 with a Retry-After) when the expected wait is over budget, and learns the cost", async () => {
    const a = new Admission({ concurrency: 1, maxWaitMs: 200, maxQueued: 100, msPerChar: 0.0001 });
    const log: string[] = [];
    // The first estimate is far too low: the first jobs run and teach the real cost (~100 ms each).
    for (let i = 0; i < 8; i++) await a.run(8_000, job(100, log, `w${i}`));
    const running = a.run(8_000, job(100, log, "x"));
    const [refused, r2] = await Promise.all(
      ["y", "z"].map((n) =>
        a.run(8_000, job(100, log, n)).then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    );
    await running;
    // After learning, one queued job of ~100 ms fits in 200 ms; a second does not.
    const refusals = [refused, r2].filter((e) => e instanceof OverloadedError) as OverloadedError[];
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals[0]!.status).toBe(429);
    expect(refusals[0]!.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(log).not.toContain("start z");
  });

  it("an idle server takes any job, however large", async () => {
    const a = new Admission({ concurrency: 1, maxWaitMs: 10, maxQueued: 1, msPerChar: 1 });
    expect(await a.run(1_000_000, async () => "big")).toBe("big");
  });

  it("refuses beyond maxQueued whatever the cost", async () => {
    const a = new Admission({ concurrency: 1, maxWaitMs: 60_000, maxQueued: 2, msPerChar: 0 });
    const log: string[] = [];
    const ok = [a.run(0, job(20, log, "a")), a.run(0, job(20, log, "b")), a.run(0, job(20, log, "c"))];
    await expect(a.run(0, job(20, log, "d"))).rejects.toBeInstanceOf(OverloadedError);
    expect(await Promise.all(ok)).toEqual(["a", "b", "c"]);
  });

  it("drops queued work whose client has gone: it never runs", async () => {
    const a = new Admission({ concurrency: 1, maxWaitMs: 60_000, maxQueued: 100, msPerChar: 0 });
    const log: string[] = [];
    const ac = new AbortController();
    const first = a.run(0, job(40, log, "a"));
    const gone = a.run(0, job(40, log, "b"), ac.signal);
    const after = a.run(0, job(40, log, "c"));
    ac.abort();
    await expect(gone).rejects.toBeInstanceOf(ClientGoneError);
    expect(await Promise.all([first, after])).toEqual(["a", "c"]);
    expect(log).toEqual(["start a", "start c"]);
    await expect(a.run(0, job(1, log, "d"), ac.signal)).rejects.toBeInstanceOf(ClientGoneError);
  });

  it("answers 503 rather than run work that waited past the budget (the estimate was wrong)", async () => {
    const a = new Admission({ concurrency: 1, maxWaitMs: 50, maxQueued: 100, msPerChar: 0 });
    const log: string[] = [];
    const slow = a.run(0, job(120, log, "slow"));
    const late = a.run(0, job(10, log, "late")).then(
      () => null,
      (e: unknown) => e,
    );
    await slow;
    const e = await late;
    expect(e).toBeInstanceOf(OverloadedError);
    expect((e as OverloadedError).status).toBe(503);
    expect(log).toEqual(["start slow"]);
  });
});
