/**
 * Times (or explains) the lake's per-phrase trend sums alone on a kept benchmark schema:
 *   SCALE=1000000 KEEP_SCHEMA=bench_trends_1m DATABASE_URL=… npx tsx benchmarks/trends.ts   # fills it once
 *   KEEP_SCHEMA=bench_trends_1m DATABASE_URL=… npx tsx benchmarks/trends-sums.ts [explain]
 * Prints the plan with `explain`, then ONE JSON object on the last line.
 */
import pg from "pg";
import type { Db, Queryable } from "../src/lake/db.js";
import { readTrendCounts } from "../src/lake/trend-counts.js";
import { readTrendSums } from "../src/lake/trend-sums.js";
import { DETECTOR, sourceSplits } from "../src/trends/index.js";

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const schema = process.env.KEEP_SCHEMA;
  if (!url || !schema) throw new Error("needs DATABASE_URL and KEEP_SCHEMA (a schema filled by benchmarks/trends.ts)");
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema},public` });
  await c.connect();
  const explain = process.argv[2] === "explain";
  try {
    const t0 = performance.now();
    const plain: Queryable = {
      query: async <R>(sql: string, args?: readonly unknown[]) =>
        (await c.query(sql, args as unknown[])) as unknown as { rows: R[]; rowCount: number },
      exec: async (sql: string) => void (await c.query(sql)),
    };
    const counts = await readTrendCounts(plain, { minSupport: 20, minSources: 2, withPhrases: false });
    const countsMs = performance.now() - t0;
    // The lake's Db shape: PostgreSQL, statements of a transaction on this one client.
    const db: Queryable & Pick<Db, "backend" | "transaction"> = {
      backend: "postgres",
      async query<R>(sql: string, args?: readonly unknown[]) {
        if (!explain || sql.startsWith("SET")) return plain.query<R>(sql, args);
        const r = await c.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, args as unknown[]);
        process.stderr.write(`${r.rows.map((x) => x["QUERY PLAN"]).join("\n")}\n`);
        return { rows: [] as R[], rowCount: 0 };
      },
      exec: plain.exec,
      async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
        await c.query("BEGIN");
        try {
          const out = await fn(db);
          await c.query("COMMIT");
          return out;
        } catch (e) {
          await c.query("ROLLBACK");
          throw e;
        }
      },
    };
    const t1 = performance.now();
    const rows = await readTrendSums(db, {
      minSupport: 20,
      minSources: 2,
      splits: sourceSplits(counts.totals),
      sourcePrior: DETECTOR.sourcePrior,
    });
    const sumsMs = performance.now() - t1;
    console.log(
      JSON.stringify({
        benchmark: "trends-sums",
        schema,
        countsMs: Math.round(countsMs),
        sumsMs: Math.round(sumsMs),
        phrases: rows.length,
        explained: explain,
      }),
    );
  } finally {
    await c.end();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
