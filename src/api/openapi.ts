/** The OpenAPI document, generated from what `defineRoute` registers: the same zod schemas that validate. */
import { z } from "zod";
import { ERRORS, type ErrorCode } from "../errors.js";

export type Method = "get" | "post" | "put" | "delete";
export type SuccessStatus = 200 | 201 | 204;

export interface RouteDoc {
  method: Method;
  /** Express-style path, e.g. /v1/metiers/:code (converted to {code}). */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodObject;
  /** Success answers: their status and body schema (null: no body). */
  responses: Partial<Record<SuccessStatus, z.ZodType | null>>;
  /** Every error code the route can answer with (the catalogue gives the status). */
  errors: readonly ErrorCode[];
  /** Roles allowed, when the endpoint needs an API key. */
  roles?: readonly string[];
}

const routes: RouteDoc[] = [];

/** Called by `defineRoute`; a route declared twice (a module mounted twice) is documented once. */
export function registerRoute(doc: RouteDoc): void {
  if (!routes.some((p) => p.method === doc.method && p.path === doc.path)) routes.push(doc);
}

/** The query object a route validates with: its own shape, or a pipe's input side (checked first, then refined). */
export function queryObject(q: z.ZodType | undefined): z.ZodObject | undefined {
  if (q instanceof z.ZodObject) return q;
  if (q instanceof z.ZodPipe) return queryObject(q.in as z.ZodType);
  return undefined;
}

const json = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
const jsonOut = (s: z.ZodType) => z.toJSONSchema(s, { io: "output", unrepresentable: "any" });

function parameters(obj: z.ZodObject | undefined, where: "query" | "path") {
  if (!obj) return [];
  const schema = json(obj) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || (schema.required ?? []).includes(name),
    schema: s,
  }));
}

/** Error answers by status, each naming its codes and what they mean. */
function errorResponses(codes: readonly ErrorCode[]): Record<string, object> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const e: { status: number; also?: number } = ERRORS[code];
    for (const s of e.also ? [e.status, e.also] : [e.status]) byStatus.set(s, [...(byStatus.get(s) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, cs]) => [
        String(status),
        {
          description: cs.map((c) => `${c}: ${ERRORS[c].message}`).join("; "),
          content: { "application/json": { schema: errorSchema(status, cs) } },
        },
      ]),
  );
}
const errorSchema = (status: number, codes: ErrorCode[]) => ({
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["status", "code", "message"],
      properties: {
        status: { const: status },
        code: { enum: codes },
        message: { type: "string" },
        details: {},
      },
    },
  },
});

function successResponses(responses: RouteDoc["responses"]): Record<string, object> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, schema]) => [
      status,
      schema
        ? {
            description: status === "201" ? "Created" : "OK",
            content: { "application/json": { schema: jsonOut(schema) } },
          }
        : { description: "No content" },
    ]),
  );
}

export function openApiDocument(version: string) {
  const out: Record<string, Record<string, object>> = {};
  for (const p of routes) {
    const oaPath = p.path.replace(/:([A-Za-z_]+)/g, "{$1}");
    const roles = p.roles && `Requires an API key with one of the roles: ${p.roles.join(", ")}.`;
    const description = [p.description, roles].filter(Boolean).join(" ");
    out[oaPath] ??= {};
    out[oaPath][p.method] = {
      summary: p.summary,
      tags: p.tags,
      ...(description ? { description } : {}),
      ...(p.roles ? { security: [{ apiKey: [] }] } : {}),
      parameters: [...parameters(p.params, "path"), ...parameters(queryObject(p.query), "query")],
      ...(p.body ? { requestBody: { required: true, content: { "application/json": { schema: json(p.body) } } } } : {}),
      responses: { ...successResponses(p.responses), ...errorResponses(p.errors) },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "rome-match",
      version,
      description:
        "Semantic matching on France Travail's ROME 4.0. Data: ROME open data, Licence Ouverte, France Travail.",
    },
    components: { securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } } },
    paths: out,
  };
}
