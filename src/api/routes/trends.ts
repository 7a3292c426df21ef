/**
 * Emerging compétences over the lake (analyst role): aggregates only, each phrase backed by a minimum number
 * of documents from several sources; evidence snippets come from offers, never from CVs.
 *   GET /v1/trends/emerging   ranked phrases with figures, chart-ready series and where they would attach in ROME
 *   GET /v1/trends/proposal   one phrase as a ROME evolution proposal (JSON)
 */
import { z } from "zod";
import { CodedError } from "../../errors.js";
import type { AppContext } from "../context.js";
import { isoDate } from "../../lake/index.js";
import { defineRoute, routes } from "../route.js";
import {
  analyzeTrends,
  buildProposal,
  createPhraseAttacher,
  trendOptions,
  TrendQuerySchema,
  type PhraseAttacher,
  type TrendDocumentSource,
  type TrendQuery,
  type TrendReport,
} from "../../trends/index.js";
import type { Lake } from "../../lake/index.js";
import { TrendAnalyses } from "../trends-analyses.js";

const Figures = z.object({
  support: z.number(),
  baseline: z.number(),
  recent: z.number(),
  baselineShare: z.number(),
  recentShare: z.number(),
  rateRatio: z.number(),
  rateRatioBound: z.number(),
  growthScore: z.number(),
  pValue: z.number(),
  qValue: z.number(),
  sources: z.number(),
});
const Series = z.array(z.object({ period: z.string(), documents: z.number(), count: z.number(), share: z.number() }));
const Attachment = z.object({
  macroCompetence: z
    .object({ code: z.string(), libelle: z.string(), codeArbo: z.string(), score: z.number() })
    .nullable(),
  competences: z.array(
    z.object({ code: z.string(), libelle: z.string(), kind: z.enum(["competence", "savoir"]), similarity: z.number() }),
  ),
  attachedBy: z.enum(["vector", "cooccurrence", "none"]),
  nearestSimilarity: z.number(),
});
const Salience = z.object({
  score: z.number().describe("log2(effectiveDomaines × effectiveSources)"),
  domaines: z.number(),
  effectiveDomaines: z.number().describe("exp(entropy) of the phrase's documents across domaines professionnels"),
  effectiveSources: z.number().describe("exp(entropy) of its per-source shares across sources"),
  rising: z.boolean().describe("significant rise within sources (figures)"),
  widespread: z.boolean().describe("used across domaines and sources"),
});
const Emerging = z.object({
  key: z.string(),
  label: z.string(),
  variants: z.array(z.string()),
  score: z
    .number()
    .describe(
      "ranking score: termhood × (salience.score + figures.growthScore) × (1 + share of its documents that state it beside a ROME item) / 2, as the backtest ranks (rising phrases come first)",
    ),
  figures: Figures.describe(
    "within-source growth: each source split at its own median date, halves compared within (source, domaine)",
  ),
  salience: Salience,
  series: Series.describe("chart-ready: documents with the phrase per period beside all documents of the period"),
  attachment: Attachment,
  metiers: z.array(z.object({ code: z.string(), libelle: z.string(), documents: z.number() })),
  cooccurring: z.array(z.object({ code: z.string(), libelle: z.string(), documents: z.number(), lift: z.number() })),
  evidence: z.array(z.object({ documentId: z.string(), date: z.string(), snippet: z.string() })),
});
const Item = z.object({
  code: z.string(),
  libelle: z.string(),
  kind: z.enum(["competence", "savoir", "other"]),
  figures: Figures,
});
export const TrendReportResponse = z.object({
  status: z.enum(["ok", "nothing-to-compare", "no-documents"]),
  message: z.string().nullable(),
  window: z.object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    split: z.string().nullable(),
    period: z.enum(["week", "month"]),
  }),
  documents: z.object({
    total: z.number(),
    baseline: z.number(),
    recent: z.number(),
    offers: z.number(),
    cvs: z.number(),
    sources: z.number(),
  }),
  periods: z.array(z.object({ period: z.string(), documents: z.number() })),
  settings: z.record(z.string(), z.unknown()),
  tested: z.number(),
  emerging: z.array(Emerging),
  items: z.object({ rising: z.array(Item), falling: z.array(Item) }),
  analysis: z
    .object({
      computedAt: z.string().describe("when this analysis was computed (served until refreshed)"),
      ageSeconds: z.number(),
    })
    .optional()
    .describe("present when served from the lake's stored analyses"),
});
/**
 * The query as sent (strings; dates checked as ISO dates in the lake's range, "1" is not 2001-01-01, the same rule
 * as every route), then read by the trends' own schema (defaults, numbers, window checks).
 */
const QueryParams = z
  .object({
    from: isoDate.optional().describe("ISO date, inclusive (default: the lake's first document)"),
    to: isoDate.optional().describe("ISO date, exclusive"),
    split: isoDate.optional().describe("start of the recent part (default: the period at the window's time midpoint)"),
    metier: z.string().optional().describe("ROME code: only documents matched to it"),
    period: z.string().optional().describe("week or month, default month"),
    limit: z.string().optional().describe("1–200, default 20"),
    minSupport: z.string().optional().describe("documents, ≥ 5, default 20"),
    minSources: z.string().optional().describe("distinct sources, default 2"),
  })
  .strict();
// The trends' schema coerces from unknown; zod types a pipe's target by the source's output (strings here).
const fromParams = <T, I>(s: z.ZodType<T>) => s as unknown as z.ZodType<T, I>;
const EmergingQuery = QueryParams.pipe(fromParams<TrendQuery, z.output<typeof QueryParams>>(TrendQuerySchema));
const ProposalParams = QueryParams.extend({
  phrase: z.string().describe("label or stemmed key from /v1/trends/emerging"),
});
const ProposalQuery = ProposalParams.pipe(
  fromParams<TrendQuery & { phrase: string }, z.output<typeof ProposalParams>>(
    TrendQuerySchema.and(z.object({ phrase: z.string().trim().min(1, "phrase must not be empty").max(200) })),
  ),
);
const ProposalResponse = z.object({
  type: z.literal("rome-evolution-proposal"),
  romeVersion: z.string(),
  generatedAt: z.string(),
  proposal: z.record(z.string(), z.unknown()),
  evidence: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
});

/** The lake part this module needs (structural, so tests can pass an in-memory one). */
interface TrendsLake {
  trendDocuments(filter?: {
    from?: Date;
    to?: Date;
    metier?: string;
  }): AsyncIterable<import("../../trends/index.js").TrendDocument>;
}

type Served = TrendReport & { analysis?: { computedAt: string; ageSeconds: number } };

/** Per service: the label embeddings for attachment (a few seconds, built on the first request) and the analyses. */
const state = new WeakMap<AppContext, { attacher: Promise<PhraseAttacher> | null; analyses: TrendAnalyses | null }>();

async function run(ctx: AppContext, q: TrendQuery): Promise<Served> {
  const ref = ctx.engine.referential;
  let st = state.get(ctx);
  if (!st) state.set(ctx, (st = { attacher: null, analyses: null }));
  const lake = ctx.lake as (TrendsLake & Partial<Lake>) | undefined;
  if (!lake)
    throw new CodedError(
      "lake_unavailable",
      "trends read the document lake, and this service runs without one (set DATABASE_URL or LAKE_DIR and start with the lake)",
    );
  if (q.metier && !ref.fiche(q.metier))
    throw new CodedError("not_found", `métier ${q.metier} does not exist in this ROME version`);
  // A real lake keeps aggregates and stored analyses: requests are served from them (trends-analyses.ts). A lake
  // with documents only (tests) is analysed in process.
  if (typeof lake.trendCounts === "function") {
    st.analyses ??= new TrendAnalyses(lake as Lake, ctx.config);
    const a = await st.analyses.get(q);
    return {
      ...a.report,
      analysis: {
        computedAt: a.computedAt.toISOString(),
        ageSeconds: Math.round((Date.now() - a.computedAt.getTime()) / 1000),
      },
    };
  }
  const s = st;
  const attacher = (s.attacher ??= createPhraseAttacher(ref, ctx.engine.embedder).catch(
    (e: unknown) => ((s.attacher = null), Promise.reject(e)),
  ));
  const source: TrendDocumentSource = () =>
    lake.trendDocuments({
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(q.metier ? { metier: q.metier } : {}),
    });
  return analyzeTrends(source, trendOptions(q), {
    referential: ref,
    attacher: await attacher,
    wholeFactor: ctx.config.trendsWholeFactor,
  });
}

export const trendsRoutes = routes(
  defineRoute(
    {
      method: "get",
      path: "/v1/trends/emerging",
      summary: "Phrases the market uses that ROME does not say yet, rising over time (aggregates with minimum support)",
      tags: ["trends"],
      roles: ["analyst"],
      lake: true,
      query: EmergingQuery,
      responses: { 200: TrendReportResponse },
      errors: ["not_found"],
    },
    ({ query }, ctx) => run(ctx, query),
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/trends/proposal",
      summary:
        "Export one emerging phrase as a ROME evolution proposal (add compétence X under MC Y to fiches Z, with evidence counts)",
      tags: ["trends"],
      roles: ["analyst"],
      lake: true,
      query: ProposalQuery,
      responses: { 200: ProposalResponse },
      errors: ["not_found"],
    },
    async ({ query: q }, ctx) => {
      const report = await run(ctx, { ...q, limit: 200 });
      const p = buildProposal(report, q.phrase, ctx.engine.referential);
      if (!p)
        throw new CodedError(
          "not_found",
          `"${q.phrase}" is not an emerging phrase in this window (status: ${report.status})`,
        );
      return p;
    },
  ),
);
