/**
 * One writer per embedded lake. PGlite runs PostgreSQL in this process with no shared buffers between processes:
 * a second process on the same folder writes over the first one's pages and WAL, and acknowledged documents are
 * lost. A lock file created exclusively (O_EXCL) in the folder names the holder; a second opener fails at once.
 * A lock whose process no longer runs on this host (kill -9, power loss) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

export const LOCK_FILE = "rome-match.lock";

const Holder = z.object({
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
  command: z.string().optional(),
});
export type LockHolder = z.infer<typeof Holder>;

export class LakeLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | null,
  ) {
    super(holder ? lockedBy(dir, holder) : unreadable(dir));
  }
}

const lockedBy = (dir: string, h: LockHolder): string =>
  `the embedded lake ${dir} is open in another process ` +
  `(pid ${h.pid} on ${h.host}, since ${h.startedAt}${h.command ? `: ${h.command}` : ""}); one process per LAKE_DIR: ` +
  "stop it, or send documents to the running server (`ingest FILE --url URL`), or use DATABASE_URL";
const unreadable = (dir: string): string =>
  `the embedded lake ${dir} is locked by ${path.join(dir, LOCK_FILE)}, whose holder is unreadable; ` +
  "remove the file if no process uses the lake";

/** The holder of a lock file; null when unreadable. */
export function readHolder(file: string): LockHolder | null {
  try {
    const r = Holder.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Throws LakeLockedError when a live process holds the folder's lock (a check before slow work; not a lock). */
export function assertLakeFree(dir: string): void {
  const holder = readHolder(path.join(path.resolve(dir), LOCK_FILE));
  if (holder && (holder.host !== os.hostname() || alive(holder.pid))) throw new LakeLockedError(dir, holder);
}

const held = new Set<string>();

/** Takes the lake folder's lock or throws LakeLockedError; returns the release function (idempotent). */
export function lockLakeDir(dir: string): () => void {
  const file = path.join(path.resolve(dir), LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(2, 4).join(" ") || undefined,
  };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = readHolder(file);
      // A holder that died on this host leaves its file: take it over (once; a race with another taker re-checks).
      const stale = holder !== null && holder.host === me.host && holder.pid !== process.pid && !alive(holder.pid);
      if (stale && attempt === 0) {
        rmSync(file, { force: true });
        continue;
      }
      throw new LakeLockedError(dir, holder);
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    held.add(file);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.delete(file);
      // Only our own lock: never remove one another process took over meanwhile.
      if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
    };
  }
}

// A process that exits without closing its lake (a crash, process.exit) leaves no lock behind.
process.once("exit", () => {
  for (const file of held) {
    try {
      if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
    } catch {
      // exiting anyway
    }
  }
});
