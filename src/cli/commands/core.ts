import { readFileSync } from "node:fs";
import cliProgress from "cli-progress";
import { loadConfig } from "../../config.js";
import { createEngine, readOffers, rankOf, rankFigures, macroTop1, byOrigin, skillAgreement, type Engine, type RankRecord } from "../../match/index.js";
import { startServer } from "../../api/server.js";
import type { Command } from "../command.js";
import { parseFlags } from "../command.js";

/** Engine with a progress bar on stderr while indexes are (re)built. */
export async function engineWithProgress(rebuild = false): Promise<Engine> {
  const bar = new cliProgress.SingleBar({ format: "  {phase} [{bar}] {value}/{total}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  let phase = "";
  const engine = await createEngine(loadConfig(), {
    rebuildIndexes: rebuild,
    onIndexProgress: (p, done, total) => {
      if (p !== phase) {
        if (phase) bar.stop();
        phase = p;
        bar.start(total, 0, { phase: p.padEnd(12) });
      }
      bar.update(done, { phase: p.padEnd(12) });
    },
  });
  if (phase) bar.stop();
  return engine;
}

export const buildIndexesCommand: Command = {
  name: "build-indexes",
  summary: "embed ROME labels and (re)build the HNSW indexes",
  usage: "build-indexes [--force]",
  async run(args) {
    const { flags } = parseFlags(args);
    const t = Date.now();
    const engine = await engineWithProgress(flags.has("force"));
    console.log(JSON.stringify({ romeVersion: engine.referential.version, model: engine.modelId, indexes: Object.fromEntries(Object.entries(engine.indexes).map(([k, v]) => [k, v.size])), seconds: (Date.now() - t) / 1000 }));
    return 0;
  },
};

export const serveCommand: Command = {
  name: "serve",
  summary: "start the HTTP API (PORT, HOST; see README)",
  usage: "serve",
  async run() {
    await startServer(loadConfig(), await engineWithProgress());
    return new Promise<number>(() => {}); // runs until killed
  },
};

export const matchCommand: Command = {
  name: "match",
  summary: "match a text file (or stdin) and print the JSON result",
  usage: "match [FILE|-] [--title T] [--kind offer|cv] [--topK N]",
  async run(args) {
    const { flags, positional } = parseFlags(args);
    const file = positional[0] ?? "-";
    const text = readFileSync(file === "-" ? 0 : file, "utf8");
    const kind = flags.get("kind") === "cv" ? "cv" : "offer";
    const engine = await engineWithProgress();
    const r = await engine.match({ text, title: flags.get("title"), kind, topK: Number(flags.get("topK") ?? 5) });
    console.log(JSON.stringify(r, null, 2));
    return 0;
  },
};

export const evalCommand: Command = {
  name: "eval",
  summary: "accuracy on a JSONL offers file; last stdout line is one JSON object",
  usage: "eval --offers FILE.jsonl [--limit N]",
  async run(args) {
    const { flags } = parseFlags(args);
    const file = flags.get("offers");
    if (!file) {
      console.error("eval: --offers FILE.jsonl is required");
      return 2;
    }
    const limit = flags.has("limit") ? Number(flags.get("limit")) : undefined;
    const offers = readOffers(file, limit);
    const engine = await engineWithProgress();
    console.log(JSON.stringify(await evaluateOffers(engine, offers)));
    return 0;
  },
};

/** The figures `npm run eval` prints (README "Figures"). */
export async function evaluateOffers(engine: Engine, offers: ReturnType<typeof readOffers>) {
  const records: RankRecord[] = [];
  const times: number[] = [];
  let tp = 0, predicted = 0, goldMatched = 0, gold = 0;
  const bar = new cliProgress.SingleBar({ format: "  eval [{bar}] {value}/{total}", stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(offers.length, 0);
  for (const o of offers) {
    const t = performance.now();
    const r = await engine.match({ text: o.description ?? "", title: o.intitule ?? undefined, kind: "offer", topK: 10 });
    times.push(performance.now() - t);
    records.push({ gold: o.romeCode, rank: rankOf(r.metiers.map((m) => m.code), o.romeCode), origin: o.origineOffre_origine ?? "unknown" });
    if (o.competences?.some((c) => c.code)) {
      const a = skillAgreement(r.skills, o.competences.flatMap((c) => (c.code ? [c.code] : [])));
      tp += a.tp; predicted += a.predicted; goldMatched += a.goldMatched; gold += a.gold;
    }
    bar.increment();
  }
  bar.stop();
  times.sort((a, b) => a - b);
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  return {
    ...rankFigures(records),
    macro_top1: macroTop1(records),
    by_origin: byOrigin(records),
    skills: { precision: r4(predicted ? tp / predicted : 0), recall: r4(gold ? goldMatched / gold : 0) },
    ms_per_offer_p50: r4(times[Math.floor(times.length / 2)] ?? 0),
  };
}
