/**
 * Feedback on the lake's predictions (README "Feedback"):
 *   POST /v1/feedback         a verdict (right / wrong, and the right code when known) on one code of a stored document
 *   GET  /v1/feedback/stats   what the verdicts say: precision by rank, where the right code sat, frequent confusions
 * Roles: ingest and advisor give feedback (the systems that post documents, the people who check them); advisor and
 * analyst read the figures. Verdicts hold no text and go when their document is erased.
 */
import { Router } from "express";
import { z } from "zod";
import type { AppContext } from "../app.js";
import { HttpError, parseOr400 } from "../errors.js";
import { endOfDay, lakeHandler, lakeOf } from "../lake.js";
import { describeRoute } from "../openapi.js";
import { isoDate } from "../../lake/schema.js";
import { LAKE_LIMITS, type FeedbackRecord } from "../../lake/index.js";

const RomeCode = z
  .string()
  .trim()
  .regex(/^[A-Na-n]\d{4}$/, "a ROME code is a letter A–N and four digits, e.g. M1805")
  .transform((s) => s.toUpperCase());

export const FeedbackBody = z
  .object({
    documentId: z.uuid("a document id is a UUID").optional(),
    source: z.string().trim().min(1).max(LAKE_LIMITS.maxSourceChars).optional(),
    externalId: z.string().trim().min(1).max(LAKE_LIMITS.maxExternalIdChars).optional(),
    code: RomeCode.describe("the fiche judged, usually one the document's prediction listed"),
    verdict: z.enum(["right", "wrong"]),
    correctCode: RomeCode.optional().describe("with verdict wrong: the right fiche, when known"),
  })
  .strict()
  .refine((b) => (b.documentId !== undefined ? b.source === undefined && b.externalId === undefined : b.source !== undefined && b.externalId !== undefined), {
    message: "name the document by documentId, or by source and externalId (not both)",
    path: ["documentId"],
  })
  .refine((b) => b.correctCode === undefined || b.verdict === "wrong", { message: "correctCode goes with verdict wrong", path: ["correctCode"] })
  .refine((b) => b.correctCode === undefined || b.correctCode !== b.code, { message: "correctCode must differ from code", path: ["correctCode"] });

const FeedbackResponse = z.object({
  id: z.number().int(),
  documentId: z.string(),
  kind: z.enum(["offer", "cv"]),
  code: z.string(),
  verdict: z.enum(["right", "wrong"]),
  correctCode: z.string().nullable(),
  answer: z.string().nullable().describe("the right code this verdict names (code when right, correctCode when wrong)"),
  topCode: z.string().nullable().describe("the document's first predicted code when judged"),
  codeRank: z.number().int().nullable().describe("rank of code in the stored prediction (null: not listed)"),
  answerRank: z.number().int().nullable().describe("rank of the right code in it (null: not listed, or unknown)"),
  romeVersion: z.string(),
  model: z.string(),
  createdAt: z.string(),
});

const StatsQuery = z.object({ kind: z.enum(["offer", "cv"]).optional(), from: isoDate.optional(), to: isoDate.optional() }).strict();
const Agreement = z.object({ documents: z.number().int(), top1: z.number(), top3: z.number(), top5: z.number(), top10: z.number() });
const Fiche = z.object({ code: z.string(), libelle: z.string().nullable().describe("null: not a fiche of the ROME version that answers now") });
const StatsResponse = z.object({
  romeVersion: z.string(),
  feedback: z.number().int(),
  documents: z.number().int(),
  byRank: z.array(z.object({ rank: z.number().int().nullable(), judged: z.number().int(), right: z.number().int(), precision: z.number() })).describe("latest verdict per (document, code), by the code's rank in the prediction"),
  answers: Agreement.extend({
    byKind: z.object({ offer: Agreement, cv: Agreement }),
    byVersion: z.array(Agreement.extend({ romeVersion: z.string(), model: z.string() })),
  }).describe("documents whose right code is known: the share whose prediction listed it within the first k"),
  confusions: z.array(z.object({ predicted: Fiche, answer: Fiche, documents: z.number().int() })).describe(`first predicted code → right code, most frequent first (at most ${LAKE_LIMITS.maxConfusions})`),
});

export function feedbackRoutes(ctx: AppContext): Router {
  const r = Router();
  const ref = ctx.engine.referential;
  const fiche = (code: string) => ({ code, libelle: ref.fiches.get(code)?.libelle ?? null });
  const known = (code: string, field: string) => {
    if (!ref.fiches.has(code)) throw new HttpError(400, "unknown_code", `${field} ${code} is not a fiche of ROME ${ref.version}`);
  };

  describeRoute({ method: "post", path: "/v1/feedback", summary: "A verdict on one code of a stored document's prediction: right, or wrong with the right code when known", tags: ["lake"], body: FeedbackBody, response: FeedbackResponse, roles: ["ingest", "advisor", "admin"] });
  r.post(
    "/v1/feedback",
    ctx.auth.require("ingest", "advisor"),
    lakeHandler(async (req, res) => {
      const b = parseOr400(FeedbackBody, req.body, "feedback");
      known(b.code, "code");
      if (b.correctCode !== undefined) known(b.correctCode, "correctCode");
      const lake = lakeOf(ctx);
      const documentId = b.documentId ?? (await lake.findByExternalId(b.source!, b.externalId!));
      const out = documentId ? await lake.addFeedback({ documentId, code: b.code, verdict: b.verdict, correctCode: b.correctCode }) : null;
      if (!out) throw new HttpError(404, "not_found", b.documentId ? `document ${b.documentId} does not exist` : `no document ${b.externalId} from source ${b.source}`);
      res.status(201).json(serialize(out));
    }),
  );

  describeRoute({ method: "get", path: "/v1/feedback/stats", summary: "What the verdicts say of the predictions: precision by rank, where the right code sat (top-k), frequent confusions", tags: ["lake"], query: StatsQuery, response: StatsResponse, roles: ["advisor", "analyst", "admin"] });
  r.get(
    "/v1/feedback/stats",
    ctx.auth.require("advisor", "analyst"),
    lakeHandler(async (req, res) => {
      const q = parseOr400(StatsQuery, req.query, "query");
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? endOfDay(q.to) : undefined;
      if (from && to && from > to) throw new HttpError(400, "invalid_request", "from must not be after to");
      const s = await lakeOf(ctx).feedbackStats({ kind: q.kind, from, to });
      res.json({ romeVersion: ref.version, ...s, confusions: s.confusions.map((c) => ({ predicted: fiche(c.predicted), answer: fiche(c.answer), documents: c.documents })) } satisfies z.infer<typeof StatsResponse>);
    }),
  );
  return r;
}

const serialize = (f: FeedbackRecord): z.infer<typeof FeedbackResponse> => ({ ...f, createdAt: f.createdAt.toISOString() });
