import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sha256 } from "../model-file.js";

export { sha256 };

/** One hash of a ROME export: its CSV files' hashes in name order (a model says which referential it was fitted on). */
export function romeDirHash(dir: string): string {
  return sha256(
    readdirSync(dir)
      .filter((f) => f.endsWith(".csv"))
      .sort()
      .map((f) => sha256(readFileSync(path.join(dir, f))))
      .join(""),
  );
}

/** What a fitted model records of its offers file: its name and hash. */
export const offersFileMeta = (file: string) => ({ file: path.basename(file), sha256: sha256(readFileSync(file)) });

/** What a fitted model records of the ROME export it was fitted with: the folder's name and `romeDirHash`. */
export const romeDirMeta = (dir: string) => ({ dir: path.basename(dir), sha256: romeDirHash(dir) });
