import { z } from "zod";
import { ErrorBody } from "./errors.js";

interface PathSpec {
  method: "get" | "post" | "put" | "delete";
  /** Express-style path, e.g. /v1/metiers/:code (converted to {code}). */
  path: string;
  summary: string;
  tags?: string[];
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  response: z.ZodType;
  /** Roles allowed, when the endpoint needs an API key. */
  roles?: string[];
}

const paths: PathSpec[] = [];

/** Routes call this next to their handler, so the OpenAPI document is generated from the same zod schemas. */
export function describeRoute(spec: PathSpec): void {
  if (!paths.some((p) => p.method === spec.method && p.path === spec.path)) paths.push(spec);
}

const json = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
const jsonOut = (s: z.ZodType) => z.toJSONSchema(s, { io: "output", unrepresentable: "any" });

function parameters(obj: z.ZodObject | undefined, where: "query" | "path") {
  if (!obj) return [];
  const schema = json(obj) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: where, required: where === "path" || (schema.required ?? []).includes(name), schema: s }));
}

export function openApiDocument(version: string) {
  const out: Record<string, Record<string, object>> = {};
  for (const p of paths) {
    const oaPath = p.path.replace(/:([A-Za-z_]+)/g, "{$1}");
    out[oaPath] ??= {};
    out[oaPath][p.method] = {
      summary: p.summary,
      tags: p.tags,
      ...(p.roles ? { security: [{ apiKey: [] }], description: `Requires an API key with one of the roles: ${p.roles.join(", ")}.` } : {}),
      parameters: [...parameters(p.params, "path"), ...parameters(p.query, "query")],
      ...(p.body ? { requestBody: { required: true, content: { "application/json": { schema: json(p.body) } } } } : {}),
      responses: {
        "200": { description: "OK", content: { "application/json": { schema: jsonOut(p.response) } } },
        "4XX": { description: "Client error", content: { "application/json": { schema: jsonOut(ErrorBody) } } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "rome-match", version, description: "Semantic matching on France Travail's ROME 4.0. Data: ROME open data, Licence Ouverte, France Travail." },
    components: { securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } } },
    paths: out,
  };
}
