/** Reading a phrase's per-period series, whatever shape the service gives it (pure). */
import type { SeriesPoint } from "./chart.js";

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * The share of documents per period: from `series` as a list of {period, share | count/documents}, or an object
 * holding such a list (`points`, `share`, `periods`…). Periods with no documents are kept at 0 so the time axis stays
 * regular. Empty when nothing usable is there.
 */
export function shareSeries(series: unknown): SeriesPoint[] {
  const list = Array.isArray(series) ? series : findList(series);
  const out: SeriesPoint[] = [];
  for (const p of list ?? []) {
    if (!p || typeof p !== "object") continue;
    const o = p as Record<string, unknown>;
    const period = typeof o.period === "string" ? o.period : typeof o.label === "string" ? o.label : null;
    if (!period) continue;
    const share = num(o.share) ?? num(o.rate);
    const count = num(o.count);
    const docs = num(o.documents) ?? num(o.total);
    out.push({ period, value: share ?? (count !== null && docs ? count / docs : 0) });
  }
  return out;
}

function findList(v: unknown): unknown[] | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  for (const k of ["points", "share", "shares", "periods", "values", "data"])
    if (Array.isArray(o[k])) return o[k] as unknown[];
  return null;
}

export const TREND_STATUS: Record<string, string> = {
  ok: "",
  "nothing-to-compare":
    "La fenêtre ne couvre qu'une période : il n'y a rien à comparer. Élargissez-la ou choisissez des semaines.",
  "no-documents": "Le lac ne contient aucun document dans cette fenêtre.",
};
