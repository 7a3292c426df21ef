/**
 * Match time in-process (no HTTP), for ~300-word offers (250–350 words of the dev offers), warm:
 *   npm run bench:match -- [--n 150] [--warmup 20] [--rounds 1] [--explain false]
 * Per match: wall time and the process's CPU time (CPU time is steadier than wall time on a shared machine), and the
 * medians of the answer's own `timings` (prepare, extract, rank, explain). A second round meets every offer again
 * (its title lookups cached), so it reads faster than new traffic. Profile with
 * `node --cpu-prof --import tsx benchmarks/match-speed.ts`. Prints one JSON object on stdout.
 */
import "../src/text/quiet.js";
import os from "node:os";
import { loadConfig } from "../src/config.js";
import { createEngine } from "../src/match/index.js";
import { offersOf300Words } from "./corpus.js";
import { parseFlags } from "../src/cli/command.js";
import { quantile } from "./quantile.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const n = Number(flags.get("n") ?? 150);
const warmup = Number(flags.get("warmup") ?? 20);
const rounds = Math.max(1, Number(flags.get("rounds") ?? 1));
const explain = flags.get("explain") !== "false";
const offers = offersOf300Words().slice(0, warmup + n);
const engine = await createEngine(loadConfig());
const input = (o: (typeof offers)[number]) => ({
  text: o.description ?? "",
  title: o.intitule ?? undefined,
  kind: "offer" as const,
  topK: 10,
  explain,
});
// Warm-up: caches (stems, word forms, title lookups) and the JIT settle as in a serving process.
for (const o of offers.slice(0, warmup)) await engine.match(input(o));
const wall: number[] = [];
const cpu: number[] = [];
const stages: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++)
  for (const o of offers.slice(warmup)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const m = await engine.match(input(o));
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    for (const [k, v] of Object.entries(m.timings)) (stages[k] ??= []).push(v);
  }
const r3 = (x: number) => round(x, 3);
const p = (xs: number[]) => ({ p50: r3(quantile(xs, 0.5)), p90: r3(quantile(xs, 0.9)) });
console.log(
  JSON.stringify({
    benchmark: "match-in-process",
    offers: offers.length - warmup,
    words: "250-350",
    rounds,
    explain,
    loadAverage: r3(os.loadavg()[0]!),
    wallMs: p(wall),
    cpuMs: p(cpu),
    timingsMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, r3(quantile(v, 0.5))])),
  }),
);
process.exit(0);
