/**
 * The lake over HTTP: ingest offers and CVs, read one document, match across the lake, erase.
 *
 * Roles (README "Lake"):
 * - ingest: POST /v1/documents, POST /v1/documents/batch
 * - advisor: GET a document (offers and CVs, CV text never), GET …/similar
 * - analyst: GET an offer (not a CV: analysts work on aggregates), GET /v1/lake/stats
 * - admin: everything, including a CV's stored text (`?includeText=true`), erasure and the retention purge
 */
import { z } from "zod";
import { CodedError } from "../../errors.js";
import { admissionOf } from "../context.js";
import { clientGone } from "../admission.js";
import { issuesOf } from "../errors.js";
import { batchBody, queryInt, romeCode } from "../input.js";
import { defineRoute, reply, routes } from "../route.js";
import { DocumentBody, isoDate, toInput } from "../../lake/index.js";
import {
  LAKE_LIMITS,
  LakeUnavailableError,
  type BatchItemResult,
  type DocumentInput,
  type StoredDocument,
} from "../../lake/index.js";
import { endOfDay, lakeOf } from "../lake.js";
import { MissingMacroCompetence, SharedMacroCompetence } from "./match-schemas.js";

const BatchBody = batchBody("documents", LAKE_LIMITS.maxBatch, "documents");

const IdParams = z.object({ id: z.uuid("a document id is a UUID") });
const GetQuery = z.object({ includeText: z.enum(["true", "false"]).optional().describe("admin only for CVs") });
const SimilarQuery = z
  .object({
    kind: z.enum(["offer", "cv"]).optional().describe("default: the other kind (CV → offers, offer → CVs)"),
    topK: queryInt(1, LAKE_LIMITS.maxTopK).default(LAKE_LIMITS.defaultTopK),
    metier: romeCode.transform((s) => s.toUpperCase()).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict();
const DeleteQuery = z
  .object({
    source: z.string().trim().min(1).max(LAKE_LIMITS.maxSourceChars),
    externalId: z.string().trim().min(1).max(LAKE_LIMITS.maxExternalIdChars).optional(),
  })
  .strict();
const PurgeQuery = z.object({ days: queryInt(1, 36_500).optional() }).strict();

const Status = z.enum(["created", "updated", "unchanged"]);
const IngestResponse = z.object({ id: z.string(), source: z.string(), externalId: z.string(), status: Status });
const BatchItem = z.object({
  index: z.number().int(),
  source: z.string(),
  externalId: z.string(),
  status: z.enum(["created", "updated", "unchanged", "error"]),
  id: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
});
const BatchResponse = z.object({ items: z.array(BatchItem), summary: z.record(z.string(), z.number()) });
const Metier = z.object({ code: z.string(), score: z.number(), confidence: z.number() });
const DocumentResponse = z.object({
  id: z.string(),
  kind: z.enum(["offer", "cv"]),
  source: z.string(),
  externalId: z.string(),
  title: z.string().nullable(),
  documentDate: z.string(),
  ingestedAt: z.string(),
  updatedAt: z.string(),
  romeVersion: z.string(),
  model: z.string(),
  hasText: z.boolean(),
  text: z.string().nullable(),
  metiers: z.array(Metier),
  competences: z.array(
    z.object({
      code: z.string(),
      kind: z.enum(["competence", "savoir"]),
      macroCompetence: z.string().nullable(),
      score: z.number(),
    }),
  ),
  phrases: z.array(z.string()),
});
const SimilarResponse = z.object({
  query: z.object({ id: z.string(), kind: z.enum(["offer", "cv"]) }),
  kind: z.enum(["offer", "cv"]),
  results: z.array(
    DocumentResponse.pick({
      id: true,
      kind: true,
      source: true,
      externalId: true,
      title: true,
      documentDate: true,
      metiers: true,
    }).extend({
      score: z
        .object({ vector: z.number(), mcOverlap: z.number(), metiers: z.number(), total: z.number() })
        .describe(
          "0..1 parts: text vectors, IDF-weighted shared macro-compétences, agreement of the two documents' predicted métiers; total = 0.3 vector + 0.2 mcOverlap + 0.5 metiers",
        ),
      sharedMetiers: z
        .array(z.object({ code: z.string(), libelle: z.string(), confidence: z.number() }))
        .describe("métiers both documents were matched to, most agreed first (confidence: the smaller of the two)"),
      sharedMacroCompetences: z.array(SharedMacroCompetence),
      missingMacroCompetences: z.array(MissingMacroCompetence),
    }),
  ),
  timings: z.object({ totalMs: z.number() }),
});

const Deleted = z.object({ deleted: z.number().int() });
const gone = (id: string) => new CodedError("not_found", `document ${id} does not exist`);

export const documentRoutes = routes(
  defineRoute(
    {
      method: "post",
      path: "/v1/documents",
      summary: "Ingest (create or update) one offer or CV; idempotent on (source, externalId)",
      tags: ["lake"],
      roles: ["ingest"],
      lake: true,
      body: DocumentBody,
      responses: { 201: IngestResponse, 200: IngestResponse },
      errors: ["invalid_document", "kind_conflict", "overloaded"],
      send: "computed",
    },
    async ({ body, res }, ctx) => {
      const lake = lakeOf(ctx);
      const out = await admissionOf(ctx).run(body.text.length, () => lake.ingest(toInput(body)), clientGone(res));
      return reply(out.status === "created" ? 201 : 200, out);
    },
  ),

  defineRoute(
    {
      method: "post",
      path: "/v1/documents/batch",
      summary: `Ingest up to ${LAKE_LIMITS.maxBatch} documents; each is written whole or not at all, with a status per item`,
      tags: ["lake"],
      roles: ["ingest"],
      lake: true,
      body: BatchBody,
      documentedBody: z.object({ documents: z.array(DocumentBody).max(LAKE_LIMITS.maxBatch) }),
      responses: { 200: BatchResponse },
      errors: ["overloaded"],
      send: "computed",
    },
    async ({ body, res }, ctx) => {
      const items: (BatchItemResult | null)[] = [];
      const valid: { index: number; doc: DocumentInput }[] = [];
      body.documents.forEach((raw, index) => {
        const p = DocumentBody.safeParse(raw);
        if (p.success) {
          valid.push({ index, doc: toInput(p.data) });
          items.push(null);
        } else {
          const o = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
          items.push({
            index,
            source: typeof o.source === "string" ? o.source : "",
            externalId: typeof o.externalId === "string" ? o.externalId : "",
            status: "error",
            error: {
              code: "invalid_document",
              message: "invalid document",
              details: issuesOf(p.error),
            } as BatchItemResult["error"],
          });
        }
      });
      const place = (rs: BatchItemResult[]) =>
        rs.forEach((x, j) => (items[valid[j]!.index] = { ...x, index: valid[j]!.index }));
      try {
        if (valid.length > 0) {
          const lake = lakeOf(ctx);
          const chars = valid.reduce((n, v) => n + v.doc.text.length, 0);
          place(await admissionOf(ctx).run(chars, () => lake.ingestBatch(valid.map((v) => v.doc)), clientGone(res)));
        }
      } catch (e) {
        if (e instanceof LakeUnavailableError && e.items) {
          place(e.items);
          throw new LakeUnavailableError(
            e.message,
            items.filter((x): x is BatchItemResult => x !== null),
          );
        }
        throw e;
      }
      const all = items.filter((x): x is BatchItemResult => x !== null);
      const summary: Record<string, number> = { created: 0, updated: 0, unchanged: 0, error: 0 };
      for (const x of all) summary[x.status] = (summary[x.status] ?? 0) + 1;
      return { items: all, summary };
    },
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/documents/:id",
      summary: "One stored document: métiers, compétences, phrases; text for offers, a CV's only for admin",
      description: "The analyst role reads offers only.",
      tags: ["lake"],
      roles: ["advisor", "analyst"],
      lake: true,
      params: IdParams,
      query: GetQuery,
      responses: { 200: DocumentResponse },
      errors: ["not_found"],
    },
    async ({ params: { id }, query: q, roles: have }, ctx) => {
      const isAdmin = have.includes("admin");
      const doc = await lakeOf(ctx).get(id, { includeText: true });
      if (!doc) throw gone(id);
      if (doc.kind === "cv" && !isAdmin && !have.includes("advisor"))
        throw new CodedError("forbidden", "CVs are personal data: reading one needs the advisor or admin role");
      if (doc.kind === "cv" && q.includeText === "true" && !isAdmin)
        throw new CodedError("forbidden", "a CV's text is only returned to the admin role");
      return serialize(doc, doc.kind === "offer" || (isAdmin && q.includeText === "true"));
    },
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/documents/:id/similar",
      summary:
        "Documents of the lake closest to this one (CV → offers, offer → CVs): vector similarity + shared macro-compétences, explained",
      tags: ["lake"],
      roles: ["advisor"],
      lake: true,
      params: IdParams,
      query: SimilarQuery,
      responses: { 200: SimilarResponse },
      errors: ["not_found"],
    },
    async ({ params: { id }, query: q }, ctx) => {
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? endOfDay(q.to) : undefined;
      if (from && to && from > to) throw new CodedError("invalid_request", "from must not be after to");
      const out = await lakeOf(ctx).similar(id, { kind: q.kind, topK: q.topK, metier: q.metier, from, to });
      if (!out) throw gone(id);
      return { ...out, results: out.results.map((d) => ({ ...d, documentDate: d.documentDate.toISOString() })) };
    },
  ),

  defineRoute(
    {
      method: "delete",
      path: "/v1/documents/:id",
      summary: "Erase one document and every row derived from it",
      tags: ["lake"],
      roles: ["admin"],
      lake: true,
      params: IdParams,
      responses: { 200: Deleted },
      errors: ["not_found"],
    },
    async ({ params: { id } }, ctx) => {
      if (!(await lakeOf(ctx).delete(id))) throw gone(id);
      return { deleted: 1 };
    },
  ),

  defineRoute(
    {
      method: "delete",
      path: "/v1/documents",
      summary: "Erasure request: delete every document of a source (or one externalId of it)",
      tags: ["lake"],
      roles: ["admin"],
      lake: true,
      query: DeleteQuery,
      responses: { 200: Deleted },
    },
    async ({ query: q }, ctx) => ({ deleted: await lakeOf(ctx).deleteBySource(q.source, q.externalId) }),
  ),

  defineRoute(
    {
      method: "post",
      path: "/v1/lake/purge",
      summary: "Apply the CV retention now (CVs not updated for CV_RETENTION_DAYS, or ?days=)",
      tags: ["lake"],
      roles: ["admin"],
      lake: true,
      query: PurgeQuery,
      responses: { 200: z.object({ deleted: z.number().int(), days: z.number().int() }) },
    },
    async ({ query: q }, ctx) => {
      const days = q.days ?? ctx.config.cvRetentionDays;
      return { deleted: await lakeOf(ctx).purgeExpiredCvs(days), days };
    },
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/lake/stats",
      summary: "Document counts per kind and the store in use",
      tags: ["lake"],
      roles: ["analyst", "advisor"],
      lake: true,
      responses: {
        200: z.object({
          documents: z.object({ offer: z.number(), cv: z.number() }),
          backend: z.string(),
          dimension: z.number(),
          schemaVersion: z.number(),
        }),
      },
    },
    (_input, ctx) => lakeOf(ctx).stats(),
  ),
);

function serialize(d: StoredDocument, withText: boolean) {
  return {
    ...d,
    documentDate: d.documentDate.toISOString(),
    ingestedAt: d.ingestedAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    text: withText ? d.text : null,
  };
}
