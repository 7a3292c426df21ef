import type { Referential } from "../rome/index.js";
import { candidatePhrases, segment } from "../text/index.js";
import { periodOf, periodStart } from "./periods.js";
import { benjaminiHochberg, compareRates, compareRatesStratified, type RateComparison, type Stratum } from "./stats.js";
import {
  TREND_DEFAULTS,
  type Attachment,
  type EmergingPhrase,
  type GrowthFigures,
  type ItemTrend,
  type SeriesPoint,
  type TrendDocument,
  type TrendDocumentSource,
  type TrendOptions,
  type TrendReport,
} from "./types.js";

/** Attaches phrases to ROME by vector (see attach.ts); optional so that the statistics run without a model. */
export interface PhraseAttacher {
  attach(labels: readonly string[], cooccurringCodes: readonly string[][]): Promise<AttachResult[]>;
}

/** An attachment plus the coverage verdict: the label that already says the phrase, if any. */
export type AttachResult = Attachment & { covered: boolean; coveredBy: { code: string; libelle: string } | null };

export interface TrendContext {
  referential?: Referential;
  attacher?: PhraseAttacher;
}

/** Statistical candidates carried into the second pass, per requested result (surface forms, vector check, merges). */
const CANDIDATE_FACTOR = 15;
const MAX_CANDIDATES = 600;
/** Surface-form samples per phrase: enough to pick the usual wording without segmenting every offer. */
const SURFACE_SAMPLES = 12;

interface Counter {
  ids: Map<string, number>;
  names: string[];
  total: number[];
  recentTotal: number[];
  /** Bit i set when source i (< 30) used the name; larger source indices go to `sourcePairs`. */
  sourceMask: number[];
  sourcePairs: Set<number>;
  /** (id * MAX_STRATA + stratum) * 2 + (recent ? 1 : 0) → count. */
  strataCells: Map<number, number>;
}
const MAX_STRATA = 1 << 12;
const MAX_PERIODS = 1 << 12;
const MAX_SOURCES = 1 << 16;
const MASK_SOURCES = 30;

function newCounter(): Counter {
  return { ids: new Map(), names: [], total: [], recentTotal: [], sourceMask: [], sourcePairs: new Set(), strataCells: new Map() };
}

/**
 * Counts one document for one name. Kept to two hash operations (name → id, stratum cell): at 100k documents
 * × ~100 phrases this loop is the analysis; per-period series are only built for the final candidates.
 */
function bump(c: Counter, name: string, source: number, stratum: number, isRecent: boolean): void {
  let id = c.ids.get(name);
  if (id === undefined) {
    id = c.names.length;
    c.ids.set(name, id);
    c.names.push(name);
    c.total.push(0);
    c.recentTotal.push(0);
    c.sourceMask.push(0);
  }
  c.total[id]!++;
  if (isRecent) c.recentTotal[id]!++;
  if (source < MASK_SOURCES) c.sourceMask[id]! |= 1 << source;
  else c.sourcePairs.add(id * MAX_SOURCES + Math.min(source, MAX_SOURCES - 1));
  const sc = (id * MAX_STRATA + stratum) * 2 + (isRecent ? 1 : 0);
  c.strataCells.set(sc, (c.strataCells.get(sc) ?? 0) + 1);
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}

/**
 * Stratum of a document for the stratified test: the domaine professionnel of its first métier (the ROME
 * code's first three characters, ~110 values: fine enough to absorb job-mix changes, coarse enough to keep
 * documents on both sides of the split).
 */
export function stratumOf(d: TrendDocument): string {
  return d.metiers[0]?.slice(0, 3).toUpperCase() ?? "?";
}

function inWindow(d: TrendDocument, o: TrendOptions): boolean {
  const t = d.documentDate.getTime();
  if (Number.isNaN(t)) return false;
  if (o.from && t < o.from.getTime()) return false;
  if (o.to && t >= o.to.getTime()) return false;
  if (o.metier && !d.metiers.includes(o.metier)) return false;
  return true;
}

interface FirstPass {
  periodLabels: string[];
  periodDocs: number[];
  strata: string[];
  /** stratum * 2 + (recent ? 1 : 0) → documents. */
  strataDocs: Map<number, number>;
  phrases: Counter;
  items: Counter;
  offers: number;
  cvs: number;
  docsWithItems: number;
  sources: string[];
}

/** Arrays from the lake are already unique; only pay for a Set when there is a duplicate. */
function dedupe(a: readonly string[]): readonly string[] {
  return a.length < 2 || new Set(a).size === a.length ? a : [...new Set(a)];
}

/** Period labels present in the window (a date-only pass, so the split is known before counting). */
async function periodPass(source: TrendDocumentSource, o: TrendOptions): Promise<string[]> {
  const labels = new Set<string>();
  for await (const d of source()) if (inWindow(d, o)) labels.add(periodOf(d.documentDate, o.period));
  return [...labels].sort();
}

async function firstPass(source: TrendDocumentSource, o: TrendOptions, split: Date | null): Promise<FirstPass> {
  const splitAt = split?.getTime() ?? Number.POSITIVE_INFINITY;
  const strataIdx = new Map<string, number>();
  const strata: string[] = [];
  const strataDocs = new Map<number, number>();
  const periodIdx = new Map<string, number>();
  const periodLabels: string[] = [];
  const periodDocs: number[] = [];
  const sourceIdx = new Map<string, number>();
  const sources: string[] = [];
  const phrases = newCounter();
  const items = newCounter();
  let offers = 0;
  let cvs = 0;
  let docsWithItems = 0;
  for await (const d of source()) {
    if (!inWindow(d, o)) continue;
    const label = periodOf(d.documentDate, o.period);
    let p = periodIdx.get(label);
    if (p === undefined) {
      p = periodLabels.length;
      if (p >= MAX_PERIODS) throw new Error(`more than ${MAX_PERIODS} periods in the window: narrow from/to or use months`);
      periodIdx.set(label, p);
      periodLabels.push(label);
      periodDocs.push(0);
    }
    periodDocs[p]!++;
    let s = sourceIdx.get(d.source);
    if (s === undefined) {
      s = sources.length;
      sourceIdx.set(d.source, s);
      sources.push(d.source);
    }
    if (d.kind === "offer") offers++;
    else cvs++;
    const stName = stratumOf(d);
    let st = strataIdx.get(stName);
    if (st === undefined) {
      st = Math.min(strata.length, MAX_STRATA - 1);
      strataIdx.set(stName, st);
      strata.push(stName);
    }
    // Side by period start, so that a period never straddles the split.
    const isRecent = periodStart(label).getTime() >= splitAt;
    strataDocs.set(st * 2 + (isRecent ? 1 : 0), (strataDocs.get(st * 2 + (isRecent ? 1 : 0)) ?? 0) + 1);
    // A document counts once per phrase / item, however often it repeats it.
    for (const k of dedupe(d.phrases)) bump(phrases, k, s, st, isRecent);
    for (const c of dedupe(d.competences)) bump(items, c, s, st, isRecent);
    if (d.competences.length > 0) docsWithItems++;
  }
  return { periodLabels, periodDocs, strata, strataDocs, phrases, items, offers, cvs, docsWithItems, sources };
}

/** Default split: the first period starting at or after the time midpoint of the window's periods. */
function chooseSplit(sortedLabels: string[], o: TrendOptions): Date | null {
  if (o.split) return o.split;
  if (sortedLabels.length < 2) return null;
  const first = periodStart(sortedLabels[0]!).getTime();
  const last = periodStart(sortedLabels[sortedLabels.length - 1]!).getTime();
  const mid = (first + last) / 2;
  const label = sortedLabels.find((l) => periodStart(l).getTime() >= mid && periodStart(l).getTime() > first);
  return label ? periodStart(label) : null;
}

interface Tested {
  id: number;
  name: string;
  figures: GrowthFigures;
}

/** Applies support, source and significance rules to every counted name, rising or falling. */
function test(c: Counter, fp: FirstPass, nb: number, nr: number, o: TrendOptions, direction: "up" | "down"): Tested[] {
  const extraSources = new Map<number, number>();
  for (const pair of c.sourcePairs) {
    const id = Math.floor(pair / MAX_SOURCES);
    extraSources.set(id, (extraSources.get(id) ?? 0) + 1);
  }
  const pending: { id: number; cb: number; cr: number; sources: number }[] = [];
  for (let id = 0; id < c.names.length; id++) {
    if (c.total[id]! < o.minSupport) continue;
    const sources = popcount(c.sourceMask[id]!) + (extraSources.get(id) ?? 0);
    if (sources < o.minSources) continue;
    const cr = c.recentTotal[id]!;
    pending.push({ id, cb: c.total[id]! - cr, cr, sources });
  }
  let compared: RateComparison[];
  if (o.stratify) {
    const wanted = new Map(pending.map((x, i) => [x.id, i]));
    const cells = pending.map(() => new Map<number, Stratum>());
    for (const [key, n] of c.strataCells) {
      const side = key % 2;
      const rest = (key - side) / 2;
      const id = Math.floor(rest / MAX_STRATA);
      const i = wanted.get(id);
      if (i === undefined) continue;
      const st = rest % MAX_STRATA;
      let cell = cells[i]!.get(st);
      if (!cell) cells[i]!.set(st, (cell = { x: 0, y: 0, n1: fp.strataDocs.get(st * 2 + 1) ?? 0, n0: fp.strataDocs.get(st * 2) ?? 0 }));
      if (side === 1) cell.x += n;
      else cell.y += n;
    }
    compared = cells.map((m) => compareRatesStratified([...m.values()], o.alpha, direction));
  } else compared = pending.map((x) => compareRates(x.cb, nb, x.cr, nr, o.alpha, direction));
  const q = benjaminiHochberg(compared.map((r) => r.pValue));
  return pending.map((x, i) => ({
    id: x.id,
    name: c.names[x.id]!,
    figures: {
      support: x.cb + x.cr,
      baseline: x.cb,
      recent: x.cr,
      baselineShare: x.cb / nb,
      recentShare: x.cr / nr,
      rateRatio: compared[i]!.rateRatio,
      rateRatioBound: compared[i]!.rateRatioBound,
      growthScore: compared[i]!.growthScore,
      pValue: compared[i]!.pValue,
      qValue: q[i]!,
      sources: x.sources,
    },
  }));
}

function significant(t: Tested, o: TrendOptions, direction: "up" | "down"): boolean {
  const f = t.figures;
  if (f.qValue > o.alpha) return false;
  if (direction === "up") return f.recent >= o.minRecentSupport && f.rateRatioBound >= o.minRateRatio;
  return f.baseline >= o.minRecentSupport && f.rateRatioBound <= 1 / o.minRateRatio;
}

/** True when the words of `short` appear contiguously, in order, inside `long`. */
export function containsPhrase(long: string, short: string): boolean {
  return ` ${long} `.includes(` ${short} `);
}

interface SecondPass {
  metiers: Map<string, Map<string, number>>;
  cooc: Map<string, Map<string, number>>;
  surfaces: Map<string, Map<string, number>>;
  evidence: Map<string, { documentId: string; date: string; snippet: string; source: string }[]>;
  /** Documents with the phrase that carry at least one compétence (the denominator of the lift). */
  withItems: Map<string, number>;
  /** Documents with the phrase per period label (the chart series). */
  perPeriod: Map<string, Map<string, number>>;
}

async function secondPass(source: TrendDocumentSource, o: TrendOptions, keys: Set<string>, recentFrom: number): Promise<SecondPass> {
  const sp: SecondPass = { metiers: new Map(), cooc: new Map(), surfaces: new Map(), evidence: new Map(), withItems: new Map(), perPeriod: new Map() };
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
    const period = periodOf(d.documentDate, o.period);
    let units: ReturnType<typeof segment> | null = null;
    for (const k of present) {
      inc(sp.perPeriod, k, period);
      for (const m of new Set(d.metiers)) inc(sp.metiers, k, m);
      const items = new Set(d.competences);
      if (items.size > 0) sp.withItems.set(k, (sp.withItems.get(k) ?? 0) + 1);
      for (const c of items) inc(sp.cooc, k, c);
      // Evidence and surface forms come from offers only: a CV's words are never shown.
      if (d.kind !== "offer" || !d.text) continue;
      const samples = sp.surfaces.get(k);
      const ev = sp.evidence.get(k) ?? [];
      const wantEvidence = d.documentDate.getTime() >= recentFrom && ev.length < 20 && !ev.some((e) => e.source === d.source && ev.length < 2);
      const wantSurface = !samples || [...samples.values()].reduce((a, b) => a + b, 0) < SURFACE_SAMPLES;
      if (!wantEvidence && !wantSurface) continue;
      units ??= segment(d.text);
      for (const u of units) {
        const hit = candidatePhrases(u).find((p) => p.key === k);
        if (!hit) continue;
        if (wantSurface) inc(sp.surfaces, k, hit.text);
        if (wantEvidence) {
          ev.push({ documentId: d.id, date: d.documentDate.toISOString().slice(0, 10), snippet: snippetAround(d.text, u.start, u.end, hit.start, hit.end), source: d.source });
          sp.evidence.set(k, ev);
        }
        break;
      }
    }
  }
  return sp;
}

/** The unit around a hit, cut to the documented length and centred on the phrase. */
export function snippetAround(text: string, uStart: number, uEnd: number, hStart: number, hEnd: number, max: number = TREND_DEFAULTS.snippetChars): string {
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

function top<T>(m: Map<string, T> | undefined, by: (v: T) => number): [string, T][] {
  return m ? [...m].sort((a, b) => by(b[1]) - by(a[1])) : [];
}

function itemKind(ref: Referential | undefined, code: string): ItemTrend["kind"] {
  const k = ref?.itemKind(code);
  return k === "competence" || k === "savoir" ? k : "other";
}

/**
 * Emerging uncovered phrases and moving ROME items over a window of documents.
 *  1. Count documents per period for every phrase and item (one pass, numbers only).
 *  2. Split the window into baseline and recent parts; test every name with enough support and sources
 *     for a rise (and items also for a fall); adjust for multiple testing.
 *  3. For the strongest candidates, a second pass gathers surface forms, métiers, co-occurring compétences
 *     and offer snippets; the attacher drops phrases a ROME label already says (vector + words) and places
 *     the others under the nearest macro-compétence; overlapping phrases are merged.
 * With fewer than two periods, or nothing on one side of the split, it reports "nothing-to-compare".
 */
export async function analyzeTrends(source: TrendDocumentSource, o: TrendOptions, ctx: TrendContext = {}): Promise<TrendReport> {
  const split = chooseSplit(await periodPass(source, o), o);
  const fp = await firstPass(source, o, split);
  const ref = ctx.referential;
  const order = fp.periodLabels.map((_, i) => i).sort((a, b) => (fp.periodLabels[a]! < fp.periodLabels[b]! ? -1 : 1));
  const sortedLabels = order.map((i) => fp.periodLabels[i]!);
  const recent = fp.periodLabels.map((l) => split !== null && periodStart(l).getTime() >= split.getTime());
  let nb = 0;
  let nr = 0;
  fp.periodDocs.forEach((n, p) => (recent[p] ? (nr += n) : (nb += n)));
  const total = nb + nr;
  const { from, to, split: _s, ...settings } = o;
  const base: TrendReport = {
    status: "ok",
    message: null,
    window: { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, split: split?.toISOString() ?? null, period: o.period },
    documents: { total, baseline: nb, recent: nr, offers: fp.offers, cvs: fp.cvs, sources: fp.sources.length },
    periods: order.map((p) => ({ period: fp.periodLabels[p]!, documents: fp.periodDocs[p]! })),
    settings,
    tested: 0,
    emerging: [],
    items: { rising: [], falling: [] },
  };
  if (total === 0) return { ...base, status: "no-documents", message: "No documents in the window." };
  if (sortedLabels.length < 2 || nb === 0 || nr === 0) {
    return {
      ...base,
      status: "nothing-to-compare",
      message: `Documents cover ${sortedLabels.length} ${o.period}(s) with ${nb} before and ${nr} after the split: a trend needs documents on both sides, so none is reported.`,
    };
  }

  const phraseTests = test(fp.phrases, fp, nb, nr, o, "up");
  const rising = phraseTests.filter((t) => significant(t, o, "up")).sort((a, b) => b.figures.growthScore - a.figures.growthScore || b.figures.support - a.figures.support);
  const candidates = rising.slice(0, Math.min(MAX_CANDIDATES, o.limit * CANDIDATE_FACTOR));

  const recentFrom = split!.getTime();
  const sp = await secondPass(source, o, new Set(candidates.map((c) => c.name)), recentFrom);
  const labelOf = (k: string) => top(sp.surfaces.get(k), (n) => n)[0]?.[0] ?? k;
  const coocCodes = (k: string) => top(sp.cooc.get(k), (n) => n).slice(0, 10).map(([code]) => code);
  const itemTotals = new Map<string, number>();
  fp.items.names.forEach((n, id) => itemTotals.set(n, fp.items.total[id]!));

  // Attach in ranked chunks: the vector scan costs a few ms per phrase, and most runs stop after the first chunk.
  const kept: { t: Tested; att: Attachment; variants: Set<string> }[] = [];
  const chunk = Math.max(20, o.limit * 2);
  for (let c0 = 0; c0 < candidates.length && kept.length < o.limit; c0 += chunk) {
    const part = candidates.slice(c0, c0 + chunk);
    const atts = ctx.attacher ? await ctx.attacher.attach(part.map((t) => labelOf(t.name)), part.map((t) => coocCodes(t.name))) : null;
    for (let i = 0; i < part.length && kept.length < o.limit; i++) {
      const t = part[i]!;
      const att = atts?.[i];
      if (att?.covered) continue;
      const host = kept.find((k) => containsPhrase(k.t.name, t.name) || containsPhrase(t.name, k.t.name));
      if (host) {
        host.variants.add(labelOf(t.name));
        continue;
      }
      const { covered: _c, coveredBy: _b, ...attachment } = att ?? { covered: false, coveredBy: null, macroCompetence: null, competences: [], attachedBy: "none" as const, nearestSimilarity: 0 };
      kept.push({ t, att: attachment, variants: new Set(top(sp.surfaces.get(t.name), (n) => n).map(([x]) => x)) });
    }
  }

  const emerging: EmergingPhrase[] = kept.map(({ t, att, variants }) => {
    const label = labelOf(t.name);
    variants.delete(label);
    const withItems = sp.withItems.get(t.name) ?? 0;
    return {
      key: t.name,
      label,
      variants: [...variants].slice(0, 8),
      figures: t.figures,
      series: seriesOf(sp.perPeriod.get(t.name), order, fp),
      attachment: att,
      metiers: top(sp.metiers.get(t.name), (n) => n)
        .filter(([, n]) => n >= TREND_DEFAULTS.minCellCount)
        .slice(0, 8)
        .map(([code, n]) => ({ code, libelle: ref?.fiche(code)?.libelle ?? code, documents: n })),
      cooccurring: top(sp.cooc.get(t.name), (n) => n)
        .filter(([, n]) => n >= TREND_DEFAULTS.minCellCount)
        .map(([code, n]) => ({ code, n, lift: withItems > 0 ? n / withItems / ((itemTotals.get(code) ?? 1) / Math.max(1, fp.docsWithItems)) : 0 }))
        .sort((a, b) => b.n * Math.log1p(b.lift) - a.n * Math.log1p(a.lift))
        .slice(0, 8)
        .map(({ code, n, lift }) => ({ code, libelle: ref?.itemLabel(code) ?? code, documents: n, lift: round(lift, 2) })),
      evidence: pickEvidence(sp.evidence.get(t.name) ?? []),
    };
  });

  const itemUp = test(fp.items, fp, nb, nr, o, "up").filter((t) => significant(t, o, "up"));
  const itemDown = test(fp.items, fp, nb, nr, o, "down").filter((t) => significant(t, o, "down"));
  const toItem = (t: Tested): ItemTrend => ({ code: t.name, libelle: ref?.itemLabel(t.name) ?? t.name, kind: itemKind(ref, t.name), figures: t.figures });
  const byScore = (a: Tested, b: Tested) => b.figures.growthScore - a.figures.growthScore;
  return {
    ...base,
    tested: phraseTests.length,
    emerging,
    items: { rising: itemUp.sort(byScore).map(toItem), falling: itemDown.sort(byScore).map(toItem) },
  };
}

/** Up to `snippets` excerpts, from distinct sources first, most recent first. */
function pickEvidence(ev: { documentId: string; date: string; snippet: string; source: string }[]): EmergingPhrase["evidence"] {
  const sorted = [...ev].sort((a, b) => (a.date < b.date ? 1 : -1));
  const out: typeof ev = [];
  const usedSources = new Set<string>();
  for (const e of sorted) if (out.length < TREND_DEFAULTS.snippets && !usedSources.has(e.source) && !out.some((o) => o.snippet === e.snippet)) (out.push(e), usedSources.add(e.source));
  for (const e of sorted) if (out.length < TREND_DEFAULTS.snippets && !out.includes(e) && !out.some((o) => o.snippet === e.snippet)) out.push(e);
  return out.map(({ documentId, date, snippet }) => ({ documentId, date, snippet }));
}

function seriesOf(counts: Map<string, number> | undefined, order: number[], fp: FirstPass): SeriesPoint[] {
  return order.map((p) => {
    const documents = fp.periodDocs[p]!;
    const count = counts?.get(fp.periodLabels[p]!) ?? 0;
    return { period: fp.periodLabels[p]!, documents, count, share: documents > 0 ? round(count / documents, 5) : 0 };
  });
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
