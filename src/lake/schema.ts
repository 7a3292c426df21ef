/** zod schemas at the lake's boundaries (HTTP body, JSONL lines), shared by the API and the CLI. */
import { z } from "zod";
import { readableTextField } from "../text/index.js";
import { LAKE_LIMITS, type DocumentInput } from "./types.js";

/** Dates the lake accepts (docs/operations.md): PostgreSQL and the trend periods take every one of them. */
export const DATE_RANGE = { from: "1970-01-01", to: "2100-12-31" } as const;
export const inDateRange = (s: string) => {
  const t = new Date(s).getTime();
  return t >= Date.parse(`${DATE_RANGE.from}T00:00:00Z`) && t <= Date.parse(`${DATE_RANGE.to}T23:59:59.999Z`);
};
export const isoDate = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: "an ISO 8601 date, e.g. 2025-05-31 or 2025-05-31T14:14:44Z",
  })
  .refine(inDateRange, `a date from ${DATE_RANGE.from} to ${DATE_RANGE.to}`);

export const DocumentBody = z
  .object({
    kind: z.enum(["offer", "cv"]),
    source: z
      .string()
      .trim()
      .min(1)
      .max(LAKE_LIMITS.maxSourceChars)
      .regex(/^[\p{L}\p{N}_.:@/ -]+$/u, "letters, digits, spaces and _ . : @ / - only"),
    externalId: z.string().trim().min(1).max(LAKE_LIMITS.maxExternalIdChars),
    title: z.string().max(LAKE_LIMITS.maxTitleChars, `at most ${LAKE_LIMITS.maxTitleChars} characters`).optional(),
    text: readableTextField(LAKE_LIMITS.maxTextChars),
    documentDate: isoDate.optional(),
    storeText: z
      .boolean()
      .optional()
      .describe("CVs only: keep the raw text (default false). Offers always keep theirs."),
  })
  .strict();
type DocumentBody = z.infer<typeof DocumentBody>;

export function toInput(b: DocumentBody): DocumentInput {
  return {
    kind: b.kind,
    source: b.source,
    externalId: b.externalId,
    title: b.title,
    text: b.text,
    documentDate: b.documentDate ? new Date(b.documentDate) : undefined,
    storeText: b.storeText,
  };
}

/**
 * One JSONL line → a document body, before validation. Accepts our own shape ({kind, source, externalId, title,
 * text, documentDate, storeText}) and France Travail "Offres d'emploi v2" dumps as in eval/offers-dev.jsonl
 * ({id, intitule, description, dateCreation, source_dataset, …}), whose other fields are ignored.
 */
export function lineToBody(
  o: Record<string, unknown>,
  defaults: { kind?: "offer" | "cv"; source?: string; storeText?: boolean },
): Record<string, unknown> {
  const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);
  const isFt = "intitule" in o || "description" in o;
  const body: Record<string, unknown> = {
    kind: defaults.kind ?? o.kind ?? (isFt ? "offer" : undefined),
    source: defaults.source ?? str(o.source) ?? str(o.source_dataset) ?? (isFt ? "france-travail" : undefined),
    externalId: str(o.externalId) ?? str(o.id),
    title: str(o.title) ?? str(o.intitule),
    text: str(o.text) ?? str(o.description),
    documentDate: str(o.documentDate) ?? str(o.dateCreation),
    storeText: typeof o.storeText === "boolean" ? o.storeText : defaults.storeText,
  };
  if (typeof body.title === "string") body.title = body.title.slice(0, LAKE_LIMITS.maxTitleChars);
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}
