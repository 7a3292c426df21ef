/**
 * Durability of the embedded lake. PGlite starts PostgreSQL with fsync off (`-F`), and its file layer (Emscripten's
 * NODEFS) drops the fsync calls PostgreSQL makes anyway: a committed write reaches the operating system's cache,
 * which survives the process (kill -9) but not a power loss or a kernel crash. So the lake runs with fsync on and
 * flushes, from Node, the WAL files a write changed before the write is acknowledged, and every file after a
 * checkpoint (erasure, close).
 */
import { closeSync, fsyncSync, openSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** PGlite's start parameters without `-F` (fsync off), with fsync and synchronous commits on. */
export function durableStartParams(defaults: readonly string[]): string[] {
  return [...defaults.filter((p) => p !== "-F"), "-c", "fsync=on", "-c", "synchronous_commit=on"];
}

/** Flushes the WAL files of data folder `dir` written since the last flush (a read changes none: nothing to do). */
export function walFlusher(dir: string): () => void {
  const wal = path.join(dir, "pg_wal");
  let since = 0;
  return () => {
    const now = Date.now();
    for (const name of readdirSync(wal)) {
      const p = path.join(wal, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isFile() && st.mtimeMs >= since) fsyncPath(p);
    }
    // A write within the same millisecond as `now` is flushed again next time, never missed.
    since = now;
  };
}

/** Flushes every file and folder of `dir` to the disk (after a checkpoint: data files, then their folders). */
export function syncTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) fsyncPath(path.join(e.parentPath, e.name));
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isDirectory()) fsyncPath(path.join(e.parentPath, e.name));
  fsyncPath(dir);
}

function fsyncPath(p: string): void {
  let fd: number;
  try {
    fd = openSync(p, "r");
  } catch {
    return; // removed meanwhile (a recycled WAL segment): nothing to flush
  }
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
