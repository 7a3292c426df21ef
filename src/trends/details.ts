/**
 * What the report shows of its final phrases beyond counts (surface forms, métiers, co-occurring items, offer
 * snippets, chart series): read from documents here, or from the lake by the API's provider.
 */
import { candidatePhrases, segment } from "../text/index.js";
import type { CountCell } from "./cells.js";
import {
  TREND_DEFAULTS,
  type EmergingPhrase,
  type SeriesPoint,
  type TrendDocument,
  type TrendDocumentSource,
  type TrendOptions,
} from "./types.js";
import { round } from "../numbers.js";

/** Surface-form samples per phrase: enough to pick the usual wording without segmenting every offer. */
const SURFACE_SAMPLES = 12;

export function inWindow(d: TrendDocument, o: TrendOptions): boolean {
  const t = d.documentDate.getTime();
  if (Number.isNaN(t)) return false;
  if (o.from && t < o.from.getTime()) return false;
  if (o.to && t >= o.to.getTime()) return false;
  if (o.metier && !d.metiers.includes(o.metier)) return false;
  return true;
}

/** What the report shows of its final phrases beyond counts: read from documents or from the lake. */
export interface PhraseDetails {
  metiers: Map<string, Map<string, number>>;
  cooc: Map<string, Map<string, number>>;
  surfaces: Map<string, Map<string, number>>;
  evidence: Map<string, { documentId: string; date: string; snippet: string; source: string }[]>;
  /** Per-period cells of the asked phrases, when the counts did not carry them (the SQL path). */
  series?: ReadonlyMap<string, readonly CountCell[]>;
  /** Documents with the phrase that carry at least one compétence (the denominator of the lift). */
  withItems: Map<string, number>;
}

/** Details of the final phrases from a second pass over the documents (JSONL files, tests, small lakes). */
export async function detailsFromDocuments(
  source: TrendDocumentSource,
  o: TrendOptions,
  keys: Set<string>,
  recentFrom: number,
): Promise<PhraseDetails> {
  const sp: PhraseDetails = {
    metiers: new Map(),
    cooc: new Map(),
    surfaces: new Map(),
    evidence: new Map(),
    withItems: new Map(),
  };
  const inc = (m: Map<string, Map<string, number>>, k: string, v: string) => {
    let inner = m.get(k);
    if (!inner) m.set(k, (inner = new Map()));
    inner.set(v, (inner.get(v) ?? 0) + 1);
  };
  for await (const d of source()) {
    if (!inWindow(d, o)) continue;
    let present: string[] | null = null;
    for (const k of d.phrases) if (keys.has(k)) (present ??= []).includes(k) || present.push(k);
    if (!present) continue;
    let units: ReturnType<typeof segment> | null = null;
    for (const k of present) {
      for (const m of new Set(d.metiers)) inc(sp.metiers, k, m);
      const items = new Set(d.competences);
      if (items.size > 0) sp.withItems.set(k, (sp.withItems.get(k) ?? 0) + 1);
      for (const c of items) inc(sp.cooc, k, c);
      // Evidence and surface forms come from offers only: a CV's words are never shown.
      if (d.kind !== "offer" || !d.text) continue;
      const samples = sp.surfaces.get(k);
      const ev = sp.evidence.get(k) ?? [];
      const wantEvidence =
        d.documentDate.getTime() >= recentFrom &&
        ev.length < 20 &&
        !ev.some((e) => e.source === d.source && ev.length < 2);
      const wantSurface = !samples || [...samples.values()].reduce((a, b) => a + b, 0) < SURFACE_SAMPLES;
      if (!wantEvidence && !wantSurface) continue;
      units ??= segment(d.text);
      for (const u of units) {
        const hit = candidatePhrases(u).find((p) => p.key === k);
        if (!hit) continue;
        if (wantSurface) inc(sp.surfaces, k, hit.text);
        if (wantEvidence) {
          ev.push({
            documentId: d.id,
            date: d.documentDate.toISOString().slice(0, 10),
            snippet: snippetAround(d.text, u.start, u.end, hit.start, hit.end),
            source: d.source,
          });
          sp.evidence.set(k, ev);
        }
        break;
      }
    }
  }
  return sp;
}

/** The unit around a hit, cut to the documented length and centred on the phrase. */
export function snippetAround(
  text: string,
  uStart: number,
  uEnd: number,
  hStart: number,
  hEnd: number,
  max: number = TREND_DEFAULTS.snippetChars,
): string {
  let s = uStart;
  let e = uEnd;
  if (e - s > max) {
    const room = Math.max(0, max - (hEnd - hStart));
    s = Math.max(uStart, hStart - Math.floor(room / 2));
    e = Math.min(uEnd, s + max);
  }
  const body = text.slice(s, e).replace(/\s+/g, " ").trim();
  return `${s > uStart ? "…" : ""}${body}${e < uEnd ? "…" : ""}`;
}

export function top<T>(m: Map<string, T> | undefined, by: (v: T) => number): [string, T][] {
  return m ? [...m].sort((a, b) => by(b[1]) - by(a[1])) : [];
}

/** Up to `snippets` excerpts, from distinct sources first, most recent first. */
export function pickEvidence(
  ev: { documentId: string; date: string; snippet: string; source: string }[],
): EmergingPhrase["evidence"] {
  const sorted = [...ev].sort((a, b) => (a.date < b.date ? 1 : -1));
  const out: typeof ev = [];
  const usedSources = new Set<string>();
  for (const e of sorted)
    if (out.length < TREND_DEFAULTS.snippets && !usedSources.has(e.source) && !out.some((o) => o.snippet === e.snippet))
      (out.push(e), usedSources.add(e.source));
  for (const e of sorted)
    if (out.length < TREND_DEFAULTS.snippets && !out.includes(e) && !out.some((o) => o.snippet === e.snippet))
      out.push(e);
  return out.map(({ documentId, date, snippet }) => ({ documentId, date, snippet }));
}

/** Documents with the phrase per period of the window, beside all documents: the chart series. */
export function seriesOf(
  cells: readonly CountCell[],
  sortedLabels: string[],
  periodDocs: ReadonlyMap<string, number>,
): SeriesPoint[] {
  const per = new Map<string, number>();
  for (const c of cells) per.set(c.period, (per.get(c.period) ?? 0) + c.documents);
  return sortedLabels.map((period) => {
    const documents = periodDocs.get(period) ?? 0;
    const count = per.get(period) ?? 0;
    return { period, documents, count, share: documents > 0 ? round(count / documents, 5) : 0 };
  });
}
