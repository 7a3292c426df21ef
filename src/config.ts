import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Repository root, so that defaults do not depend on the working directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** `../shared/<rel>` beside the checkout when present (the development layout), else undefined. */
function sharedDefault(rel: string): string | undefined {
  const p = path.resolve(REPO_ROOT, "..", "shared", rel);
  return existsSync(p) ? p : undefined;
}

/** The dev offers beside the checkout (../shared/eval): what the scripts and benchmarks read unless told a file. */
export const DEV_OFFERS = path.resolve(REPO_ROOT, "..", "shared", "eval", "offers-dev.jsonl");

/** A file of the repository when present. */
function repoFile(rel: string): string | undefined {
  const p = path.join(REPO_ROOT, rel);
  return existsSync(p) ? p : undefined;
}

/** The passerelles ranker's model file, where `npm run tune:passerelles` writes it (PASSERELLES_MODEL's default). */
export const DEFAULT_PASSERELLES_MODEL = path.join(REPO_ROOT, "models", "passerelles.json");

/** A path naming a JSON file (model files and manifests). */
const JSON_FILE = /\.json$/i;

const ConfigSchema = z.object({
  romeDir: z.string().min(1),
  modelDir: z.string().min(1),
  modelDtype: z.enum(["fp32", "q8"]),
  queryPrefix: z.string(),
  passagePrefix: z.string(),
  indexRoot: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string(),
  databaseUrl: z.string().optional(),
  lakeDir: z.string().min(1),
  apiKeys: z.string().optional(),
  cvRetentionDays: z.coerce.number().int().min(0),
  /** HTTP worker processes (node:cluster); >1 needs DATABASE_URL because the embedded lake has one session. */
  workers: z.coerce.number().int().min(1).max(64),
  /** JSONL files of offers with their ROME code whose codes vote at match time (README "Labelled offers"); unset: none. */
  labelledOffers: z.array(z.string().min(1)).min(1).optional(),
  /** France Travail's ESCO ↔ ROME appellation crosswalk (GET /v1/esco/occupation, the fiche's `esco`); unset: none. */
  escoCrosswalk: z.string().min(1).optional(),
  /** The fiche classifier's manifest (models/fiche-classifier.json, docs/matching.md); unset when absent or "none". */
  ficheClassifier: z.string().min(1).optional(),
  /**
   * Domain word vectors for stated skills' paraphrase readings, read by /v1/skills/extract only (a match's ranking
   * leaves them out: they cost it a little; docs/skills.md "Session 23", "Session 27"). `wordVectors`: a manifest
   * written by `npm run train:word-vectors` (WORD_VECTORS=FILE). `wordVectorsBuilt` (WORD_VECTORS unset): the model
   * built at set-up into the index folder (build-indexes, first start) is read when it is current; WORD_VECTORS=none
   * turns both off.
   */
  wordVectors: z.string().min(1).optional(),
  wordVectorsBuilt: z.boolean(),
  /**
   * Paraphrase evidence for stated skills learned from recruiters' items (PARAPHRASES: a file written by `npm run
   * train:paraphrases`, docs/skills.md "Session 25"); models/paraphrases.json by default, "none" turns it off.
   */
  paraphrases: z.string().min(1).optional(),
  /**
   * An earlier ROME export (ROME_EARLIER) and the first day its successor's codes were in force (ROME_EARLIER_UNTIL):
   * a match of a text coded before that day (`codedAt`, or `romeVersion` naming it) lists the codes of its day
   * (src/match/coded.ts). Unset: lists are always today's codes.
   */
  romeEarlier: z
    .object({ dir: z.string().min(1), until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD") })
    .optional(),
  /**
   * The first day of codes beyond ROME's 532 historical fiches (ROME_HISTORICAL_UNTIL): a text coded before it lists
   * each fiche's `code_rome_parent` (src/match/coded.ts `historicalCodes`). Unset ("none"): no such era.
   */
  romeHistoricalUntil: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
    .optional(),
  /** Engines in worker threads per process (0: match in the event-loop thread). */
  matchThreads: z.coerce.number().int().min(0).max(64),
  /** Old-generation heap of each match thread (MB): an engine's live heap is ~0.3 GB; the cap makes V8 collect. */
  matchHeapMb: z.coerce.number().int().min(512).max(65_536),
  /** Admission (docs/operations.md): longest expected wait accepted for matching work (ms), and queued jobs at most. */
  matchQueueMs: z.coerce.number().int().min(100).max(600_000),
  matchQueueMax: z.coerce.number().int().min(1).max(100_000),
  /**
   * Feedback learned live (docs/lake.md "Feedback"): the memory is rebuilt with the lake's verdict-labelled offers at
   * start and at most once every so many seconds after new verdicts; 0 (FEEDBACK_REFRESH_SECONDS=off): not learned
   * before a restart with `feedback-export`'s file.
   */
  feedbackRefreshSeconds: z.coerce.number().min(0).max(86_400),
  /**
   * TRENDS_WHOLE_FACTOR=1: emerging phrases are also ranked by the whole-phrase factor (src/trends/ranking.ts), in the
   * analysis, the lake's worker and the backtest alike; off by default (docs/trends.md, session 26). "0" or unset: off.
   */
  trendsWholeFactor: z.enum(["0", "1"]).transform((v) => v === "1"),
  /** The passerelles ranker's model file (PASSERELLES_MODEL; unset or empty: models/passerelles.json; docs/passerelles.md). */
  passerellesModel: z.string().min(1).regex(JSON_FILE, "expected a .json model file"),
  /**
   * The word vectors the passerelles model's text similarities read (PASSERELLES_WORD_VECTORS): a manifest file,
   * "{version}" replaced by the referential's version; "none": none; unset or empty: the ones built at set-up in the
   * index folder for that version (src/passerelles/text-vectors.ts).
   */
  passerellesWordVectors: z
    .string()
    .refine((v) => v === "none" || JSON_FILE.test(v), 'expected a .json manifest or "none"')
    .optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

/** The passerelles settings alone, parsed by the same schema: what src/passerelles reads when no caller passes them. */
export type PasserellesConfig = Pick<Config, "passerellesModel" | "passerellesWordVectors">;
const PasserellesConfigSchema = ConfigSchema.pick({ passerellesModel: true, passerellesWordVectors: true });

function passerellesSettings(env: NodeJS.ProcessEnv) {
  return {
    passerellesModel: env.PASSERELLES_MODEL || DEFAULT_PASSERELLES_MODEL,
    passerellesWordVectors: env.PASSERELLES_WORD_VECTORS || undefined,
  };
}

/** PASSERELLES_MODEL and PASSERELLES_WORD_VECTORS, validated (throws on a bad value, as `loadConfig` does). */
export const passerellesConfigOf = (env: NodeJS.ProcessEnv = process.env): PasserellesConfig =>
  PasserellesConfigSchema.parse(passerellesSettings(env));

/** Where the built indexes live (INDEX_DIR, else `indexes/` in the repository): `Config.indexRoot`. */
export const indexRootOf = (env: NodeJS.ProcessEnv = process.env): string =>
  env.INDEX_DIR ?? path.join(REPO_ROOT, "indexes");

/**
 * Reads the documented environment variables (see README "Configuration").
 * Throws a readable error when the ROME folder or model folder cannot be found.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const romeDir = env.ROME_DIR ?? sharedDefault("rome/v460") ?? path.join(REPO_ROOT, "data", "rome");
  const modelDir =
    env.MODEL_DIR ?? sharedDefault("models/rome-fr-static-256") ?? path.join(REPO_ROOT, "models", "rome-fr-static-256");
  return ConfigSchema.parse({
    romeDir,
    modelDir,
    modelDtype: env.MODEL_DTYPE ?? "fp32",
    queryPrefix: env.EMBED_QUERY_PREFIX ?? "",
    passagePrefix: env.EMBED_PASSAGE_PREFIX ?? "",
    indexRoot: indexRootOf(env),
    port: env.PORT ?? 3000,
    host: env.HOST ?? "127.0.0.1",
    databaseUrl: env.DATABASE_URL || undefined,
    lakeDir: env.LAKE_DIR ?? path.join(REPO_ROOT, "data", "lake"),
    apiKeys: env.API_KEYS || undefined,
    cvRetentionDays: env.CV_RETENTION_DAYS ?? 365,
    workers: env.WORKERS ?? 1,
    // One engine per core but one, which the event-loop thread keeps for HTTP, JSON and the lake (/health never
    // waits behind matching); at least 1, at most 8: each thread loads its own engine (several hundred MB).
    matchThreads: env.MATCH_THREADS ?? Math.max(1, Math.min(os.availableParallelism() - 1, 8)),
    matchHeapMb: env.MATCH_HEAP_MB ?? 1_024,
    matchQueueMs: env.MATCH_QUEUE_MS ?? 3_000,
    matchQueueMax: env.MATCH_QUEUE_MAX ?? 256,
    feedbackRefreshSeconds: env.FEEDBACK_REFRESH_SECONDS === "off" ? 0 : (env.FEEDBACK_REFRESH_SECONDS ?? 30),
    // "none" (or an empty value) turns the memory off; the dev offers beside the checkout are the default. Several
    // files, comma-separated, make one memory (e.g. an export of the lake's feedback beside the coded offers).
    labelledOffers: labelledFiles(env.LABELLED_OFFERS),
    escoCrosswalk: optionalFile(env.ESCO_CROSSWALK, "rome/correspondences/FR_20230607_mapping_esco_rome.csv"),
    romeEarlier: earlierReferential(env),
    romeHistoricalUntil: historicalUntil(env),
    ficheClassifier: optionalModel(env.FICHE_CLASSIFIER, "models/fiche-classifier.json"),
    wordVectors: env.WORD_VECTORS === "none" ? undefined : env.WORD_VECTORS || undefined,
    wordVectorsBuilt: !env.WORD_VECTORS,
    paraphrases: optionalModel(env.PARAPHRASES, "models/paraphrases.json"),
    trendsWholeFactor: env.TRENDS_WHOLE_FACTOR || "0",
    ...passerellesSettings(env),
  });
}

/**
 * ROME_EARLIER: the referential in force before today's (default: v458 beside the checkout, the 1,056 fiches
 * before the split of June 2025); "none" turns it off. ROME_EARLIER_UNTIL: when its successor came into force.
 */
function earlierReferential(env: NodeJS.ProcessEnv): { dir: string; until: string } | undefined {
  const dir = optionalFile(env.ROME_EARLIER, "rome/v458");
  return dir ? { dir, until: env.ROME_EARLIER_UNTIL ?? "2025-06-01" } : undefined;
}

/**
 * ROME_HISTORICAL_UNTIL: until when France Travail coded offers with the 532 historical codes. ROME 4.0 came into
 * service on 20 March 2023 with them and published new fiches from a later release; the dev offers bracket that
 * release between December 2023 (the last offer with only historical codes) and March 2024 (the first child code).
 * Default 2024-01-01; "none" turns it off.
 */
function historicalUntil(env: NodeJS.ProcessEnv): string | undefined {
  const v = env.ROME_HISTORICAL_UNTIL;
  if (v === undefined) return "2024-01-01";
  return v === "none" || v === "" ? undefined : v;
}

/** An optional model file of the repository: unset → `file` when present; "none" or empty → none; else that path. */
function optionalModel(v: string | undefined, file: string): string | undefined {
  if (v === undefined) return repoFile(file);
  return v === "none" ? undefined : v || undefined;
}

/** An optional data file: unset → the shared default when present; "none" or empty → none. */
function optionalFile(v: string | undefined, shared: string): string | undefined {
  if (v === undefined) return sharedDefault(shared);
  return v === "none" ? undefined : v || undefined;
}

function labelledFiles(v: string | undefined): string[] | undefined {
  const files =
    optionalFile(v, "eval/offers-dev.jsonl")
      ?.split(",")
      .map((f) => f.trim())
      .filter(Boolean) ?? [];
  return files.length ? files : undefined;
}
