/**
 * Bounded admission for the compute-heavy routes (matching, skill extraction, ingest). Work is queued per process
 * with a cost in characters of text; a request whose expected wait exceeds the budget is refused at once (429 with
 * Retry-After) instead of joining an unbounded queue, and work whose client has gone is dropped before it runs.
 * The expected wait is learnt from the work done: milliseconds per character, a moving average.
 */

export interface AdmissionOptions {
  /** Jobs run at once: the match threads (1 when matching runs in the event-loop thread). */
  concurrency: number;
  /** Longest expected wait accepted (ms); beyond it 429. A job still queued after it is dropped (503). */
  maxWaitMs: number;
  /** Queued jobs at most, whatever their cost. */
  maxQueued: number;
  /** Starting estimate of milliseconds per character, before any job has run. */
  msPerChar?: number;
}

/** Refused for load: `status` 429 (not queued) or 503 (queued, but its wait ran out); retry after `retryAfterS`. */
export class OverloadedError extends Error {
  constructor(
    readonly status: 429 | 503,
    readonly retryAfterS: number,
    message: string,
  ) {
    super(message);
  }
}

export class ClientGoneError extends Error {
  constructor() {
    super("the client closed the connection; the work was not done");
  }
}

/** Fixed cost of a job in characters (parsing, ranking, explaining do not scale with the text). */
const BASE_CHARS = 2_000;

interface Job {
  cost: number;
  queuedAt: number;
  run: () => void;
  fail: (e: Error) => void;
  signal?: AbortSignal;
}

export class Admission {
  private readonly queue: Job[] = [];
  private active = 0;
  private activeCost = 0;
  private queuedCost = 0;
  /** Requests admitted by `reserve` whose body is still being read: their cost counts as queued. */
  private reading = 0;
  private readingCost = 0;
  private msPerChar: number;

  constructor(private readonly o: AdmissionOptions) {
    if (!(o.concurrency >= 1)) throw new Error("Admission: concurrency must be at least 1");
    this.msPerChar = o.msPerChar ?? 0.02;
  }

  /** What /health and tests read. */
  get load() {
    const { active, reading } = this;
    return { active, queued: this.queue.length, reading, expectedWaitMs: Math.round(this.expectedWaitMs(0)) };
  }

  private get idle(): boolean {
    return this.active === 0 && this.queue.length === 0 && this.reading === 0;
  }

  /** Expected wait (ms) of a job queued now: the work ahead of it shared by the running slots. */
  private expectedWaitMs(extraChars: number): number {
    const ahead = this.queuedCost + this.readingCost + this.activeCost / 2 + extraChars;
    return this.active + this.reading < this.o.concurrency && this.queue.length === 0
      ? 0
      : (ahead * this.msPerChar) / this.o.concurrency;
  }

  /** The refusal `run` would give now to a job of `chars` characters, or null: to refuse before reading a body. */
  refusal(chars: number): OverloadedError | null {
    const cost = BASE_CHARS + Math.max(0, chars);
    const wait = this.expectedWaitMs(0);
    // Wait plus its own work within the budget; an idle server takes any job (else a long text is never served).
    const waiting = this.queue.length + this.reading;
    if (this.idle || (waiting < this.o.maxQueued && wait + cost * this.msPerChar <= this.o.maxWaitMs)) return null;
    const s = Math.max(1, Math.ceil(wait / 1000));
    return new OverloadedError(429, s, `the server is busy (about ${s} s of matching queued); retry after ${s} s`);
  }

  /**
   * Admits a request of `chars` characters before its body is read, or refuses it. Admitted, its cost counts as
   * queued until `release` is called (when the body has been read and the job queued, or the request has ended), so
   * that a burst of requests arriving together is not all admitted to have its bodies read and parsed at once.
   */
  reserve(chars: number): OverloadedError | { release: () => void } {
    const refused = this.refusal(chars);
    if (refused) return refused;
    const cost = BASE_CHARS + Math.max(0, chars);
    this.reading++;
    this.readingCost += cost;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.reading--;
        this.readingCost -= cost;
      },
    };
  }

  /**
   * Runs `fn` when a slot is free. `chars`: the text it works on. Throws OverloadedError when the expected wait is
   * over budget, ClientGoneError when `signal` aborts while queued.
   */
  run<T>(chars: number, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new ClientGoneError());
    const cost = BASE_CHARS + Math.max(0, chars);
    const refused = this.refusal(chars);
    if (refused) return Promise.reject(refused);
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        cost,
        queuedAt: performance.now(),
        signal,
        fail: reject,
        run: () => {
          const t0 = performance.now();
          fn().then(
            (v) => (this.done(job, performance.now() - t0), resolve(v)),
            (e: unknown) => (this.done(job, performance.now() - t0), reject(e)),
          );
        },
      };
      const onAbort = () => {
        const i = this.queue.indexOf(job);
        if (i >= 0) {
          this.queue.splice(i, 1);
          this.queuedCost -= job.cost;
          reject(new ClientGoneError());
        }
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(job);
      this.queuedCost += cost;
      this.next();
    });
  }

  private done(job: Job, ms: number): void {
    this.active--;
    this.activeCost -= job.cost;
    // Moving average of the observed cost, so the expected wait follows the machine and the load.
    this.msPerChar = 0.7 * this.msPerChar + 0.3 * (ms / job.cost);
    this.next();
  }

  private next(): void {
    while (this.active < this.o.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.queuedCost -= job.cost;
      if (job.signal?.aborted) {
        job.fail(new ClientGoneError());
        continue;
      }
      // The estimate was wrong (a slower machine, a burst): better a fast 503 than an answer nobody waits for.
      const waited = performance.now() - job.queuedAt;
      if (waited > this.o.maxWaitMs) {
        const s = Math.max(1, Math.ceil(this.expectedWaitMs(0) / 1000));
        job.fail(
          new OverloadedError(
            503,
            s,
            `the server is overloaded: this request waited ${Math.round(waited)} ms; retry after ${s} s`,
          ),
        );
        continue;
      }
      this.active++;
      this.activeCost += job.cost;
      job.run();
    }
  }
}

/**
 * Middleware for the compute-heavy routes: a POST whose Content-Length (bytes stand for characters) is over budget
 * is refused before its body is read and parsed; an admitted one holds its place while its body is read.
 */
export function admitBeforeBody(admission: Admission) {
  return (
    req: { method: string; get(h: string): string | undefined; once(ev: "end" | "close", fn: () => void): unknown },
    res: { once(ev: "close", fn: () => void): unknown },
    next: (err?: unknown) => void,
  ): void => {
    const bytes = Number(req.get("content-length"));
    if (req.method !== "POST" || !(bytes > 0)) return next();
    const r = admission.reserve(bytes);
    if (r instanceof OverloadedError) return next(r);
    // Released when the body has been read: the body parser's own "end" listener comes after this one and hands the
    // request to its route, which queues the job in the same tick. Or when the request ends early.
    req.once("end", r.release);
    req.once("close", r.release);
    res.once("close", r.release);
    next();
  };
}

/** An AbortSignal that fires when the client of `res` closes the connection before the answer is sent. */
export function clientGone(res: { on(ev: "close", fn: () => void): unknown; writableFinished: boolean }): AbortSignal {
  const ac = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}
