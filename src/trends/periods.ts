import type { PeriodUnit } from "./types.js";

/** Period label of a date (UTC): "2025-03" for months, ISO week "2025-W09" for weeks. */
export function periodOf(d: Date, unit: PeriodUnit): string {
  // Four-digit years, so that every label parses back (periodStart) whatever the year.
  if (unit === "month")
    return `${String(d.getUTCFullYear()).padStart(4, "0")}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  // ISO 8601 week: the week with the year's first Thursday is week 1.
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${String(t.getUTCFullYear()).padStart(4, "0")}-W${String(week).padStart(2, "0")}`;
}

/** Start date (UTC) of a period label produced by `periodOf`. */
export function periodStart(label: string): Date {
  const w = /^(\d{4})-W(\d{2})$/.exec(label);
  if (w) {
    const jan4 = new Date(Date.UTC(Number(w[1]), 0, 4));
    const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * 86_400_000);
    return new Date(monday.getTime() + (Number(w[2]) - 1) * 7 * 86_400_000);
  }
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  if (!m) throw new Error(`not a period label: ${label}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}
