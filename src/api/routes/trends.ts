/**
 * Emerging compétences over the lake (analyst role): aggregates only, each phrase backed by a minimum number
 * of documents from several sources; evidence snippets come from offers, never from CVs.
 *   GET /v1/trends/emerging   ranked phrases with figures, chart-ready series and where they would attach in ROME
 *   GET /v1/trends/proposal   one phrase as a ROME evolution proposal (JSON)
 */
import { Router } from "express";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { HttpError, parseOr400 } from "../errors.js";
import { lakeHandler } from "../lake.js";
import { isoDate } from "../../lake/index.js";
import { describeRoute } from "../openapi.js";
import { analyzeTrends, buildProposal, createPhraseAttacher, trendOptions, TrendQuerySchema, type PhraseAttacher, type TrendDocumentSource, type TrendQuery, type TrendReport } from "../../trends/index.js";
import type { Lake } from "../../lake/index.js";
import { TrendAnalyses } from "../trends-analyses.js";

const Figures = z.object({
  support: z.number(), baseline: z.number(), recent: z.number(), baselineShare: z.number(), recentShare: z.number(),
  rateRatio: z.number(), rateRatioBound: z.number(), growthScore: z.number(), pValue: z.number(), qValue: z.number(), sources: z.number(),
});
const Series = z.array(z.object({ period: z.string(), documents: z.number(), count: z.number(), share: z.number() }));
const Attachment = z.object({
  macroCompetence: z.object({ code: z.string(), libelle: z.string(), codeArbo: z.string(), score: z.number() }).nullable(),
  competences: z.array(z.object({ code: z.string(), libelle: z.string(), kind: z.enum(["competence", "savoir"]), similarity: z.number() })),
  attachedBy: z.enum(["vector", "cooccurrence", "none"]),
  nearestSimilarity: z.number(),
});
const Salience = z.object({
  score: z.number().describe("log2(effectiveDomaines × effectiveSources)"), domaines: z.number(),
  effectiveDomaines: z.number().describe("exp(entropy) of the phrase's documents across domaines professionnels"),
  effectiveSources: z.number().describe("exp(entropy) of its per-source shares across sources"),
  rising: z.boolean().describe("significant rise within sources (figures)"), widespread: z.boolean().describe("used across domaines and sources"),
});
const Emerging = z.object({
  key: z.string(), label: z.string(), variants: z.array(z.string()),
  score: z.number().describe("ranking score: salience.score + figures.growthScore (rising phrases come first)"),
  figures: Figures.describe("within-source growth: each source split at its own median date, halves compared within (source, domaine)"),
  salience: Salience,
  series: Series.describe("chart-ready: documents with the phrase per period beside all documents of the period"),
  attachment: Attachment,
  metiers: z.array(z.object({ code: z.string(), libelle: z.string(), documents: z.number() })),
  cooccurring: z.array(z.object({ code: z.string(), libelle: z.string(), documents: z.number(), lift: z.number() })),
  evidence: z.array(z.object({ documentId: z.string(), date: z.string(), snippet: z.string() })),
});
const Item = z.object({ code: z.string(), libelle: z.string(), kind: z.enum(["competence", "savoir", "other"]), figures: Figures });
export const TrendReportResponse = z.object({
  status: z.enum(["ok", "nothing-to-compare", "no-documents"]),
  message: z.string().nullable(),
  window: z.object({ from: z.string().nullable(), to: z.string().nullable(), split: z.string().nullable(), period: z.enum(["week", "month"]) }),
  documents: z.object({ total: z.number(), baseline: z.number(), recent: z.number(), offers: z.number(), cvs: z.number(), sources: z.number() }),
  periods: z.array(z.object({ period: z.string(), documents: z.number() })),
  settings: z.record(z.string(), z.unknown()),
  tested: z.number(),
  emerging: z.array(Emerging),
  items: z.object({ rising: z.array(Item), falling: z.array(Item) }),
  analysis: z
    .object({ computedAt: z.string().describe("when this analysis was computed (served until refreshed)"), ageSeconds: z.number() })
    .optional()
    .describe("present when served from the lake's stored analyses"),
});
const ProposalQuery = TrendQuerySchema.and(z.object({ phrase: z.string().trim().min(1, "phrase must not be empty").max(200) }));
const ProposalResponse = z.object({ type: z.literal("rome-evolution-proposal"), romeVersion: z.string(), generatedAt: z.string(), proposal: z.record(z.string(), z.unknown()), evidence: z.record(z.string(), z.unknown()), settings: z.record(z.string(), z.unknown()) });

/** The lake part this module needs (structural, so tests can pass an in-memory one). */
interface TrendsLake {
  trendDocuments(filter?: { from?: Date; to?: Date; metier?: string }): AsyncIterable<import("../../trends/index.js").TrendDocument>;
}

export function trendsRoutes(ctx: AppContext): Router {
  const r = Router();
  const ref = ctx.engine.referential;
  // Label embeddings for attachment cost a few seconds: built on the first request, then shared.
  let attacher: Promise<PhraseAttacher> | null = null;
  const getAttacher = () => (attacher ??= createPhraseAttacher(ref, ctx.engine.embedder).catch((e: unknown) => ((attacher = null), Promise.reject(e))));

  // A real lake keeps aggregates and stored analyses: requests are served from them (trends-analyses.ts). A lake
  // with documents only (tests) is analysed in process.
  let analyses: TrendAnalyses | null = null;
  const run = async (q: TrendQuery): Promise<TrendReport & { analysis?: { computedAt: string; ageSeconds: number } }> => {
    const lake = ctx.lake as (TrendsLake & Partial<Lake>) | undefined;
    if (!lake) throw new HttpError(503, "lake_unavailable", "trends read the document lake, and this service runs without one (set DATABASE_URL or LAKE_DIR and start with the lake)");
    if (q.metier && !ref.fiche(q.metier)) throw new HttpError(404, "not_found", `métier ${q.metier} does not exist in this ROME version`);
    if (typeof lake.trendCounts === "function") {
      analyses ??= new TrendAnalyses(lake as Lake, ctx.config);
      const a = await analyses.get(q);
      return { ...a.report, analysis: { computedAt: a.computedAt.toISOString(), ageSeconds: Math.round((Date.now() - a.computedAt.getTime()) / 1000) } };
    }
    const source: TrendDocumentSource = () => lake.trendDocuments({ ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.metier ? { metier: q.metier } : {}) });
    return analyzeTrends(source, trendOptions(q), { referential: ref, attacher: await getAttacher() });
  };

  const query = z.object({}).extend({
    from: z.string().optional().describe("ISO date, inclusive (default: the lake's first document)"),
    to: z.string().optional().describe("ISO date, exclusive"),
    split: z.string().optional().describe("start of the recent part (default: the period at the window's time midpoint)"),
    metier: z.string().optional().describe("ROME code: only documents matched to it"),
    period: z.enum(["week", "month"]).optional().describe("default month"),
    limit: z.string().optional().describe("1–200, default 20"),
    minSupport: z.string().optional().describe("documents, ≥ 5, default 20"),
    minSources: z.string().optional().describe("distinct sources, default 2"),
  });
  describeRoute({ method: "get", path: "/v1/trends/emerging", summary: "Phrases the market uses that ROME does not say yet, rising over time (aggregates with minimum support)", tags: ["trends"], query, response: TrendReportResponse, roles: ["analyst"] });
  r.get("/v1/trends/emerging", ctx.auth.require("analyst"), lakeHandler(async (req, res) => {
    checkDates(req.query);
    const q = parseOr400(TrendQuerySchema, req.query, "query");
    res.json(await run(q));
  }));

  describeRoute({ method: "get", path: "/v1/trends/proposal", summary: "Export one emerging phrase as a ROME evolution proposal (add compétence X under MC Y to fiches Z, with evidence counts)", tags: ["trends"], query: query.extend({ phrase: z.string().describe("label or stemmed key from /v1/trends/emerging") }), response: ProposalResponse, roles: ["analyst"] });
  r.get("/v1/trends/proposal", ctx.auth.require("analyst"), lakeHandler(async (req, res) => {
    checkDates(req.query);
    const q = parseOr400(ProposalQuery, req.query, "query");
    const report = await run({ ...q, limit: 200 });
    const p = buildProposal(report, q.phrase, ref);
    if (!p) throw new HttpError(404, "not_found", `"${q.phrase}" is not an emerging phrase in this window (status: ${report.status})`);
    res.json(p);
  }));
  return r;
}

/** from, to and split as ISO dates in the lake's range ("1" is not 2001-01-01): the same rule as every route. */
function checkDates(query: unknown): void {
  parseOr400(z.object({ from: isoDate.optional(), to: isoDate.optional(), split: isoDate.optional() }), query, "query dates");
}
