import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import cliProgress from "cli-progress";
import { loadConfig, type Config } from "../../config.js";
import { fittedWordVectors, loadPasserellesModel } from "../../passerelles/index.js";
import {
  countsOf,
  createEngine,
  FeedbackLearning,
  LiveEngine,
  MatchPool,
  pooled,
  type Engine,
} from "../../match/index.js";
import {
  CV_MODES,
  ensureWordVectors,
  evaluateOffers,
  ownLabelSelection,
  type CvMode,
  type FittedVectors,
  type SelfTrain,
} from "../../tuning/index.js";
import { readOffers } from "../../sources/index.js";
import { loadReferential } from "../../rome/index.js";
import { startServer } from "../../api/index.js";
import { openLake } from "../../ingest/index.js";
import { defineCommand, UsageError } from "../command.js";

/** What the last `engineWithProgress` did with the built word vectors ("off": WORD_VECTORS names a file or none). */
let wordVectorsState: ReturnType<typeof ensureWordVectors> = "off";

/** The word vectors the passerelles model was fitted with, when it reads the built ones (no PASSERELLES_WORD_VECTORS). */
function passerellesFit(config: Config): FittedVectors | undefined {
  if (config.passerellesWordVectors) return undefined;
  try {
    return fittedWordVectors(loadPasserellesModel(config.passerellesModel));
  } catch {
    return undefined; // an unreadable model is reported where the passerelles load it
  }
}

/**
 * Engine with progress on stderr while indexes are (re)built: a bar on a terminal, a line every tenth otherwise
 * (container logs), so that a first start never looks stuck. The word vectors of `/v1/skills/extract` are built
 * first when missing or stale (`ensureWordVectors`; WORD_VECTORS=none skips them).
 */
export async function engineWithProgress(rebuild = false): Promise<Engine> {
  const config = loadConfig();
  wordVectorsState = ensureWordVectors(config, {
    force: rebuild,
    log: (l) => console.error(l),
    fittedWith: passerellesFit(config),
  });
  const tty = process.stderr.isTTY === true;
  const bar = new cliProgress.SingleBar(
    { format: "  {phase} [{bar}] {value}/{total}", stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let phase = "";
  let logged = -1;
  const engine = await createEngine(loadConfig(), {
    rebuildIndexes: rebuild,
    onIndexProgress: (p, done, total) => {
      if (!tty) {
        const tenth = total > 0 ? Math.floor((10 * done) / total) : 10;
        if (p !== phase) [phase, logged] = [p, -1];
        if (tenth > logged) console.error(`building indexes: ${p} ${done}/${total}`);
        logged = Math.max(logged, tenth);
        return;
      }
      if (p !== phase) {
        if (phase) bar.stop();
        phase = p;
        bar.start(total, 0, { phase: p.padEnd(12) });
      }
      bar.update(done, { phase: p.padEnd(12) });
    },
  });
  if (phase && tty) bar.stop();
  return engine;
}

export const buildIndexesCommand = defineCommand({
  name: "build-indexes",
  summary: "embed ROME labels and (re)build the HNSW indexes and the word vectors of stated skills",
  usage: "build-indexes [--force]",
  async run({ flags }) {
    const t = Date.now();
    const engine = await engineWithProgress(flags.has("force"));
    console.log(
      JSON.stringify({
        romeVersion: engine.referential.version,
        model: engine.modelId,
        indexes: Object.fromEntries(Object.entries(engine.indexes).map(([k, v]) => [k, v.size])),
        wordVectors: wordVectorsState,
        seconds: (Date.now() - t) / 1000,
      }),
    );
  },
});

export const serveCommand = defineCommand({
  name: "serve",
  summary: "start the HTTP API (PORT, HOST; see README)",
  usage: "serve",
  async run() {
    const config = loadConfig();
    if (config.workers > 1 && cluster.isPrimary) {
      if (!config.databaseUrl)
        throw new UsageError(
          "WORKERS > 1 needs DATABASE_URL (the embedded lake allows one process); set WORKERS=1 or a server",
        );
      // Build or check the indexes once, before the workers load them.
      await engineWithProgress();
      for (let i = 0; i < config.workers; i++) cluster.fork();
      let stopping = false;
      const listened = new Set<number>();
      cluster.on("listening", (w) => listened.add(w.id));
      cluster.on("exit", (w, code, signal) => {
        if (stopping) {
          if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
          return;
        }
        if (!listened.has(w.id)) {
          // Failed before serving (lake database down, port taken…): restarting would fail the same way, in a loop.
          console.error(`serve: worker ${w.process.pid} exited (${signal ?? code}) before listening; stopping`);
          process.exitCode = 1;
          stop();
          return;
        }
        if (signal !== "SIGTERM" && code !== 0) {
          console.error(`worker ${w.process.pid} exited (${signal ?? code}); starting another`);
          cluster.fork();
        }
      });
      // Workers finish their requests and close while the primary still holds the shared socket; then it exits.
      function stop() {
        stopping = true;
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
        setTimeout(() => process.exit(process.exitCode ?? 0), 10_000).unref();
      }
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
      return new Promise<number>(() => {});
    }
    const engine = await engineWithProgress();
    // Matching (the API's and the ingest's) goes through the match threads or the live engine of this thread: both
    // learn the lake's verdicts without a restart (FEEDBACK_REFRESH_SECONDS).
    const matcher =
      config.matchThreads > 0 ? await MatchPool.start(config, config.matchThreads) : new LiveEngine(engine);
    const lake = await openLake(config, matcher instanceof MatchPool ? pooled(engine, matcher) : matcher);
    let learning: FeedbackLearning | undefined;
    if (config.feedbackRefreshSeconds > 0) {
      learning = new FeedbackLearning(lake, matcher, config.feedbackRefreshSeconds * 1000, countsOf(engine));
      await learning.refresh();
      learning.watch();
    }
    await startServer(config, engine, { matcher, lake, learning });
    return new Promise<number>(() => {}); // runs until killed
  },
});

export const matchCommand = defineCommand({
  name: "match",
  summary: "match a text file (or stdin) and print the JSON result",
  usage: "match [FILE|-] [--title T] [--kind offer|cv] [--topK N] [--coded-at YYYY-MM-DD] [--rome-version v458]",
  async run({ flags, positional }) {
    const file = positional[0] ?? "-";
    const text = readFileSync(file === "-" ? 0 : file, "utf8");
    const kind = flags.get("kind") === "cv" ? "cv" : "offer";
    const engine = await engineWithProgress();
    const r = await engine.match({
      text,
      title: flags.get("title"),
      kind,
      topK: Number(flags.get("topK") ?? 5),
      codedAt: flags.get("coded-at"),
      romeVersion: flags.get("rome-version"),
    });
    console.log(JSON.stringify(r, null, 2));
  },
});

/**
 * --self-train confident|MIN_CONFIDENCE: each batch's (source's, fold's) own confident answers become labelled-offer
 * memory for its other offers, a second pass (docs/matching.md "Session 30"); --self-train-adopt all: every
 * re-matched answer replaces the first, not only the confident ones.
 */
function selfTrainFlags(flags: ReadonlyMap<string, string>): SelfTrain | undefined {
  const accept = flags.get("self-train");
  const adopt = flags.get("self-train-adopt") ?? "confident";
  if (accept === undefined) {
    if (flags.has("self-train-adopt")) throw new UsageError("--self-train-adopt needs --self-train");
    return undefined;
  }
  const min = Number(accept);
  if (accept !== "confident" && !(accept.trim() !== "" && min > 0 && min <= 1))
    throw new UsageError("--self-train confident|MIN_CONFIDENCE (a number in (0, 1])");
  if (adopt !== "confident" && adopt !== "all") throw new UsageError("--self-train-adopt confident|all");
  return { accept: accept === "confident" ? "confident" : min, adopt };
}

export const evalCommand = defineCommand({
  name: "eval",
  summary: "accuracy on a JSONL offers file; last stdout line is one JSON object",
  usage:
    "eval --offers FILE.jsonl [--limit N] [--cv text|source] [--memory none] [--dates none] [--coded-with ROME_DIR --before YYYY-MM-DD] [--self-train confident|MIN_CONFIDENCE [--self-train-adopt confident|all]] [--own-labels N]",
  async run({ flags, required }) {
    const file = required("offers", "--offers FILE.jsonl is required");
    const limit = flags.has("limit") ? Number(flags.get("limit")) : undefined;
    // --cv text: grouped 5-fold CV (default); source: leave-one-source-out; --memory none: no labelled offers.
    const cv = (flags.get("memory") === "none" ? "none" : (flags.get("cv") ?? "text")) as CvMode;
    if (!CV_MODES.includes(cv) || (flags.has("memory") && flags.get("memory") !== "none"))
      throw new UsageError("--cv text|source, --memory none");
    const selfTrain = selfTrainFlags(flags);
    // --own-labels N: each source's N earliest offers join its memory, the others are scored, with and without them
    // (figures, and own_labels.baseline; docs/matching.md "Session 31").
    const ownLabels = flags.has("own-labels") ? Number(flags.get("own-labels")) : undefined;
    if (ownLabels !== undefined && (!Number.isInteger(ownLabels) || ownLabels < 0 || cv === "text" || selfTrain))
      throw new UsageError("--own-labels N (an integer >= 0) needs --cv source or --memory none, without --self-train");
    const offers = readOffers(file, limit);
    const engine = await engineWithProgress();
    const bar = new cliProgress.SingleBar(
      { format: "  eval [{bar}] {value}/{total}", stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    const scored = ownLabels !== undefined ? ownLabelSelection(offers, ownLabels).scored.length : 0;
    bar.start(ownLabels !== undefined ? 2 * scored : offers.length * (selfTrain ? 2 : 1), 0);
    // --coded-with: offers created before --before (default: June 2025, ROME's split to 1,584 fiches) are also scored
    // against that earlier referential's codes (figures under coded_in_force).
    const earlier = flags.get("coded-with");
    const codedWith = earlier
      ? { codes: new Set(loadReferential(earlier).fiches.keys()), before: flags.get("before") ?? "2025-06-01" }
      : undefined;
    // Each offer is matched with its creation date as `codedAt` (the codes in force then, ROME_EARLIER), as a caller
    // who knows when its offers were coded would; --dates none: undated, today's codes for every offer.
    if (flags.has("dates") && flags.get("dates") !== "none") throw new UsageError("--dates none");
    const dates = flags.get("dates") !== "none";
    const figures = await evaluateOffers(engine, offers, {
      cv,
      codedWith,
      dates,
      selfTrain,
      ownLabels,
      onProgress: (done) => bar.update(done),
    });
    bar.stop();
    console.log(JSON.stringify(figures));
  },
});
