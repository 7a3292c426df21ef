/** Reading a phrase's per-period series, whatever shape the service gives it (pure). */
import type { SeriesPoint } from "./chart.js";

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * The share of documents per period, whatever shape the service gives: a list of {period, share | count/documents};
 * an object holding such a list (`points`, `periods`…); parallel lists (`periods` of labels beside `share`, or
 * `count` and `documents`); or bare numbers, labelled by the report's `periods`. Periods with no documents count as
 * 0 so the time axis stays regular. Empty when nothing usable is there.
 */
export function shareSeries(series: unknown, periods: readonly string[] = []): SeriesPoint[] {
  const parallel = parallelLists(series);
  if (parallel) return parallel;
  const list = Array.isArray(series) ? series : findList(series);
  const out: SeriesPoint[] = [];
  (list ?? []).forEach((p, i) => {
    if (typeof p === "number" && periods[i])
      return out.push({ period: periods[i]!, value: Number.isFinite(p) ? p : 0 });
    if (!p || typeof p !== "object") return;
    const o = p as Record<string, unknown>;
    const period = typeof o.period === "string" ? o.period : typeof o.label === "string" ? o.label : null;
    if (!period) return;
    const share = num(o.share) ?? num(o.rate);
    const count = num(o.count);
    const docs = num(o.documents) ?? num(o.total);
    out.push({ period, value: share ?? (count !== null && docs ? count / docs : 0) });
  });
  return out;
}

function findList(v: unknown): unknown[] | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  for (const k of ["points", "series", "periods", "values", "data"]) if (Array.isArray(o[k])) return o[k] as unknown[];
  return null;
}

/** `{ periods: ["2025-01", …], share: [0.1, …] }` or with `count` / `documents` lists instead of `share`. */
function parallelLists(v: unknown): SeriesPoint[] | null {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const labels =
    Array.isArray(o.periods) && o.periods.every((p) => typeof p === "string") ? (o.periods as string[]) : null;
  if (!labels) return null;
  const list = (k: string) =>
    Array.isArray(o[k]) && (o[k] as unknown[]).length === labels.length ? (o[k] as unknown[]) : null;
  const share = list("share") ?? list("shares");
  const count = list("count") ?? list("counts");
  const docs = list("documents");
  if (!share && !(count && docs)) return null;
  return labels.map((period, i) => {
    const c = num(count?.[i]);
    const d = num(docs?.[i]);
    return { period, value: num(share?.[i]) ?? (c !== null && d ? c / d : 0) };
  });
}

export const TREND_STATUS: Record<string, string> = {
  ok: "",
  "nothing-to-compare":
    "La fenêtre ne couvre qu'une période : il n'y a rien à comparer. Élargissez-la ou choisissez des semaines.",
  "no-documents": "Le lac ne contient aucun document dans cette fenêtre.",
};
