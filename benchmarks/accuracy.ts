/**
 * Accuracy on an offers file beside two baselines measured in the same run:
 *   npm run bench:accuracy -- [--offers FILE.jsonl] [--limit N]
 * Prints one JSON object on the last line of stdout.
 */
import "../src/text/quiet.js";
import path from "node:path";
import { loadConfig, REPO_ROOT } from "../src/config.js";
import { createEngine } from "../src/match/index.js";
import { evaluateOffers } from "../src/tuning/index.js";
import { readOffers } from "../src/sources/index.js";
import { parseFlags } from "../src/cli/command.js";

const { flags } = parseFlags(process.argv.slice(2));
const file = flags.get("offers") ?? path.resolve(REPO_ROOT, "..", "shared", "eval", "offers-dev.jsonl");
const limit = flags.has("limit") ? Number(flags.get("limit")) : undefined;
const engine = await createEngine(loadConfig());
const offers = readOffers(file, limit);
const started = Date.now();
const figures = await evaluateOffers(engine, offers, { baselines: true, onProgress: (n) => n % 500 === 0 && console.error(`  ${n}/${offers.length}`) });
console.log(JSON.stringify({ benchmark: "accuracy", file: path.basename(file), romeVersion: engine.referential.version, model: engine.modelId, seconds: (Date.now() - started) / 1000, ...figures }));
