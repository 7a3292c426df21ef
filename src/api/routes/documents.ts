/**
 * The lake over HTTP: ingest offers and CVs, read one document, match across the lake, erase.
 *
 * Roles (README "Lake"):
 * - ingest: POST /v1/documents, POST /v1/documents/batch
 * - advisor: GET a document (offers and CVs, CV text never), GET …/similar
 * - analyst: GET an offer (not a CV: analysts work on aggregates), GET /v1/lake/stats
 * - admin: everything, including a CV's stored text (`?includeText=true`), erasure and the retention purge
 */
import { Router } from "express";
import { z } from "zod";
import { admissionOf, type AppContext } from "../context.js";
import { clientGone } from "../admission.js";
import type { Role } from "../auth.js";
import { HttpError, parseOr400 } from "../errors.js";
import { queryInt } from "../input.js";
import { describeRoute } from "../openapi.js";
import { sendComputedJson } from "../respond.js";
import { DocumentBody, isoDate, toInput } from "../../lake/index.js";
import { LAKE_LIMITS, LakeUnavailableError, type BatchItemResult, type DocumentInput, type Lake, type StoredDocument } from "../../lake/index.js";
import { endOfDay, lakeHandler, lakeOf as lakeOfCtx } from "../lake.js";
import { MissingMacroCompetence, SharedMacroCompetence } from "./match.js";

const BatchBody = z
  .object({ documents: z.array(z.unknown()).min(1, "documents must not be empty").max(LAKE_LIMITS.maxBatch, `at most ${LAKE_LIMITS.maxBatch} documents per batch`) })
  .strict();

const IdParams = z.object({ id: z.uuid("a document id is a UUID") });
const GetQuery = z.object({ includeText: z.enum(["true", "false"]).optional().describe("admin only for CVs") });
const SimilarQuery = z
  .object({
    kind: z.enum(["offer", "cv"]).optional().describe("default: the other kind (CV → offers, offer → CVs)"),
    topK: queryInt(1, LAKE_LIMITS.maxTopK).default(LAKE_LIMITS.defaultTopK),
    metier: z.string().regex(/^[A-Na-n]\d{4}$/, "a ROME code is a letter A–N and four digits, e.g. M1805").transform((s) => s.toUpperCase()).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict();
const DeleteQuery = z.object({ source: z.string().trim().min(1).max(LAKE_LIMITS.maxSourceChars), externalId: z.string().trim().min(1).max(LAKE_LIMITS.maxExternalIdChars).optional() }).strict();
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
  competences: z.array(z.object({ code: z.string(), kind: z.enum(["competence", "savoir"]), macroCompetence: z.string().nullable(), score: z.number() })),
  phrases: z.array(z.string()),
});
const SimilarResponse = z.object({
  query: z.object({ id: z.string(), kind: z.enum(["offer", "cv"]) }),
  kind: z.enum(["offer", "cv"]),
  results: z.array(
    DocumentResponse.pick({ id: true, kind: true, source: true, externalId: true, title: true, documentDate: true, metiers: true }).extend({
      score: z.object({ vector: z.number(), mcOverlap: z.number(), total: z.number() }),
      sharedMacroCompetences: z.array(SharedMacroCompetence),
      missingMacroCompetences: z.array(MissingMacroCompetence),
    }),
  ),
  timings: z.object({ totalMs: z.number() }),
});

export function documentRoutes(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const lakeOf = (): Lake => lakeOfCtx(ctx);
  const roles = (res: { locals: Record<string, unknown> }): Role[] => (res.locals.roles as Role[] | undefined) ?? [];

  describeRoute({ method: "post", path: "/v1/documents", summary: "Ingest (create or update) one offer or CV; idempotent on (source, externalId)", tags: ["lake"], body: DocumentBody, response: IngestResponse, roles: ["ingest", "admin"] });
  r.post(
    "/v1/documents",
    auth.require("ingest"),
    lakeHandler(async (req, res) => {
      const body = parseOr400(DocumentBody, req.body, "document");
      const lake = lakeOf();
      const out = await admissionOf(ctx).run(body.text.length, () => lake.ingest(toInput(body)), clientGone(res));
      sendComputedJson(res.status(out.status === "created" ? 201 : 200), out);
    }),
  );

  describeRoute({
    method: "post",
    path: "/v1/documents/batch",
    summary: `Ingest up to ${LAKE_LIMITS.maxBatch} documents; each is written whole or not at all, with a status per item`,
    tags: ["lake"],
    body: z.object({ documents: z.array(DocumentBody).max(LAKE_LIMITS.maxBatch) }),
    response: BatchResponse,
    roles: ["ingest", "admin"],
  });
  r.post(
    "/v1/documents/batch",
    auth.require("ingest"),
    lakeHandler(async (req, res) => {
      const body = parseOr400(BatchBody, req.body, "request body");
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
            error: { code: "invalid_document", message: "invalid document", details: p.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } as BatchItemResult["error"],
          });
        }
      });
      const place = (rs: BatchItemResult[]) => rs.forEach((x, j) => (items[valid[j]!.index] = { ...x, index: valid[j]!.index }));
      try {
        if (valid.length > 0) {
          const lake = lakeOf();
          const chars = valid.reduce((n, v) => n + v.doc.text.length, 0);
          place(await admissionOf(ctx).run(chars, () => lake.ingestBatch(valid.map((v) => v.doc)), clientGone(res)));
        }
      } catch (e) {
        if (e instanceof LakeUnavailableError && e.items) {
          place(e.items);
          throw new LakeUnavailableError(e.message, items.filter((x): x is BatchItemResult => x !== null));
        }
        throw e;
      }
      const all = items.filter((x): x is BatchItemResult => x !== null);
      const summary: Record<string, number> = { created: 0, updated: 0, unchanged: 0, error: 0 };
      for (const x of all) summary[x.status] = (summary[x.status] ?? 0) + 1;
      sendComputedJson(res, { items: all, summary });
    }),
  );

  describeRoute({ method: "get", path: "/v1/documents/:id", summary: "One stored document: métiers, compétences, phrases; text for offers, a CV's only for admin", tags: ["lake"], params: IdParams, query: GetQuery, response: DocumentResponse, roles: ["advisor", "analyst (offers only)", "admin"] });
  r.get(
    "/v1/documents/:id",
    auth.require("advisor", "analyst"),
    lakeHandler(async (req, res) => {
      const { id } = parseOr400(IdParams, req.params, "path");
      const q = parseOr400(GetQuery, req.query, "query");
      const have = roles(res);
      const isAdmin = have.includes("admin");
      const doc = await lakeOf().get(id, { includeText: true });
      if (!doc) throw new HttpError(404, "not_found", `document ${id} does not exist`);
      if (doc.kind === "cv" && !isAdmin && !have.includes("advisor")) throw new HttpError(403, "forbidden", "CVs are personal data: reading one needs the advisor or admin role");
      if (doc.kind === "cv" && q.includeText === "true" && !isAdmin) throw new HttpError(403, "forbidden", "a CV's text is only returned to the admin role");
      res.json(serialize(doc, doc.kind === "offer" || (isAdmin && q.includeText === "true")));
    }),
  );

  describeRoute({ method: "get", path: "/v1/documents/:id/similar", summary: "Documents of the lake closest to this one (CV → offers, offer → CVs): vector similarity + shared macro-compétences, explained", tags: ["lake"], params: IdParams, query: SimilarQuery, response: SimilarResponse, roles: ["advisor", "admin"] });
  r.get(
    "/v1/documents/:id/similar",
    auth.require("advisor"),
    lakeHandler(async (req, res) => {
      const { id } = parseOr400(IdParams, req.params, "path");
      const q = parseOr400(SimilarQuery, req.query, "query");
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? endOfDay(q.to) : undefined;
      if (from && to && from > to) throw new HttpError(400, "invalid_request", "from must not be after to");
      const out = await lakeOf().similar(id, { kind: q.kind, topK: q.topK, metier: q.metier, from, to });
      if (!out) throw new HttpError(404, "not_found", `document ${id} does not exist`);
      res.json(out);
    }),
  );

  describeRoute({ method: "delete", path: "/v1/documents/:id", summary: "Erase one document and every row derived from it", tags: ["lake"], params: IdParams, response: z.object({ deleted: z.number().int() }), roles: ["admin"] });
  r.delete(
    "/v1/documents/:id",
    auth.require("admin"),
    lakeHandler(async (req, res) => {
      const { id } = parseOr400(IdParams, req.params, "path");
      if (!(await lakeOf().delete(id))) throw new HttpError(404, "not_found", `document ${id} does not exist`);
      res.json({ deleted: 1 });
    }),
  );

  describeRoute({ method: "delete", path: "/v1/documents", summary: "Erasure request: delete every document of a source (or one externalId of it)", tags: ["lake"], query: DeleteQuery, response: z.object({ deleted: z.number().int() }), roles: ["admin"] });
  r.delete(
    "/v1/documents",
    auth.require("admin"),
    lakeHandler(async (req, res) => {
      const q = parseOr400(DeleteQuery, req.query, "query");
      res.json({ deleted: await lakeOf().deleteBySource(q.source, q.externalId) });
    }),
  );

  describeRoute({ method: "post", path: "/v1/lake/purge", summary: "Apply the CV retention now (CVs not updated for CV_RETENTION_DAYS, or ?days=)", tags: ["lake"], query: PurgeQuery, response: z.object({ deleted: z.number().int(), days: z.number().int() }), roles: ["admin"] });
  r.post(
    "/v1/lake/purge",
    auth.require("admin"),
    lakeHandler(async (req, res) => {
      const q = parseOr400(PurgeQuery, req.query, "query");
      const days = q.days ?? ctx.config.cvRetentionDays;
      res.json({ deleted: await lakeOf().purgeExpiredCvs(days), days });
    }),
  );

  describeRoute({ method: "get", path: "/v1/lake/stats", summary: "Document counts per kind and the store in use", tags: ["lake"], response: z.object({ documents: z.object({ offer: z.number(), cv: z.number() }), backend: z.string(), dimension: z.number(), schemaVersion: z.number() }), roles: ["analyst", "advisor", "admin"] });
  r.get(
    "/v1/lake/stats",
    auth.require("analyst", "advisor"),
    lakeHandler(async (_req, res) => {
      res.json(await lakeOf().stats());
    }),
  );

  return r;
}

function serialize(d: StoredDocument, withText: boolean) {
  return { ...d, documentDate: d.documentDate.toISOString(), ingestedAt: d.ingestedAt.toISOString(), updatedAt: d.updatedAt.toISOString(), text: withText ? d.text : null };
}
