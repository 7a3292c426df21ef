/**
 * One declaration per route: `defineRoute(spec, handler)` registers the handler, its zod validation (path, query,
 * body), the API-key roles it needs, its OpenAPI entry (success bodies and every error code it can answer) and
 * the mapping of lake outages, together. Route modules list their routes and export `routes(...)`, a
 * `(ctx) => Router` mounted by the app (and by tests on their own).
 */
import { Router, type RequestHandler, type Request, type Response } from "express";
import { z } from "zod";
import { CodedError, type ErrorCode } from "../errors.js";
import type { Auth, Role } from "./auth.js";
import type { AppContext } from "./context.js";
import { issuesOf } from "./errors.js";
import { queryObject, registerRoute, type Method, type SuccessStatus } from "./openapi.js";
import { sendComputedJson } from "./respond.js";

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
type Responses = Partial<Record<SuccessStatus, z.ZodType | null>>;
/** What a handler may return: a body of one of its declared responses, or `reply(status, body)`. */
type BodyOf<R extends Responses> = { [K in keyof R]: R[K] extends z.ZodType ? z.input<R[K]> : never }[keyof R];

export interface RouteSpec<B extends Schema, Q extends Schema, P extends z.ZodObject | undefined, R extends Responses> {
  method: Method;
  /** Express-style path, e.g. /v1/metiers/:code. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** An API key with one of these roles is required (admin has every role); absent: a public route. */
  roles?: readonly Role[];
  body?: B;
  /** A z.object (unknown keys are refused), or a pipe from one to a refining schema. */
  query?: Q;
  params?: P;
  /** Success statuses and their bodies; a plain returned body is sent with the lowest (reply() picks another). */
  responses: R;
  /** Error codes the handler itself answers with; validation, auth, lake and 500 codes are added from the spec. */
  errors?: readonly ErrorCode[];
  /** The route reads or writes the lake: 503 lake_disabled without one, lake outages → 503 lake_unavailable. */
  lake?: boolean;
  /** "computed": answers sent without ETag (per-request computations, see respond.ts). */
  send?: "json" | "computed";
  /** The body to document when validation runs in two steps (a batch checks its items one by one). */
  documentedBody?: z.ZodType;
}

export interface RouteInput<B extends Schema, Q extends Schema, P extends z.ZodObject | undefined> {
  body: Out<B>;
  query: Out<Q>;
  params: P extends z.ZodObject ? z.output<P> : undefined;
  /** Roles of the request's API key (empty on public routes). */
  roles: readonly Role[];
  req: Request;
  res: Response;
}

/** An answer with another of the route's declared statuses (e.g. 201 Created or 200 for an update). */
export class Reply<T = unknown> {
  constructor(
    readonly status: SuccessStatus,
    readonly body: T,
  ) {}
}
export const reply = <T>(status: SuccessStatus, body: T) => new Reply(status, body);

export interface RouteDef<C> {
  readonly method: Method;
  readonly path: string;
  mount(router: Router, ctx: C): void;
}

/** Codes every route can answer: unknown query keys and invalid strings (400), and internal errors. */
const ALWAYS: ErrorCode[] = ["invalid_request", "invalid_string", "internal_error"];
const BODY: ErrorCode[] = ["invalid_json", "payload_too_large", "unsupported_encoding"];

export function defineRoute<
  C = AppContext,
  B extends Schema = undefined,
  Q extends Schema = undefined,
  P extends z.ZodObject | undefined = undefined,
  R extends Responses = Responses,
>(
  spec: RouteSpec<B, Q, P, R>,
  handler: (input: RouteInput<B, Q, P>, ctx: C) => BodyOf<R> | Reply | Promise<BodyOf<R> | Reply>,
): RouteDef<C> {
  const errors = [
    ...ALWAYS,
    ...((spec.body ?? spec.documentedBody) ? BODY : []),
    ...(spec.roles ? (["unauthorized", "forbidden"] as const) : []),
    ...(spec.lake ? (["lake_disabled", "lake_unavailable"] as const) : []),
    ...(spec.errors ?? []),
  ];
  registerRoute({
    ...spec,
    body: spec.documentedBody ?? spec.body,
    roles: spec.roles && [...spec.roles, ...(spec.roles.includes("admin") ? [] : ["admin"])],
    errors: [...new Set(errors)],
  });
  const known = new Set(Object.keys(queryObject(spec.query)?.shape ?? {}));
  const status = Number(Object.keys(spec.responses)[0] ?? 200) as SuccessStatus;
  const unknownQuery = refuseUnknownQuery(known);
  return {
    method: spec.method,
    path: spec.path,
    mount(router, ctx) {
      const auth = spec.roles && authOf(ctx).require(...spec.roles);
      const run: RequestHandler = async (req, res, next) => {
        try {
          const input = {
            params: parse(spec.params, req.params, "path"),
            query: parse(spec.query, req.query, "query"),
            body: parse(spec.body, req.body, "request body"),
            roles: (res.locals.roles as Role[] | undefined) ?? [],
            req,
            res,
          } as RouteInput<B, Q, P>;
          const out = await handler(input, ctx);
          const [s, body] = out instanceof Reply ? [out.status, out.body] : [status, out];
          if (s === 204) res.status(204).end();
          else if (spec.send === "computed") sendComputedJson(res.status(s), body);
          else res.status(s).json(body);
        } catch (e) {
          // Imported on a lake route's first error: declaring routes does not load the lake (nor do unit tests).
          next(spec.lake ? (await import("./lake.js")).lakeError(e) : e);
        }
      };
      router[spec.method](spec.path, ...(auth ? [unknownQuery, auth, run] : [unknownQuery, run]));
    },
  };
}

/** The Router of a module's routes, for one context. */
export function routes<C>(...defs: RouteDef<C>[]): (ctx: C) => Router {
  return (ctx) => {
    const r = Router();
    for (const d of defs) d.mount(r, ctx);
    return r;
  };
}

function authOf(ctx: unknown): Auth {
  const auth = (ctx as { auth?: Auth } | null)?.auth;
  if (!auth) throw new Error("a route that needs roles was mounted without ctx.auth");
  return auth;
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (!r.success) throw new CodedError("invalid_request", `invalid ${where}`, { details: issuesOf(r.error) });
  return r.data;
}

/** 400 naming the query parameters outside `known` (a misspelt filter is never silently ignored). */
export function refuseUnknownQuery(known: ReadonlySet<string>): RequestHandler {
  return (req, _res, next) => {
    const unknown = Object.keys(req.query as object).filter((k) => !known.has(k));
    if (unknown.length === 0) return next();
    const s = unknown.length > 1 ? "s" : "";
    next(new CodedError("invalid_request", `unknown query parameter${s}: ${unknown.join(", ")}`));
  };
}
