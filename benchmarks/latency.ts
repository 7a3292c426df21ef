/**
 * /v1/match latency and throughput with autocannon, for ~300-word offers (250–350 words, each request another offer):
 *   npm run bench:latency -- [--seconds 10] [--runs 3] [--workers N] [--explain false] [--url http://127.0.0.1:3000]
 * Without --url it starts `serve` as a child process (WORKERS=N, default 1; N > 1 needs a PostgreSQL lake, as serve
 * does: DATABASE_URL, else the test database of scripts/setup-postgres.sh) on a free port with a throw-away LAKE_DIR, so that the load generator does not share the server's event loop.
 * Single-client p50/p99 (concurrency 1) and throughput at concurrency 32, after `engineShare` (the engine's own time
 * against the round trip, one request at a time). Concurrency 32 runs `--runs` times: on a shared machine one run
 * can move by ±15 %, so `concurrency32` is the run of median throughput and `concurrency32Runs` lists them all.
 * `--explain false` asks for answers without the métiers' explanations (the lean answer of matching systems).
 * Prints one JSON object on stdout.
 * On a 2-core machine autocannon itself takes part of a core: the figures are for server and client together.
 */
import "../src/text/quiet.js";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { REPO_ROOT } from "../src/config.js";
import { offersOf300Words } from "./corpus.js";
import { parseFlags } from "../src/cli/command.js";
import { freePort, waitReady } from "./server.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const seconds = Number(flags.get("seconds") ?? 10);
const workers = Number(flags.get("workers") ?? 1);
const runs = Math.max(1, Number(flags.get("runs") ?? 3));
const log = (...a: unknown[]) => console.error("[bench:latency]", ...a);

const offers = offersOf300Words();
const explain = flags.get("explain") !== "false";
const bodies = offers.map((o) =>
  JSON.stringify({
    title: o.intitule,
    text: o.description,
    kind: "offer",
    topK: 10,
    ...(explain ? {} : { explain: false }),
  }),
);

async function run(base: string, connections: number) {
  let i = 0;
  const result = await autocannon({
    url: `${base}/v1/match`,
    connections,
    duration: seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }),
      },
    ],
  });
  return {
    connections,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    rps: result.requests.average,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 },
  };
}

/**
 * Where a request's time goes, one request at a time over every offer once: the engine's own `timings.totalMs`
 * against the client's round trip (the rest is HTTP, JSON of the answer and the client). Medians, in ms.
 */
async function engineShare(base: string) {
  const engine: number[] = [];
  const roundTrip: number[] = [];
  for (const body of bodies) {
    const t = performance.now();
    const r = await fetch(`${base}/v1/match`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const j = (await r.json()) as { timings: { totalMs: number } };
    roundTrip.push(performance.now() - t);
    engine.push(j.timings.totalMs);
  }
  const median = (xs: number[]) => round([...xs].sort((a, b) => a - b)[xs.length >> 1]!, 2);
  return { requests: bodies.length, engineMsP50: median(engine), roundTripMsP50: median(roundTrip) };
}

let child: ChildProcess | null = null;
const lakeDir = mkdtempSync(path.join(tmpdir(), "bench-latency-lake-"));
try {
  let base = flags.get("url");
  if (!base) {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "src", "cli", "main.ts"), "serve"], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        WORKERS: String(workers),
        LAKE_DIR: lakeDir,
        DOTENV_CONFIG_QUIET: "true",
        ...(workers > 1
          ? {
              DATABASE_URL:
                process.env.DATABASE_URL ??
                process.env.TEST_DATABASE_URL ??
                "postgres://rome:rome@127.0.0.1:5432/rome_test",
            }
          : {}),
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  await waitReady(base, child);
  log(`loading ${base} with ${bodies.length} distinct offers`);
  await run(base, 1); // warm-up: JIT
  const split = await engineShare(base);
  const single = await run(base, 1);
  const c32: Awaited<ReturnType<typeof run>>[] = [];
  for (let k = 0; k < runs; k++) c32.push(await run(base, 32));
  const median = [...c32].sort((a, b) => a.rps - b.rps)[(c32.length - 1) >> 1]!;
  console.log(
    JSON.stringify({
      benchmark: "match-latency",
      target: flags.get("url") ?? `serve (WORKERS=${workers}, MATCH_THREADS=${process.env.MATCH_THREADS ?? 0})`,
      offers: bodies.length,
      words: "250-350",
      explain,
      seconds,
      engineShare: split,
      concurrency1: single,
      concurrency32: median,
      concurrency32Runs: c32.map((r) => r.rps),
    }),
  );
} finally {
  child?.kill("SIGTERM");
  rmSync(lakeDir, { recursive: true, force: true });
}
process.exit(0);
