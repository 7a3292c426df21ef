/**
 * One small query interface over the two deployments, so every SQL statement of the lake runs unchanged on both:
 * - a PostgreSQL server through a `pg` Pool (DATABASE_URL),
 * - the embedded PGlite (WASM PostgreSQL, one backend session) with its pgvector extension, data in a folder.
 */
import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import pgvector from "pgvector";
import { LakeUnavailableError } from "./types.js";
import { lockLakeDir } from "./lock.js";
import { durableStartParams, treeFlusher, walFlusher } from "./durable.js";

export interface Queryable {
  query<R>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly backend: "postgres" | "pglite";
  /** BEGIN … COMMIT; ROLLBACK on any error (including a lost connection: the server rolls back itself). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * After an erasure: leaves no readable copy of deleted rows in the data folder (embedded lake: the tables are
   * rewritten and the WAL that held them removed). A server keeps its own WAL and backups: see docs/operations.md.
   */
  scrub(tables: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  databaseUrl?: string;
  lakeDir: string;
  /** Optional schema (created if missing) put first on the search_path: isolates tests and benchmarks. */
  schema?: string;
  poolSize?: number;
  /** Session settings (GUCs) of every connection, e.g. pgvector's hnsw.ef_search. */
  settings?: Record<string, string>;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDb(o: DbOptions): Promise<Db> {
  if (o.schema !== undefined && !SCHEMA_RE.test(o.schema)) throw new Error(`invalid lake schema name "${o.schema}"`);
  const settings = o.settings ?? {};
  for (const [k, v] of Object.entries(settings))
    if (!/^[a-z_.]+$/.test(k) || !/^[\w.]+$/.test(v)) throw new Error(`invalid setting ${k}=${v}`);
  return o.databaseUrl
    ? openPostgres(o.databaseUrl, o.schema, o.poolSize ?? 8, settings)
    : openPglite(o.lakeDir, o.schema, settings);
}

async function openPostgres(
  url: string,
  schema: string | undefined,
  max: number,
  settings: Record<string, string>,
): Promise<Db> {
  // Startup options: set once per connection, no extra round trip per query (works before the extension is loaded).
  const options = [
    ...(schema ? [`-c search_path=${schema},public`] : []),
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(" ");
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    ...(options ? { options } : {}),
  });
  // Without a listener, an idle client whose server goes away would crash the process.
  pool.on("error", () => undefined);
  const wrap = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      throw asUnavailable(e);
    }
  };
  if (schema) await wrap(pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`));
  const query: Db["query"] = async <R>(sql: string, params?: readonly unknown[]) => {
    const r = await wrap(pool.query(sql, params as unknown[] | undefined));
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  };
  return {
    backend: "postgres",
    query,
    exec: async (sql: string) => {
      await wrap(pool.query(sql));
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await wrap(pool.connect());
      let broken: unknown;
      // A checked-out client reports a dropped connection as an 'error' event: without a listener the process dies.
      const onError = (e: Error) => (broken = e);
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const tx: Queryable = {
          query: async <R>(sql: string, params?: readonly unknown[]) => {
            const r = await client.query(sql, params as unknown[] | undefined);
            return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
          },
          exec: async (sql: string) => {
            await client.query(sql);
          },
        };
        const out = await fn(tx);
        await client.query("COMMIT");
        return out;
      } catch (e) {
        if (isConnectionError(e)) broken = e;
        else await client.query("ROLLBACK").catch((re: unknown) => (broken = re));
        throw asUnavailable(e);
      } finally {
        // A client whose connection broke is destroyed instead of going back to the pool.
        client.off("error", onError);
        client.release(broken instanceof Error ? broken : broken ? true : undefined);
      }
    },
    scrub: async () => undefined,
    close: () => pool.end(),
  };
}

async function openPglite(dir: string, schema: string | undefined, settings: Record<string, string>): Promise<Db> {
  // Imported lazily: the WASM module is only loaded when the embedded store is used.
  const [{ PGlite }, { vector }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-pgvector"),
  ]);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = lockLakeDir(dir);
  let db: InstanceType<typeof PGlite>;
  // Made before the open: a new lake's files (initdb) count as changed, flushed at the first checkpoint flush.
  const flushTree = treeFlusher(dir);
  try {
    // WAL segments removed instead of recycled (renamed with their old contents kept): see scrub.
    const defaults = (PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams;
    const startParams = [...durableStartParams(defaults), "-c", "wal_recycle=off"];
    db = await PGlite.create(dir, { extensions: { vector }, startParams });
    // PGlite has one session: the superuser can create the extension, and the search_path set here stays.
    await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
    if (schema) await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path = ${schema}, public`);
    for (const [k, v] of Object.entries(settings)) await db.exec(`SET ${k} = '${v}'`);
    privateModes(dir);
  } catch (e) {
    release();
    throw e;
  }
  // Before a write is acknowledged, the WAL that logged it is on the disk (see durable.ts).
  const flushWal = walFlusher(dir);
  const reads = (sql: string) => /^\s*SELECT\b/i.test(sql);
  return {
    backend: "pglite",
    async query<R>(sql: string, params?: readonly unknown[]) {
      const r = await db.query<R>(sql, params ? [...params] : undefined);
      if (!reads(sql)) flushWal();
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await db.exec(sql);
      if (!reads(sql)) flushWal();
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const out = await db.transaction(async (t) =>
        fn({
          query: async <R>(sql: string, params?: readonly unknown[]) => {
            const r = await t.query<R>(sql, params ? [...params] : undefined);
            return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
          },
          exec: async (sql: string) => {
            await t.exec(sql);
          },
        }),
      );
      flushWal();
      return out;
    },
    async scrub(tables: readonly string[]) {
      // VACUUM FULL writes live rows to new files and unlinks the old ones: a plain VACUUM leaves deleted bytes in
      // the page's free space. Then the WAL that logged the rows is switched out and, at the checkpoint, removed.
      for (const t of tables) if (!/^[a-z_]+$/.test(t)) throw new Error(`invalid table ${t}`);
      // A rewrite of a large lake may take longer than the statement timeout of ordinary work.
      await db.exec("SET statement_timeout = 0");
      try {
        await db.exec(`VACUUM FULL ${tables.join(", ")}`);
        await db.exec("CHECKPOINT");
        await db.query("SELECT pg_switch_wal()");
        await db.exec("CHECKPOINT");
        flushTree();
      } finally {
        await db.exec(`SET statement_timeout = '${settings.statement_timeout ?? "0"}'`);
      }
    },
    async close() {
      try {
        await db.close();
        privateModes(dir);
        flushTree();
      } finally {
        release();
      }
    },
  };
}

/**
 * PGlite's file system layer creates every file 0666 whatever the umask: the lake holds CVs, so the folder becomes
 * 0700 and its files 0600 at open and at close (files made in between are inside the 0700 folder).
 */
export function privateModes(dir: string): void {
  chmodSync(dir, 0o700);
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    if (e.isDirectory()) chmodSync(p, 0o700);
    else if (e.isFile()) chmodSync(p, 0o600);
  }
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** True for errors that mean "the database is not reachable right now" rather than "this statement is wrong". */
export function isConnectionError(e: unknown): boolean {
  if (e instanceof LakeUnavailableError) return true;
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return true;
  return /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|not queryable|Cannot use a pool after calling end|PGlite is clos(?:ed|ing)/i.test(
    e.message,
  );
}

function asUnavailable(e: unknown): unknown {
  return isConnectionError(e) && !(e instanceof LakeUnavailableError)
    ? new LakeUnavailableError(`lake database unavailable: ${(e as Error).message}`)
    : e;
}

/** pgvector's text form, '[x,y,…]', for a `$n::vector` parameter (same on both backends). */
export function vectorParam(v: Float32Array | null): string | null {
  return v ? (pgvector.toSql(Array.from(v)) as string) : null;
}

export function parseVector(s: string | null): Float32Array | null {
  return s === null ? null : Float32Array.from(pgvector.fromSql(s) as number[]);
}
