import { z } from "zod";

/**
 * One document as the trend analysis reads it: the lake's own shape (src/lake/types.ts), so the analysis runs
 * the same on the lake, on a JSONL file or on synthetic data.
 */
import type { TrendDocument } from "../lake/index.js";
export type { TrendDocument };

/**
 * A document with `statedPhrases`, those of its phrases said in a statement that also names a ROME item (the lake
 * keeps them too, migration 5); without them the ranking is neutral on that count.
 */
export type StatedTrendDocument = TrendDocument;

/** A source of documents that can be read more than once (the analysis makes two passes). */
export type TrendDocumentSource = () => AsyncIterable<TrendDocument> | Iterable<TrendDocument>;

export type PeriodUnit = "week" | "month";

/** Documented defaults (README "Emerging compétences"). */
export const TREND_DEFAULTS = {
  period: "month" as PeriodUnit,
  /** A phrase must occur in at least this many documents in the window… */
  minSupport: 20,
  /** …coming from at least this many distinct sources, so that no output rests on one publisher or person. */
  minSources: 2,
  /** …and in at least this many documents of the recent part, so a "rise" is not 2 → 3. */
  minRecentSupport: 10,
  /** Benjamini–Hochberg false-discovery rate on the one-sided growth test. */
  alpha: 0.01,
  /** Minimal lower confidence bound on the recent/baseline rate ratio. */
  minRateRatio: 1.5,
  stratify: true,
  limit: 20,
  maxLimit: 200,
  /** Evidence snippets per phrase (offers only) and their maximal length in characters. */
  snippets: 3,
  snippetChars: 220,
  /** Any count listed in a phrase's context (métiers, co-occurring compétences) must reach this. */
  minCellCount: 3,
} as const;

export const TrendQuerySchema = z
  .object({
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    /** Start of the "recent" part; default: the middle period of the window. */
    split: z.coerce.date().optional(),
    metier: z
      .string()
      .regex(/^[A-Za-z][0-9]{4}$/, "metier must be a ROME code such as M1805")
      .transform((s) => s.toUpperCase())
      .optional(),
    period: z.enum(["week", "month"]).default(TREND_DEFAULTS.period),
    limit: z.coerce.number().int().min(1).max(TREND_DEFAULTS.maxLimit).default(TREND_DEFAULTS.limit),
    minSupport: z.coerce.number().int().min(5).max(1_000_000).default(TREND_DEFAULTS.minSupport),
    minSources: z.coerce.number().int().min(1).max(1000).default(TREND_DEFAULTS.minSources),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: "from must be before to", path: ["from"] })
  .refine((q) => !q.split || ((!q.from || q.from < q.split) && (!q.to || q.split < q.to)), {
    message: "split must lie strictly inside [from, to)",
    path: ["split"],
  });
export type TrendQuery = z.infer<typeof TrendQuerySchema>;

export interface TrendOptions {
  from?: Date;
  to?: Date;
  split?: Date;
  metier?: string;
  period: PeriodUnit;
  limit: number;
  minSupport: number;
  minSources: number;
  minRecentSupport: number;
  alpha: number;
  minRateRatio: number;
  /** Compare within domaines professionnels (Mantel–Haenszel) rather than overall; default true. */
  stratify: boolean;
}

export function trendOptions(q: Partial<TrendOptions> = {}): TrendOptions {
  return {
    period: q.period ?? TREND_DEFAULTS.period,
    limit: q.limit ?? TREND_DEFAULTS.limit,
    minSupport: q.minSupport ?? TREND_DEFAULTS.minSupport,
    minSources: q.minSources ?? TREND_DEFAULTS.minSources,
    minRecentSupport: q.minRecentSupport ?? TREND_DEFAULTS.minRecentSupport,
    alpha: q.alpha ?? TREND_DEFAULTS.alpha,
    minRateRatio: q.minRateRatio ?? TREND_DEFAULTS.minRateRatio,
    stratify: q.stratify ?? TREND_DEFAULTS.stratify,
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.split ? { split: q.split } : {}),
    ...(q.metier ? { metier: q.metier } : {}),
  };
}

/** Figures of one phrase or item between the baseline and the recent part of the window. */
export interface GrowthFigures {
  /** Documents containing it: total, baseline, recent. */
  support: number;
  baseline: number;
  recent: number;
  /** Share of documents containing it in each part. */
  baselineShare: number;
  recentShare: number;
  /** Recent/baseline rate ratio (Mantel–Haenszel across domaines when stratified, else 0.5-smoothed) and its one-sided lower (rising) or upper (falling) confidence bound. */
  rateRatio: number;
  rateRatioBound: number;
  /** log2 of the bound: the ranking score (0 = no evidence of change). */
  growthScore: number;
  pValue: number;
  /** Benjamini–Hochberg adjusted p-value over every phrase tested in this run. */
  qValue: number;
  sources: number;
}

/** How widely a phrase is used: the salience part of the detector's score (src/trends/detector.ts). */
export interface Salience {
  /** log2(effectiveDomaines × effectiveSources). */
  score: number;
  domaines: number;
  /** exp(entropy) of its documents across domaines professionnels, and of its per-source shares across sources. */
  effectiveDomaines: number;
  effectiveSources: number;
  /** Flagged for a significant rise within sources, for being widespread, or both. */
  rising: boolean;
  widespread: boolean;
}

export interface SeriesPoint {
  period: string;
  documents: number;
  count: number;
  share: number;
}

export interface Attachment {
  macroCompetence: { code: string; libelle: string; codeArbo: string; score: number } | null;
  competences: { code: string; libelle: string; kind: "competence" | "savoir"; similarity: number }[];
  /** "vector": nearest labels by embedding; "cooccurrence": the phrase's words are unknown to the model, MC from co-occurring compétences. */
  attachedBy: "vector" | "cooccurrence" | "none";
  /** Highest cosine to any ROME compétence/savoir label (coverage check). */
  nearestSimilarity: number;
}

export interface EmergingPhrase {
  key: string;
  label: string;
  variants: string[];
  /** The ranking score: termhood × (salience.score + figures.growthScore) × stated × whole (ranking.ts rankScore). */
  score: number;
  /** Within-source growth: each source split at its own median date, compared within (source, domaine). */
  figures: GrowthFigures;
  salience: Salience;
  series: SeriesPoint[];
  attachment: Attachment;
  metiers: { code: string; libelle: string; documents: number }[];
  cooccurring: { code: string; libelle: string; documents: number; lift: number }[];
  /** Short excerpts from offers (never CVs). */
  evidence: { documentId: string; date: string; snippet: string }[];
}

export interface ItemTrend {
  code: string;
  libelle: string;
  kind: "competence" | "savoir" | "other";
  figures: GrowthFigures;
}

export interface TrendReport {
  status: "ok" | "nothing-to-compare" | "no-documents";
  message: string | null;
  window: { from: string | null; to: string | null; split: string | null; period: PeriodUnit };
  documents: { total: number; baseline: number; recent: number; offers: number; cvs: number; sources: number };
  periods: { period: string; documents: number }[];
  settings: Omit<TrendOptions, "from" | "to" | "split">;
  tested: number;
  emerging: EmergingPhrase[];
  items: { rising: ItemTrend[]; falling: ItemTrend[] };
}
