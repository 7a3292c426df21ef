/**
 * Overload: many clients posting long texts to /v1/match while a prober reads /health.
 *   npm run bench:overload -- [--clients 64] [--seconds 10] [--chars 50000] [--url http://127.0.0.1:3000]
 * Without --url it starts `serve` as a child process (the configuration of the environment: MATCH_THREADS, queue
 * budget…) on a free port with a throw-away LAKE_DIR. Each client posts a text of `--chars` characters (real offers
 * of the dev set joined, each client from another offset), waits for the answer, posts again, for `--seconds`.
 * /health is read every 50 ms meanwhile, from a thread of its own (the clients' thread is too busy to time it).
 * Prints one JSON object (last line): /health p50/p99/max, the answers by status and the share of 429/503, the
 * longest time an accepted request (200) took from send to answer, the server's peak RSS (sampled from /proc every
 * 100 ms), whether the targets of issue 24 are met, and the load generator's own event-loop delay.
 * BENCH_NODE_ARGS: extra arguments for the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
import "../src/text/quiet.js";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEV_OFFERS, REPO_ROOT } from "../src/config.js";
import { readOffers } from "../src/sources/index.js";
import { parseFlags } from "../src/cli/command.js";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { quantile } from "./quantile.js";
import { freePort, waitReady } from "./server.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const clients = Number(flags.get("clients") ?? 64);
const seconds = Number(flags.get("seconds") ?? 10);
const chars = Number(flags.get("chars") ?? 50_000);
/** The /health prober (a worker thread): [start (epoch ms), latency ms] of a GET every 50 ms until `end`. */
const PROBER = `
const { parentPort, workerData: { url, end } } = require("node:worker_threads");
(async () => {
  const out = [];
  while (Date.now() < end) {
    const at = Date.now(), t = performance.now();
    try {
      await (await fetch(url)).arrayBuffer();
      out.push([at, performance.now() - t]);
    } catch {
      out.push([at, Infinity]);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  parentPort.postMessage(out);
})();`;
const log = (...a: unknown[]) => console.error("[bench:overload]", ...a);
const TARGETS = { healthP99Ms: 100, acceptedMaxMs: 5_000, rssMb: 2_048 };

const corpus = readOffers(DEV_OFFERS)
  .map((o) => o.description ?? "")
  .join("\n");
const textOf = (client: number) => {
  const start = Math.floor((client * 7919 * 1000) % Math.max(1, corpus.length - chars));
  return corpus.slice(start, start + chars);
};

/** Resident set of a process and its threads (kB → MB), from /proc; 0 where /proc is not readable. */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

async function load(base: string, pid: number | undefined) {
  const end = performance.now() + seconds * 1000;
  const statuses: Record<string, number> = {};
  const accepted: number[] = [];
  const health: number[] = [];
  const healthAt: [number, number][] = [];
  const t0 = Date.now();
  let peakRss = pid ? rssMb(pid) : 0;
  const sampler = pid ? setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 100) : undefined;
  const client = async (c: number) => {
    const body = JSON.stringify({ text: textOf(c), kind: "offer", topK: 10 });
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const r = await fetch(`${base}/v1/match`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        await r.arrayBuffer();
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 200) accepted.push(performance.now() - t);
        // A refused client waits as told (at most 1 s here, so that the load stays on).
        if (r.status === 429 || r.status === 503)
          await new Promise((res) => setTimeout(res, Math.min(1000, 1000 * Number(r.headers.get("retry-after") ?? 1))));
      } catch {
        statuses.network = (statuses.network ?? 0) + 1;
      }
    }
  };
  // The prober has its own thread: in this one, 64 clients' bodies and answers delay every callback (by up to
  // 0.8 s, measured), which would be counted as /health's latency.
  const prober = new Promise<[number, number][]>((resolve, reject) => {
    const workerData = { url: `${base}/health`, end: Date.now() + seconds * 1000 };
    const w = new Worker(PROBER, { eval: true, workerData });
    w.once("message", resolve);
    w.once("error", reject);
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const [probes] = await Promise.all([prober, ...Array.from({ length: clients }, (_, c) => client(c))]);
  loop.disable();
  for (const [t, ms] of probes) {
    health.push(ms);
    if (Number.isFinite(ms)) healthAt.push([t - t0, ms]);
  }
  clearInterval(sampler);
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const r1 = (x: number) => round(x, 1);
  const out = {
    clients,
    seconds,
    chars,
    health: {
      probes: health.length,
      p50Ms: r1(quantile(health, 0.5)),
      p90Ms: r1(quantile(health, 0.9)),
      p99Ms: r1(quantile(health, 0.99)),
      maxMs: r1(Math.max(...health)),
      over100Ms: health.filter((x) => x > 100).length,
      // When the slow probes came (s after the start): a burst at the start is the first wave of 64 bodies.
      slowAtS: healthAt.filter(([, x]) => x > 100).map(([t]) => r1(t / 1000)),
    },
    requests: total,
    statuses,
    refusedShare: round(((statuses[429] ?? 0) + (statuses[503] ?? 0)) / Math.max(1, total), 3),
    accepted: {
      count: accepted.length,
      p50Ms: accepted.length ? r1(quantile(accepted, 0.5)) : null,
      maxMs: accepted.length ? r1(Math.max(...accepted)) : null,
    },
    peakRssMb: peakRss,
    // The load generator's own event-loop delay (not the server's): how late its clients' callbacks ran.
    generatorLoopDelayMs: { p50: r1(loop.percentile(50) / 1e6), p99: r1(loop.percentile(99) / 1e6) },
  };
  return {
    ...out,
    targets: {
      healthP99: out.health.p99Ms <= TARGETS.healthP99Ms,
      acceptedWait: (out.accepted.maxMs ?? 0) <= TARGETS.acceptedMaxMs,
      rss: pid ? peakRss <= TARGETS.rssMb : null,
      no5xxButOverload: Object.keys(statuses).every((s) => !s.startsWith("5") || s === "503"),
    },
  };
}

let child: ChildProcess | null = null;
const lakeDir = mkdtempSync(path.join(tmpdir(), "bench-overload-lake-"));
try {
  let base = flags.get("url");
  if (!base) {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    const main = path.join(REPO_ROOT, "src", "cli", "main.ts");
    child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", main, "serve"], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        LAKE_DIR: lakeDir,
        WORKERS: "1",
        DATABASE_URL: "",
        DOTENV_CONFIG_QUIET: "true",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    log(`started serve (pid ${child.pid}) on ${base}`);
  }
  await waitReady(base, child);
  log(`${clients} clients × ${chars} characters for ${seconds} s from ${new Date().toISOString()}`);
  const result = await load(base, child?.pid);
  console.log(
    JSON.stringify({ date: new Date().toISOString(), matchThreads: process.env.MATCH_THREADS ?? "default", ...result }),
  );
} finally {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  rmSync(lakeDir, { recursive: true, force: true });
}
