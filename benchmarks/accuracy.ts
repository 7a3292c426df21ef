/**
 * Accuracy on an offers file beside two baselines measured in the same run:
 *   npm run bench:accuracy -- [--offers FILE.jsonl] [--limit N] [--only source] [--dates none]
 * The headline is leave-one-source-out (each `source_dataset` matched with a labelled-offer memory holding only the
 * other sources: what a new user's offers meet), with its figures by source; beside it the grouped 5-fold CV
 * (in-collection) and no memory at all (`LABELLED_OFFERS=none`, as CVs). `--only source` skips the other two.
 * Each offer is matched with its creation date (`codedAt`: the codes in force then, as France Travail coded it);
 * `--dates none`: today's codes for every offer. Prints one JSON object on the last line of stdout.
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
const dates = flags.get("dates") !== "none";
const progress = (label: string) => (n: number) => n % 500 === 0 && console.error(`  ${label} ${n}/${offers.length}`);
const figures = await evaluateOffers(engine, offers, {
  cv: "source",
  baselines: true,
  dates,
  onProgress: progress("leave-one-source-out"),
});
const brief = async (cv: "text" | "none") => {
  const f = await evaluateOffers(engine, offers, { cv, dates, onProgress: progress(cv) });
  return {
    top1: f.top1,
    top3: f.top3,
    top5: f.top5,
    top10: f.top10,
    mrr: f.mrr,
    macro_top1: f.macro_top1,
    by_source: f.by_source,
    labelled_offers: f.labelled_offers,
  };
};
const beside =
  flags.get("only") === "source" ? {} : { grouped_cv: await brief("text"), memory_none: await brief("none") };
console.log(
  JSON.stringify({
    benchmark: "accuracy",
    file: path.basename(file),
    romeVersion: engine.referential.version,
    model: engine.modelId,
    seconds: (Date.now() - started) / 1000,
    ...figures,
    ...beside,
  }),
);
