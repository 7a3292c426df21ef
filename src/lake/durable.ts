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

/**
 * A flusher of the whole data folder `dir` (after a checkpoint): the files changed since its last run (or since it
 * was made), then the folders that hold them. Unchanged files are skipped: a flush of each of the ~1,000 files of a
 * lake costs a disk cache flush each on some file systems.
 */
export function treeFlusher(dir: string): () => void {
  let since = Date.now();
  return () => {
    const now = Date.now();
    const folders = new Set<string>([dir]);
    for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const p = path.join(e.parentPath, e.name);
      if ((statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? -1) < since) continue;
      fsyncPath(p);
      folders.add(e.parentPath);
    }
    for (const f of folders) fsyncPath(f);
    since = now;
  };
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
