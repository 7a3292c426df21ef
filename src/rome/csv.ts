import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";

/** A referential that cannot be loaded whole: names the file and, when known, the line. */
export class RomeLoadError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    detail: string,
  ) {
    super(`ROME referential: ${path.basename(file)}${line !== null ? `, line ${line}` : ""}: ${detail}`);
    this.name = "RomeLoadError";
  }
}

/** Every column of the official export is a quoted string; empty means "not set". */
export const col = z.string();

/**
 * Parses one official CSV file (RFC 4180 quoting, line breaks inside fields, blank lines between records)
 * and validates every row, so a malformed file fails loudly instead of loading half a referential.
 */
export function readRomeCsv<S extends z.ZodObject>(dir: string, file: string, schema: S): z.infer<S>[] {
  const full = path.join(dir, file);
  if (!existsSync(full))
    throw new RomeLoadError(full, null, "file is missing (see scripts/fetch-rome.md to get the official export)");
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(readFileSync(full, "utf8"), {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      info: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new RomeLoadError(full, e.lines ?? null, `invalid CSV: ${e.message ?? String(err)}`);
  }
  if (records.length === 0) throw new RomeLoadError(full, null, "file has no records");
  return records.map(({ record, info }) => {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RomeLoadError(full, info.lines, `column "${issue?.path.join(".")}": ${issue?.message}`);
    }
    return parsed.data;
  });
}
