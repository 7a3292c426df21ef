/**
 * Feedback on the lake's predictions (README "Feedback"):
 *   POST /v1/feedback         a verdict (right / wrong, and the right code when known) on one code of a stored document
 *   POST /v1/feedback/batch   up to 100 of them, stored together, a status per item
 *   GET  /v1/feedback/stats   what the verdicts say: precision by rank, where the right code sat, frequent confusions
 * Roles: ingest and advisor give feedback (the systems that post documents, the people who check them); advisor and
 * analyst read the figures. Verdicts hold no text and go when their document is erased.
 */
import { z } from "zod";
import { CodedError, type ErrorCode } from "../../errors.js";
import type { AppContext } from "../context.js";
import type { Role } from "../auth.js";
import { ErrorBody, parseOr400 } from "../errors.js";
import { batchBody, romeCode } from "../input.js";
import { endOfDay, lakeOf } from "../lake.js";
import { defineRoute, routes } from "../route.js";
import { isoDate } from "../../lake/index.js";
import { LAKE_LIMITS, type FeedbackInput, type FeedbackRecord } from "../../lake/index.js";

const RomeCode = z
  .string()
  .trim()
  .pipe(romeCode)
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
  .refine(
    (b) =>
      b.documentId !== undefined
        ? b.source === undefined && b.externalId === undefined
        : b.source !== undefined && b.externalId !== undefined,
    {
      message: "name the document by documentId, or by source and externalId (not both)",
      path: ["documentId"],
    },
  )
  .refine((b) => b.correctCode === undefined || b.verdict === "wrong", {
    message: "correctCode goes with verdict wrong",
    path: ["correctCode"],
  })
  .refine((b) => b.correctCode === undefined || b.correctCode !== b.code, {
    message: "correctCode must differ from code",
    path: ["correctCode"],
  });

const FeedbackResponse = z.object({
  id: z.number().int(),
  documentId: z.string(),
  kind: z.enum(["offer", "cv"]),
  code: z.string(),
  verdict: z.enum(["right", "wrong"]),
  correctCode: z.string().nullable(),
  answer: z.string().nullable().describe("the right code this verdict names (code when right, correctCode when wrong)"),
  topCode: z
    .string()
    .nullable()
    .describe(
      "the document's first predicted code when judged (null for the ingest role, as codeRank and answerRank: it may not read the prediction)",
    ),
  codeRank: z.number().int().nullable().describe("rank of code in the stored prediction (null: not listed)"),
  answerRank: z.number().int().nullable().describe("rank of the right code in it (null: not listed, or unknown)"),
  romeVersion: z.string(),
  model: z.string(),
  createdAt: z.string(),
});

const BatchBody = batchBody("items", LAKE_LIMITS.maxFeedbackBatch, "verdicts");
const BatchItem = z.object({
  index: z.number().int(),
  status: z.enum(["created", "error"]),
  feedback: FeedbackResponse.optional(),
  error: ErrorBody.shape.error.omit({ status: true }).optional(),
});
const BatchResponse = z.object({
  items: z.array(BatchItem),
  summary: z.object({ created: z.number().int(), error: z.number().int() }),
});

const StatsQuery = z
  .object({ kind: z.enum(["offer", "cv"]).optional(), from: isoDate.optional(), to: isoDate.optional() })
  .strict();
const Agreement = z.object({
  documents: z.number().int(),
  top1: z.number(),
  top3: z.number(),
  top5: z.number(),
  top10: z.number(),
});
const Fiche = z.object({
  code: z.string(),
  libelle: z.string().nullable().describe("null: not a fiche of the ROME version that answers now"),
});
const StatsResponse = z.object({
  romeVersion: z.string(),
  feedback: z.number().int(),
  documents: z.number().int(),
  byRank: z
    .array(
      z.object({
        rank: z.number().int().nullable(),
        judged: z.number().int(),
        right: z.number().int(),
        precision: z.number(),
      }),
    )
    .describe("latest verdict per (document, code), by the code's rank in the prediction"),
  answers: Agreement.extend({
    byKind: z.object({ offer: Agreement, cv: Agreement }),
    byVersion: z.array(Agreement.extend({ romeVersion: z.string(), model: z.string() })),
  }).describe("documents whose right code is known: the share whose prediction listed it within the first k"),
  confusions: z
    .array(z.object({ predicted: Fiche, answer: Fiche, documents: z.number().int() }))
    .describe(`first predicted code → right code, most frequent first (at most ${LAKE_LIMITS.maxConfusions})`),
});

const fiche = (ref: AppContext["engine"]["referential"], code: string) => ({
  code,
  libelle: ref.fiches.get(code)?.libelle ?? null,
});

/** A body → the verdict to store (its document id, null when no document has that source and externalId); 400 otherwise. */
async function verdictOf(
  ctx: AppContext,
  raw: unknown,
): Promise<{ body: z.infer<typeof FeedbackBody>; input: FeedbackInput | null }> {
  const ref = ctx.engine.referential;
  const known = (code: string, field: string) => {
    if (!ref.fiches.has(code))
      throw new CodedError("unknown_code", `${field} ${code} is not a fiche of ROME ${ref.version}`);
  };
  const body = parseOr400(FeedbackBody, raw, "feedback");
  known(body.code, "code");
  if (body.correctCode !== undefined) known(body.correctCode, "correctCode");
  const documentId = body.documentId ?? (await lakeOf(ctx).findByExternalId(body.source!, body.externalId!));
  return {
    body,
    input: documentId ? { documentId, code: body.code, verdict: body.verdict, correctCode: body.correctCode } : null,
  };
}
/** What makes one item of a batch fail while the others are stored (lake outages fail the whole batch). */
const ITEM_ERRORS = new Set<ErrorCode>(["invalid_request", "unknown_code", "not_found", "lake_disabled"]);
const missing = (b: z.infer<typeof FeedbackBody>) =>
  new CodedError(
    "not_found",
    b.documentId ? `document ${b.documentId} does not exist` : `no document ${b.externalId} from source ${b.source}`,
  );

export const feedbackRoutes = routes(
  defineRoute(
    {
      method: "post",
      path: "/v1/feedback",
      summary:
        "A verdict on one code of a stored document's prediction: right, or wrong with the right code when known",
      tags: ["lake"],
      roles: ["ingest", "advisor"],
      lake: true,
      // Validated by verdictOf (shared with the batch, whose items are checked one by one).
      documentedBody: FeedbackBody,
      responses: { 201: FeedbackResponse },
      errors: ["unknown_code", "not_found"],
    },
    async ({ req, roles }, ctx) => {
      const { body, input } = await verdictOf(ctx, req.body);
      const out = input ? await lakeOf(ctx).addFeedback(input) : null;
      if (!out) throw missing(body);
      ctx.learning?.noteVerdict();
      return serialize(out, roles);
    },
  ),

  defineRoute(
    {
      method: "post",
      path: "/v1/feedback/batch",
      summary: `Up to ${LAKE_LIMITS.maxFeedbackBatch} verdicts; the valid ones are stored together (one transaction), each item says created or why not`,
      tags: ["lake"],
      roles: ["ingest", "advisor"],
      lake: true,
      body: BatchBody,
      documentedBody: z.object({ items: z.array(FeedbackBody).max(LAKE_LIMITS.maxFeedbackBatch) }),
      responses: { 200: BatchResponse },
    },
    async ({ body: { items }, roles }, ctx) => {
      const results: z.infer<typeof BatchItem>[] = [];
      const valid: { index: number; input: FeedbackInput }[] = [];
      for (const [index, raw] of items.entries()) {
        try {
          const { body, input } = await verdictOf(ctx, raw);
          if (!input) throw missing(body);
          valid.push({ index, input });
          results.push({ index, status: "created" });
        } catch (e) {
          if (!(e instanceof CodedError && ITEM_ERRORS.has(e.code))) throw e;
          results.push({
            index,
            status: "error",
            error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) },
          });
        }
      }
      const stored = valid.length ? await lakeOf(ctx).addFeedbackBatch(valid.map((v) => v.input)) : [];
      if (stored.some(Boolean)) ctx.learning?.noteVerdict();
      valid.forEach(({ index }, j) => {
        const rec = stored[j];
        // Erased between the check and the write: said as such, nothing stored for it.
        results[index] = rec
          ? { index, status: "created", feedback: serialize(rec, roles) }
          : { index, status: "error", error: { code: "not_found", message: "the document was erased meanwhile" } };
      });
      const created = results.filter((x) => x.status === "created").length;
      return { items: results, summary: { created, error: results.length - created } };
    },
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/feedback/stats",
      summary:
        "What the verdicts say of the predictions: precision by rank, where the right code sat (top-k), frequent confusions",
      tags: ["lake"],
      roles: ["advisor", "analyst"],
      lake: true,
      query: StatsQuery,
      responses: { 200: StatsResponse },
    },
    async ({ query: q }, ctx) => {
      const ref = ctx.engine.referential;
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? endOfDay(q.to) : undefined;
      if (from && to && from > to) throw new CodedError("invalid_request", "from must not be after to");
      const s = await lakeOf(ctx).feedbackStats({ kind: q.kind, from, to });
      return {
        romeVersion: ref.version,
        ...s,
        confusions: s.confusions.map((c) => ({
          predicted: fiche(ref, c.predicted),
          answer: fiche(ref, c.answer),
          documents: c.documents,
        })),
      };
    },
  ),
);

/**
 * The stored verdict; the prediction it judged (topCode, codeRank, answerRank) only for roles that may read the
 * document: the ingest role may not read a CV, so it must not learn its predicted code this way either.
 */
const serialize = (f: FeedbackRecord, roles: readonly Role[]): z.infer<typeof FeedbackResponse> => {
  const out = { ...f, createdAt: f.createdAt.toISOString() };
  return roles.includes("advisor") || roles.includes("admin")
    ? out
    : { ...out, topCode: null, codeRank: null, answerRank: null };
};
