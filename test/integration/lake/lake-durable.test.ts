import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "../../../src/lake/db.js";
import { durableStartParams } from "../../../src/lake/durable.js";

describe("embedded lake durability", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lake-durable-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("drops PGlite's fsync-off flag and asks for fsync and synchronous commits", () => {
    const params = durableStartParams(["--single", "-F", "-O", "-c", "search_path=public"]);
    expect(params).not.toContain("-F");
    expect(params.join(" ")).toContain("-c fsync=on -c synchronous_commit=on");
    expect(params).toContain("--single");
  });

  it("runs with fsync on, and a committed write survives a reopen", { timeout: 120_000 }, async () => {
    const lakeDir = path.join(dir, "lake");
    const db = await openDb({ lakeDir });
    try {
      expect((await db.query<{ fsync: string }>("SHOW fsync")).rows[0]!.fsync).toBe("on");
      const commit = await db.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
      expect(commit.rows[0]!.synchronous_commit).toBe("on");
      await db.exec("CREATE TABLE t (x int)");
      await db.transaction(async (tx) => void (await tx.query("INSERT INTO t VALUES ($1)", [42])));
    } finally {
      await db.close();
    }
    const again = await openDb({ lakeDir });
    try {
      expect((await again.query<{ x: number }>("SELECT x FROM t")).rows).toEqual([{ x: 42 }]);
    } finally {
      await again.close();
    }
  });
});
