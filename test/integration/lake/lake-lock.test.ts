import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentRoutes } from "../../../src/api/routes/documents.js";
import { ingestCommand } from "../../../src/cli/commands/ingest.js";
import { openLake } from "../../../src/ingest/index.js";
import { LakeLockedError, type Lake } from "../../../src/lake/index.js";
import { LOCK_FILE } from "../../../src/lake/lock.js";
import { lakeContext, roleAuth, routesApp } from "../../api-helpers.js";
import { fakeEngine } from "../../lake-helpers.js";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const doc = (i: number) => ({ kind: "offer" as const, source: "t", externalId: `d${i}`, text: `java sql offre ${i}` });

/** Another process opening the same folder, as `serve` or `ingest` would. */
async function openInChild(dir: string): Promise<{ code: number; stderr: string }> {
  const script = `import { openLake } from ${JSON.stringify(path.join(ROOT, "src/ingest/index.ts"))};
    const lake = await openLake({ lakeDir: ${JSON.stringify(dir)}, cvRetentionDays: 0 }, undefined, { retentionSweepMs: 0 });
    await lake.close();`;
  const file = path.join(os.tmpdir(), `lake-lock-child-${process.pid}.mts`);
  writeFileSync(file, script);
  try {
    await run(TSX, [file], { cwd: ROOT, env: { ...process.env, DOTENV_CONFIG_QUIET: "true" } });
    return { code: 0, stderr: "" };
  } catch (e) {
    return { code: (e as { code: number }).code, stderr: (e as { stderr: string }).stderr };
  } finally {
    rmSync(file, { force: true });
  }
}

describe("one writer per embedded lake", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lake-lock-"));
  const config = { lakeDir: dir, cvRetentionDays: 0 };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a second process at once, naming the holder, and loses no acknowledged write", async () => {
    const lake = await openLake(config, fakeEngine(), { retentionSweepMs: 0 });
    const first = await lake.ingestBatch([1, 2, 3, 4, 5].map(doc));
    expect(first.map((r) => r.status)).toEqual(Array(5).fill("created"));
    const holder = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"));
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname() });

    const child = await openInChild(dir);
    expect(child.code).not.toBe(0);
    expect(child.stderr).toContain(`pid ${process.pid} on ${os.hostname()}`);
    expect(child.stderr).toMatch(/one process per LAKE_DIR/);
    // The same process opening it twice is refused too (two PGlite instances on one folder corrupt it alike).
    await expect(openLake(config, fakeEngine(), { retentionSweepMs: 0 })).rejects.toBeInstanceOf(LakeLockedError);

    const second = await lake.ingestBatch([6, 7, 8, 9, 10].map(doc));
    expect(second.every((r) => r.status === "created")).toBe(true);
    await lake.close();
    expect(readdirSync(dir)).not.toContain(LOCK_FILE);

    const again = await openLake(config, fakeEngine(), { retentionSweepMs: 0 });
    expect((await again.stats()).documents.offer).toBe(10);
    await again.close();
    // Released: another process may open it now.
    expect((await openInChild(dir)).code).toBe(0);
  }, 240_000);

  it("takes over the lock of a process that died without releasing it", async () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: dead, host: os.hostname(), startedAt: new Date().toISOString() }),
    );
    const lake = await openLake(config, fakeEngine(), { retentionSweepMs: 0 });
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    await lake.close();
  }, 120_000);

  it("refuses a lock held on another host (it cannot tell whether that process lives)", async () => {
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, host: "elsewhere.example", startedAt: "2026-01-01T00:00:00Z" }),
    );
    await expect(openLake(config, fakeEngine(), { retentionSweepMs: 0 })).rejects.toThrow(
      /pid 1 on elsewhere\.example/,
    );
    rmSync(path.join(dir, LOCK_FILE));
  });

  it("keeps the lake private: folder 0700, files 0600", async () => {
    const lake = await openLake(config, fakeEngine(), { retentionSweepMs: 0 });
    await lake.ingest({ kind: "cv", source: "t", externalId: "cv1", text: "java sql", storeText: true });
    await lake.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) expect(statSync(path.join(f.parentPath, f.name)).mode & 0o777).toBe(0o600);
    for (const d of readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isDirectory())) {
      expect(statSync(path.join(d.parentPath, d.name)).mode & 0o777).toBe(0o700);
    }
  }, 120_000);
});

describe("ingest --url posts to a running server instead of opening the folder", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lake-url-"));
  const KEY = "ingest-key-0123456789";
  let lake: Lake;
  let server: Server;
  let url = "";
  beforeAll(async () => {
    lake = await openLake({ lakeDir: dir, cvRetentionDays: 0 }, fakeEngine(), { retentionSweepMs: 0 });
    const app = routesApp(documentRoutes(lakeContext(fakeEngine(), lake, { auth: roleAuth({ ingest: KEY }) })));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 180_000);
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await lake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes every line through the server's lake, while that server holds the folder", async () => {
    const file = path.join(dir, "..", `lake-url-${process.pid}.jsonl`);
    writeFileSync(
      file,
      [...[1, 2, 3].map((i) => JSON.stringify(doc(i))), "not json", JSON.stringify(doc(4))].join("\n") + "\n",
    );
    const prev = process.env.LAKE_DIR;
    process.env.LAKE_DIR = dir;
    try {
      expect(await ingestCommand.run([file, "--url", url, "--key", KEY, "--batch", "2"])).toBe(0);
      // Without --url the same command is refused at once: the server holds the folder.
      await expect(ingestCommand.run([file])).rejects.toThrow(/open in another process/);
      expect(await ingestCommand.run([file, "--url", url])).toBe(2); // no key
    } finally {
      if (prev === undefined) delete process.env.LAKE_DIR;
      else process.env.LAKE_DIR = prev;
      rmSync(file, { force: true });
    }
    expect((await lake.stats()).documents.offer).toBe(4);
  }, 120_000);

  it("stops on a refused key instead of reporting success", async () => {
    const file = path.join(os.tmpdir(), `lake-url-bad-${process.pid}.jsonl`);
    writeFileSync(file, JSON.stringify(doc(9)) + "\n");
    try {
      expect(await ingestCommand.run([file, "--url", url, "--key", "wrong-key-0123456789"])).toBe(1);
    } finally {
      rmSync(file, { force: true });
    }
    expect((await lake.stats()).documents.offer).toBe(4);
  });
});
