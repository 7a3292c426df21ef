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

/**
 * The query parameters of a request that its route does not document; null when no documented route matches (the
 * 404 handler answers it). One rule for every route: a misspelt parameter is refused, never silently ignored.
 */
export function undocumentedQueryKeys(method: string, path: string, keys: readonly string[]): string[] | null {
  const m = method.toLowerCase() === "head" ? "get" : method.toLowerCase();
  // Literal segments win over parameters (/v1/competences/tree before /v1/competences/:code), as in the router.
  const specs = paths.filter((p) => p.method === m && pathPattern(p.path).test(path));
  const spec = specs.sort((a, b) => a.path.split(":").length - b.path.split(":").length)[0];
  if (!spec) return null;
  const known = new Set(spec.query ? Object.keys(spec.query.shape) : []);
  return keys.filter((k) => !known.has(k));
}
const patterns = new Map<string, RegExp>();
function pathPattern(p: string): RegExp {
  let re = patterns.get(p);
  if (!re) patterns.set(p, (re = new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z_]+/g, "[^/]+")}/?$`)));
  return re;
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
