import type { Referential } from "../rome/index.js";
import { countCells, domaineOf, type CellCounts } from "./cells.js";
import { detailsFromDocuments, inWindow, pickEvidence, seriesOf, top, type PhraseDetails } from "./details.js";
import {
  byDetectorRank,
  detectEmerging,
  signalsFromSums,
  strataOf,
  type PhraseSignal,
  type PhraseSums,
} from "./detector.js";
import { testItems, type TestedItem } from "./items.js";
import { periodOf, periodStart } from "./periods.js";
import { rankScore, statedShare, termhoodOf, wholeShare } from "./ranking.js";
import { createLexicalCoverage } from "./backtest.js";
import { nestedFragments, praiseOnly, proseVocabulary, sameFinding, termLike } from "./terms.js";
import {
  TREND_DEFAULTS,
  type Attachment,
  type EmergingPhrase,
  type GrowthFigures,
  type Salience,
  type ItemTrend,
  type TrendDocument,
  type TrendDocumentSource,
  type TrendOptions,
  type TrendReport,
} from "./types.js";
import { round } from "../numbers.js";

/** Attaches phrases to ROME by vector (see attach.ts); optional so that the statistics run without a model. */
export interface PhraseAttacher {
  attach(labels: readonly string[], cooccurringCodes: readonly string[][]): Promise<AttachResult[]>;
}

/** An attachment plus the coverage verdict: the label that already says the phrase, if any. */
export type AttachResult = Attachment & { covered: boolean; coveredBy: { code: string; libelle: string } | null };

export interface TrendContext {
  referential?: Referential;
  attacher?: PhraseAttacher;
  /** The whole-phrase factor in the order (config `trendsWholeFactor`, ranking.ts `wholeShare`); off when unset. */
  wholeFactor?: boolean;
}

/** Statistical candidates carried into the details step, per requested result (surface forms, vector check, merges). */
const CANDIDATE_FACTOR = 15;
const MAX_CANDIDATES = 600;

/**
 * Stratum of a document for the items' test: the domaine professionnel of its first métier (the ROME code's
 * first three characters, ~110 values: fine enough to absorb job-mix changes, coarse enough to keep documents
 * on both sides of the split).
 */
export function stratumOf(d: TrendDocument): string {
  return domaineOf(d.metiers);
}

/**
 * Aggregated counts of a window: documents per (period, domaine, source) cell in total, for every phrase with
 * enough support and for every ROME item. The lake keeps them up to date in SQL (src/lake/trend-counts.ts);
 * countCells builds the same from documents.
 */
export interface TrendCounts extends CellCounts {
  /**
   * The detector's per-phrase sums when computed in SQL (then `phrases` may be empty and the final phrases'
   * series come with their details).
   */
  sums?: readonly PhraseSums[];
}

/** Default split (items and the report's window): the first period starting at or after the time midpoint. */
function chooseSplit(sortedLabels: string[], o: TrendOptions): Date | null {
  if (o.split) return o.split;
  if (sortedLabels.length < 2) return null;
  const first = periodStart(sortedLabels[0]!).getTime();
  const last = periodStart(sortedLabels[sortedLabels.length - 1]!).getTime();
  const mid = (first + last) / 2;
  const label = sortedLabels.find((l) => periodStart(l).getTime() >= mid && periodStart(l).getTime() > first);
  return label ? periodStart(label) : null;
}

function itemKind(ref: Referential | undefined, code: string): ItemTrend["kind"] {
  const k = ref?.itemKind(code);
  return k === "competence" || k === "savoir" ? k : "other";
}

/**
 * Emerging uncovered phrases and moving ROME items over a window of documents: counts them per (period,
 * domaine, source) cell, then runs analyzeCounts with details from a second pass over the same documents.
 */
export async function analyzeTrends(
  source: TrendDocumentSource,
  o: TrendOptions,
  ctx: TrendContext = {},
): Promise<TrendReport> {
  const inside: TrendDocument[] = [];
  for await (const d of source()) if (inWindow(d, o)) inside.push(d);
  const counts = countCells(inside, o.period, o.minSupport);
  return analyzeCounts(counts, (keys, recentFrom) => detailsFromDocuments(() => inside, o, keys, recentFrom), o, ctx);
}

export type DetailsProvider = (keys: Set<string>, recentFrom: number) => Promise<PhraseDetails>;

/**
 * The analysis over aggregated counts (src/trends/detector.ts for the phrases' scores):
 *  1. score every phrase with enough support and sources: within-source trend + salience; keep the flagged;
 *  2. for the best candidates, read details (surface forms, métiers, co-occurring compétences, offer snippets);
 *     the attacher drops phrases a ROME label already says and places the others under the nearest
 *     macro-compétence; overlapping phrases are merged;
 *  3. ROME items rising or falling between the two parts of the window.
 * With fewer than two periods it reports "nothing-to-compare".
 */
export async function analyzeCounts(
  counts: TrendCounts,
  details: DetailsProvider,
  o: TrendOptions,
  ctx: TrendContext = {},
): Promise<TrendReport> {
  const ref = ctx.referential;
  const periodDocs = new Map<string, number>();
  for (const c of counts.totals) periodDocs.set(c.period, (periodDocs.get(c.period) ?? 0) + c.documents);
  const sortedLabels = [...periodDocs.keys()].sort();
  const split = chooseSplit(sortedLabels, o);
  const splitLabel = split ? periodOf(split, o.period) : null;
  let nb = 0;
  let nr = 0;
  for (const [l, n] of periodDocs)
    if (split !== null && periodStart(l).getTime() >= split.getTime()) nr += n;
    else nb += n;
  const total = nb + nr;
  const { from, to, split: _s, ...settings } = o;
  const base: TrendReport = {
    status: "ok",
    message: null,
    window: {
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      split: split?.toISOString() ?? null,
      period: o.period,
    },
    documents: { total, baseline: nb, recent: nr, offers: counts.offers, cvs: counts.cvs, sources: counts.sources },
    periods: sortedLabels.map((period) => ({ period, documents: periodDocs.get(period)! })),
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

  let signals: PhraseSignal[];
  if (counts.sums) {
    const st = strataOf(counts.totals);
    signals = signalsFromSums(counts.sums, st.baselineDocuments, st.recentDocuments, o);
  } else signals = detectEmerging(counts.phrases, counts.totals, o);
  // Terms only (terms.ts): a fragment of a longer supported phrase is that phrase said shorter.
  const fragments = nestedFragments(new Map(signals.map((s) => [s.key, s.support])));
  const ranked = signals.filter((s) => s.flagged && !fragments.has(s.key)).sort(byDetectorRank);
  const candidates = ranked.slice(0, Math.min(MAX_CANDIDATES, o.limit * CANDIDATE_FACTOR));
  const sp = await details(new Set(candidates.map((c) => c.key)), split!.getTime());
  const labelOf = (k: string) => top(sp.surfaces.get(k), (n) => n)[0]?.[0] ?? k;
  const coocCodes = (k: string) =>
    top(sp.cooc.get(k), (n) => n)
      .slice(0, 10)
      .map(([code]) => code);
  const itemTotals = new Map<string, number>();
  for (const [code, cells] of counts.items)
    itemTotals.set(
      code,
      cells.reduce((a, c) => a + c.documents, 0),
    );
  const docsWithItems = Math.max(1, counts.documentsWithItems);

  // Every candidate is attached (the vector scan is a fraction of a millisecond a phrase), then ranked by
  // termhood × (salience + trend) × stated × whole (ranking.ts): the final order needs each one's nearest-label similarity.
  const atts: (AttachResult | undefined)[] = [];
  for (let c0 = 0; ctx.attacher && c0 < candidates.length; c0 += 200) {
    const part = candidates.slice(c0, c0 + 200);
    atts.push(
      ...(await ctx.attacher.attach(
        part.map((t) => labelOf(t.key)),
        part.map((t) => coocCodes(t.key)),
      )),
    );
  }
  // With sums (the lake's SQL), each phrase's stated and whole counts come with its sums; from cells, with the counts.
  const stated = counts.sums?.every((x) => x.stated !== undefined)
    ? new Map(counts.sums.map((x) => [x.key, x.stated!]))
    : counts.stated;
  const whole = counts.sums?.every((x) => x.whole !== undefined)
    ? new Map(counts.sums.map((x) => [x.key, x.whole!]))
    : counts.whole;
  const order = candidates
    .map((s, i) => ({
      s: {
        ...s,
        score: ctx.attacher
          ? rankScore(
              s,
              termhoodOf(atts[i]?.nearestSimilarity),
              statedShare(stated, s),
              wholeShare(whole, s, ctx.wholeFactor ?? false),
            )
          : s.score,
      },
      att: atts[i],
    }))
    .sort((a, b) => byDetectorRank(a.s, b.s));
  const vocabulary = ref ? proseVocabulary(ref) : new Set<string>();
  const said = ref ? wordTestOf(ref) : () => null;
  const kept: { s: PhraseSignal; att: Attachment; variants: Set<string> }[] = [];
  for (let i = 0; i < order.length && kept.length < o.limit; i++) {
    const { s, att } = order[i]!;
    // A single word of the general language is no term (terms.ts); a covered phrase is already said by ROME.
    if (att?.covered || !termLike(s.key, labelOf(s.key), vocabulary) || praiseOnly(s.key, said)) continue;
    const host = kept.find((k) => sameFinding(k.s.key, s.key));
    if (host) {
      host.variants.add(labelOf(s.key));
      continue;
    }
    const {
      covered: _c,
      coveredBy: _b,
      ...attachment
    } = att ?? {
      covered: false,
      coveredBy: null,
      macroCompetence: null,
      competences: [],
      attachedBy: "none" as const,
      nearestSimilarity: 0,
    };
    kept.push({ s, att: attachment, variants: new Set(top(sp.surfaces.get(s.key), (n) => n).map(([x]) => x)) });
  }

  const emerging: EmergingPhrase[] = kept.map(({ s, att, variants }) => {
    const label = labelOf(s.key);
    variants.delete(label);
    const withItems = sp.withItems.get(s.key) ?? 0;
    return {
      key: s.key,
      label,
      variants: [...variants].slice(0, 8),
      score: s.score,
      figures: figuresOf(s),
      salience: salienceOf(s),
      series: seriesOf(sp.series?.get(s.key) ?? counts.phrases.get(s.key) ?? [], sortedLabels, periodDocs),
      attachment: att,
      metiers: top(sp.metiers.get(s.key), (n) => n)
        .filter(([, n]) => n >= TREND_DEFAULTS.minCellCount)
        .slice(0, 8)
        .map(([code, n]) => ({ code, libelle: ref?.fiche(code)?.libelle ?? code, documents: n })),
      cooccurring: top(sp.cooc.get(s.key), (n) => n)
        .filter(([, n]) => n >= TREND_DEFAULTS.minCellCount)
        .map(([code, n]) => ({
          code,
          n,
          lift: withItems > 0 ? n / withItems / ((itemTotals.get(code) ?? 1) / docsWithItems) : 0,
        }))
        .sort((a, b) => b.n * Math.log1p(b.lift) - a.n * Math.log1p(a.lift))
        .slice(0, 8)
        .map(({ code, n, lift }) => ({
          code,
          libelle: ref?.itemLabel(code) ?? code,
          documents: n,
          lift: round(lift, 2),
        })),
      evidence: pickEvidence(sp.evidence.get(s.key) ?? []),
    };
  });

  const toItem = (t: TestedItem): ItemTrend => ({
    code: t.name,
    libelle: ref?.itemLabel(t.name) ?? t.name,
    kind: itemKind(ref, t.name),
    figures: t.figures,
  });
  const byScore = (a: TestedItem, b: TestedItem) => b.figures.growthScore - a.figures.growthScore;
  return {
    ...base,
    tested: signals.length,
    emerging,
    items: {
      rising: testItems(counts.items, counts.totals, splitLabel!, o, "up").sort(byScore).map(toItem),
      falling: testItems(counts.items, counts.totals, splitLabel!, o, "down").sort(byScore).map(toItem),
    },
  };
}

const wordTests = new WeakMap<Referential, (key: string) => unknown>();
/** The engine's word test of a referential, built once (its postings cover every label). */
function wordTestOf(ref: Referential): (key: string) => unknown {
  let t = wordTests.get(ref);
  if (!t) wordTests.set(ref, (t = createLexicalCoverage(ref)));
  return t;
}

function figuresOf(s: PhraseSignal): GrowthFigures {
  return {
    support: s.support,
    baseline: s.baseline,
    recent: s.recent,
    baselineShare: s.baselineDocuments > 0 ? s.baseline / s.baselineDocuments : 0,
    recentShare: s.recentDocuments > 0 ? s.recent / s.recentDocuments : 0,
    rateRatio: s.rateRatio,
    rateRatioBound: s.rateRatioBound,
    growthScore: s.trendScore,
    pValue: s.pValue,
    qValue: s.qValue,
    sources: s.sources,
  };
}

function salienceOf(s: PhraseSignal): Salience {
  return {
    score: s.salience,
    domaines: s.domaines,
    effectiveDomaines: s.effectiveDomaines,
    effectiveSources: s.effectiveSources,
    rising: s.rising,
    widespread: s.widespread,
  };
}
