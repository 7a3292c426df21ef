import { describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import express from "express";
import { Admission, ClientGoneError, OverloadedError, admitBeforeBody } from "../../../src/api/admission.js";

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

  it("counts requests whose body is still being read: a burst is not all admitted before any job is queued", () => {
    const a = new Admission({ concurrency: 1, maxWaitMs: 1_200, maxQueued: 100, msPerChar: 0.01 });
    // 50,000 characters ≈ 520 ms each at this rate: the first is taken (idle), the second fits, the third does not.
    const first = a.reserve(50_000);
    const second = a.reserve(50_000);
    const third = a.reserve(50_000);
    expect(first).not.toBeInstanceOf(OverloadedError);
    expect(second).not.toBeInstanceOf(OverloadedError);
    expect(third).toBeInstanceOf(OverloadedError);
    expect(a.load.reading).toBe(2);
    if (!(first instanceof OverloadedError)) (first.release(), first.release()); // twice: counted once
    if (!(second instanceof OverloadedError)) second.release();
    expect(a.load).toMatchObject({ reading: 0, queued: 0, active: 0 });
    expect(a.reserve(50_000)).not.toBeInstanceOf(OverloadedError);
  });

  it("over HTTP: refuses before reading the body, and reads only the bodies it admits", async () => {
    const a = new Admission({ concurrency: 1, maxWaitMs: 1_000, maxQueued: 100, msPerChar: 0.01 });
    let parsed = 0;
    const app = express();
    app.use("/work", admitBeforeBody(a));
    app.use(express.json({ limit: "1mb" }));
    app.post("/work", async (req, res, next) => {
      parsed++;
      try {
        res.json({ n: await a.run((req.body as { text: string }).text.length, async () => (await sleep(300), 1)) });
      } catch (e) {
        next(e);
      }
    });
    app.use((e: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(e instanceof OverloadedError ? e.status : 500).json({});
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/work`;
    try {
      const body = JSON.stringify({ text: "x".repeat(50_000) });
      const statuses = await Promise.all(
        Array.from({ length: 12 }, () =>
          fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) => r.status),
        ),
      );
      // Every body read was a job admitted: the refused requests never reached the parser.
      expect(statuses.filter((s) => s === 200).length).toBe(parsed);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
      expect(a.load).toMatchObject({ reading: 0, queued: 0, active: 0 });
    } finally {
      server.close();
    }
  });
});
