/**
 * /v1/match latency and throughput with autocannon, on a real server in this process, for a ~300-word offer:
 *   npm run bench:latency -- [--seconds 10] [--url http://127.0.0.1:3000]
 * With --url it loads a running server (e.g. started with WORKERS=2) instead of one in this process.
 * Single-client p50/p99 (concurrency 1) and throughput at concurrency 32. Prints one JSON object.
 */
import "../src/text/quiet.js";
import path from "node:path";
import autocannon from "autocannon";
import { loadConfig, REPO_ROOT } from "../src/config.js";
import { createEngine, readOffers } from "../src/match/index.js";
import { createApp } from "../src/api/app.js";
import { createAuth } from "../src/api/auth.js";
import { parseFlags } from "../src/cli/command.js";

const { flags } = parseFlags(process.argv.slice(2));
const seconds = Number(flags.get("seconds") ?? 10);
const config = loadConfig();
const engine = await createEngine(config);
// Offers of 250–350 words, so that every request is "a 300-word offer" and the cache does not serve repeats.
const offers = readOffers(path.resolve(REPO_ROOT, "..", "shared", "eval", "offers-dev.jsonl")).filter((o) => {
  const w = (o.description ?? "").split(/\s+/).length;
  return w >= 250 && w <= 350;
});
const bodies = offers.map((o) => JSON.stringify({ title: o.intitule, text: o.description, kind: "offer", topK: 10 }));
const external = flags.get("url");
const app = createApp({ config, engine, auth: createAuth([]) });
const server = app.listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const base = external ?? `http://127.0.0.1:${(server.address() as { port: number }).port}`;

async function run(connections: number) {
  let i = 0;
  const result = await autocannon({
    url: `${base}/v1/match`,
    connections,
    duration: seconds,
    requests: [{ method: "POST", headers: { "content-type": "application/json" }, setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  return { connections, requests: result.requests.total, non2xx: result.non2xx, errors: result.errors, rps: result.requests.average, latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 } };
}

await run(1); // warm-up: JIT, caches of the model runtime
const single = await run(1);
const c32 = await run(32);
server.close();
console.log(JSON.stringify({ benchmark: "match-latency", target: external ?? "in-process", offers: bodies.length, words: "250-350", seconds, concurrency1: single, concurrency32: c32 }));
process.exit(0);
