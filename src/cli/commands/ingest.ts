/**
 * Lake commands: `ingest FILE.jsonl` (progress bar, resumable), `lake-purge`, `lake-delete`, `lake-stats`.
 * Resumable because ingest is idempotent and skips documents whose content hash is already stored (no embedding,
 * no matching): re-running after an interruption only does the remaining work. `--from N` skips N lines outright.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import cliProgress from "cli-progress";
import type { z } from "zod";
import { loadConfig } from "../../config.js";
import { openLake } from "../../ingest/index.js";
import {
  assertLakeFree,
  DocumentBody,
  LAKE_LIMITS,
  lineToBody,
  toInput,
  type BatchItemResult,
  type Lake,
} from "../../lake/index.js";
import { defineCommand, UsageError } from "../command.js";
import { MatchPool, pooled } from "../../match/index.js";
import { engineWithProgress } from "./core.js";
import { round } from "../../numbers.js";

const positiveInt = (v: string | undefined, def: number, max: number, what: string): number => {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`--${what} must be an integer between 0 and ${max}`);
  return n;
};

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file)) for (const b of chunk as Buffer) if (b === 10) n++;
  return n;
}

export const ingestCommand = defineCommand({
  name: "ingest",
  summary: "ingest a JSONL file of offers or CVs into the lake (idempotent, resumable)",
  usage:
    "ingest FILE.jsonl [--kind offer|cv] [--source S] [--store-text] [--batch N] [--from LINE] [--limit N] [--threads N] [--url URL --key KEY]",
  async run({ flags, positional }) {
    const file = positional[0];
    if (!file) throw new UsageError();
    if (!(await stat(file).catch(() => null))?.isFile()) throw new UsageError(`${file} is not a readable file`);
    const kindFlag = flags.get("kind");
    if (kindFlag !== undefined && kindFlag !== "offer" && kindFlag !== "cv")
      throw new UsageError("--kind must be offer or cv");
    const batchSize = Math.max(1, positiveInt(flags.get("batch"), 50, LAKE_LIMITS.maxBatch, "batch"));
    const from = positiveInt(flags.get("from"), 0, Number.MAX_SAFE_INTEGER, "from");
    const limit = positiveInt(flags.get("limit"), Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, "limit");
    const defaults = {
      kind: kindFlag as "offer" | "cv" | undefined,
      source: flags.get("source"),
      storeText: flags.has("store-text") ? true : undefined,
    };

    const config = loadConfig();
    const url = flags.get("url");
    // The key from the environment keeps it out of the process list (`ps`); --key for a one-off.
    const key = flags.get("key") ?? process.env.ROME_MATCH_API_KEY;
    if (url !== undefined && (!/^https?:\/\/[^\s]+$/.test(url) || !key || key === "true"))
      throw new UsageError("--url needs an http(s) URL and an ingest key (--key KEY or ROME_MATCH_API_KEY)");
    let sink: Sink;
    if (url) sink = remoteSink(url, key!);
    else {
      const threads = positiveInt(flags.get("threads"), config.matchThreads, 64, "threads");
      // Fails at once (before loading the engine) when a server or another ingest holds the embedded lake: see --url.
      if (!config.databaseUrl) assertLakeFree(config.lakeDir);
      const engine = await engineWithProgress();
      // With threads, documents are matched on several cores while this thread parses lines and writes to the lake.
      const pool = threads > 0 ? await MatchPool.start(config, threads) : null;
      let lake: Lake;
      try {
        lake = await openLake(config, pool ? pooled(engine, pool) : engine);
      } catch (e) {
        await pool?.close();
        throw e;
      }
      sink = {
        backend: lake.backend,
        write: (docs) => lake.ingestBatch(docs.map(toInput)),
        close: async () => (await lake.close(), await pool?.close()),
      };
    }
    const total = Math.min(Math.max(0, (await countLines(file)) - from), limit);
    const bar = new cliProgress.SingleBar(
      {
        format:
          "  ingest [{bar}] {value}/{total} | {rate} docs/s | new {created} upd {updated} same {unchanged} bad {invalid} err {errors}",
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 200,
      },
      cliProgress.Presets.shades_classic,
    );
    const counts = { created: 0, updated: 0, unchanged: 0, invalid: 0, errors: 0 };
    const problems: string[] = [];
    const t0 = performance.now();
    let done = 0;
    bar.start(total, 0, { ...counts, rate: "0" });
    const flush = async (batch: { line: number; doc: DocumentBody }[]) => {
      if (batch.length === 0) return;
      const res = await sink.write(batch.map((b) => b.doc));
      res.forEach((r, i) => {
        if (r.status === "error") {
          counts.errors++;
          if (problems.length < 10) problems.push(`line ${batch[i]!.line}: ${r.error?.code}: ${r.error?.message}`);
        } else counts[r.status]++;
      });
      done += batch.length;
      bar.update(done, { ...counts, rate: (done / ((performance.now() - t0) / 1000)).toFixed(1) });
    };
    let code = 0;
    try {
      const rl = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
      let line = 0;
      let batch: { line: number; doc: DocumentBody }[] = [];
      let inflight: Promise<void> = Promise.resolve();
      for await (const raw of rl) {
        line++;
        if (line <= from) continue;
        if (line > from + limit) break;
        if (raw.trim() === "") {
          done++;
          continue;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = null;
        }
        const body =
          parsed && typeof parsed === "object" && !Array.isArray(parsed)
            ? DocumentBody.safeParse(lineToBody(parsed as Record<string, unknown>, defaults))
            : null;
        if (!body?.success) {
          counts.invalid++;
          done++;
          if (problems.length < 10)
            problems.push(
              `line ${line}: ${body ? body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : "not a JSON object"}`,
            );
          continue;
        }
        batch.push({ line, doc: body.data });
        if (batch.length >= batchSize) {
          // Two batches in flight: this one is matched while the previous one is written.
          const next = flush(batch);
          next.catch(() => {}); // awaited below or at the next batch; not an unhandled rejection meanwhile
          await inflight;
          inflight = next;
          batch = [];
        }
      }
      await inflight;
      await flush(batch);
    } catch (e) {
      // Everything flushed before the failure is committed: re-run the same command to resume.
      problems.push(`stopped: ${(e as Error).message} (re-run the same command to resume)`);
      code = 1;
    } finally {
      bar.stop();
      await sink.close();
    }
    for (const p of problems) console.error(`  ${p}`);
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      JSON.stringify({
        file,
        backend: sink.backend,
        lines: done,
        ...counts,
        seconds: round(seconds, 1),
        docsPerSecond: round(done / seconds, 1),
      }),
    );
    return code || (counts.errors > 0 ? 1 : 0);
  },
});

type DocumentBody = z.infer<typeof DocumentBody>;

/** Where `ingest` writes: the lake opened here, or a running server's POST /v1/documents/batch. */
interface Sink {
  backend: string;
  write(docs: DocumentBody[]): Promise<BatchItemResult[]>;
  close(): Promise<void>;
}

/**
 * Ingest through a running server (the embedded lake allows one process: the server's). Busy answers (429, 503
 * with Retry-After) are retried after the delay they ask for; any other non-2xx stops the run (re-run to resume).
 */
export function remoteSink(url: string, key: string, fetchFn: typeof fetch = fetch): Sink {
  const endpoint = new URL("/v1/documents/batch", url).toString();
  return {
    backend: `server ${new URL(url).origin}`,
    async write(docs) {
      for (let attempt = 1; ; attempt++) {
        const headers = { "content-type": "application/json", "x-api-key": key };
        const res = await fetchFn(endpoint, { method: "POST", headers, body: JSON.stringify({ documents: docs }) });
        const body = (await res.json().catch(() => null)) as {
          items?: BatchItemResult[];
          error?: { message?: string };
        } | null;
        if (res.ok && body?.items) return body.items;
        const retryAfter = Number(res.headers.get("retry-after"));
        if ((res.status === 429 || res.status === 503) && attempt < 10) {
          const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 60) : attempt;
          await new Promise((r) => setTimeout(r, 1000 * seconds));
          continue;
        }
        throw new Error(`server answered ${res.status}: ${body?.error?.message ?? res.statusText}`);
      }
    },
    close: async () => undefined,
  };
}

/** Runs `fn` on the lake opened without the engine (administrative commands need no model), then closes it. */
export async function withAdminLake<T>(fn: (lake: Lake) => Promise<T>): Promise<T> {
  const lake = await openLake(loadConfig(), undefined, { retentionSweepMs: 0 });
  try {
    return await fn(lake);
  } finally {
    await lake.close();
  }
}

export const lakePurgeCommand = defineCommand({
  name: "lake-purge",
  summary: "delete CVs not updated for CV_RETENTION_DAYS (or --days N) days",
  usage: "lake-purge [--days N]",
  async run({ flags }) {
    const config = loadConfig();
    const days = positiveInt(flags.get("days"), config.cvRetentionDays, 36_500, "days");
    const deleted = await withAdminLake((lake) => lake.purgeExpiredCvs(days));
    console.log(JSON.stringify({ deleted, days }));
  },
});

export const lakeDeleteCommand = defineCommand({
  name: "lake-delete",
  summary: "erasure request: delete one document (--id) or a source's documents (--source [--external-id])",
  usage: "lake-delete --id UUID | --source S [--external-id X]",
  async run({ flags }) {
    const id = flags.get("id");
    const source = flags.get("source");
    if (!id === !source) throw new UsageError();
    if (id && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw new UsageError("--id must be a document UUID");
    const deleted = await withAdminLake(async (lake) =>
      id ? Number(await lake.delete(id)) : lake.deleteBySource(source!, flags.get("external-id")),
    );
    console.log(JSON.stringify({ deleted }));
  },
});

export const lakeStatsCommand = defineCommand({
  name: "lake-stats",
  summary: "document counts of the lake and the store in use",
  usage: "lake-stats",
  async run() {
    console.log(JSON.stringify(await withAdminLake((lake) => lake.stats())));
  },
});
