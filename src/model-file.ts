import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { z } from "zod";

/**
 * Reads a fitted model's JSON file and validates it against `schema`. A missing, unreadable or invalid file throws
 * an error that names the file and the fields at fault, so the engine stops at start with what to fix.
 */
export function readModelFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const r = schema.safeParse(json);
  if (!r.success)
    throw new Error(`${file}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
  return r.data;
}

/** Hex SHA-256 of a buffer or string: the data hashes a fitted model's metadata records. */
export const sha256 = (buf: Buffer | string): string => createHash("sha256").update(buf).digest("hex");
