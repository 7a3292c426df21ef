/** defineRoute: one declaration gives the route, its validation, its roles and its OpenAPI entry. */
import request from "supertest";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createAuth } from "../../../src/api/auth.js";
import { openApiDocument } from "../../../src/api/openapi.js";
import { defineRoute, reply, routes } from "../../../src/api/route.js";
import { CodedError, ERRORS } from "../../../src/errors.js";
import { routesApp } from "../../api-helpers.js";

const Thing = z.object({ id: z.string(), size: z.number().int() });
const things = new Map<string, number>([["a", 1]]);
const KEY = "editor-key-0123456789";
type Ctx = { auth: ReturnType<typeof createAuth> };
const ctx: Ctx = { auth: createAuth([{ key: KEY, roles: ["advisor"] }]) };

const thingRoutes = routes(
  defineRoute(
    {
      method: "get",
      path: "/test/things/:id",
      summary: "one thing",
      params: z.object({ id: z.string().regex(/^[a-z]$/, "one letter") }),
      query: z.object({ double: z.enum(["true", "false"]).optional() }),
      responses: { 200: Thing },
      errors: ["not_found"],
    },
    ({ params, query }, _ctx: Ctx) => {
      const size = things.get(params.id);
      if (size === undefined) throw new CodedError("not_found", `thing ${params.id} does not exist`);
      return { id: params.id, size: query.double === "true" ? 2 * size : size };
    },
  ),
  defineRoute(
    {
      method: "post",
      path: "/test/things",
      summary: "create or update a thing",
      roles: ["advisor"],
      body: Thing.strict(),
      responses: { 200: Thing, 201: Thing },
      errors: ["kind_conflict"],
    },
    ({ body }, _ctx: Ctx) => {
      if (body.size < 0) throw new CodedError("kind_conflict", "negative things conflict");
      const created = !things.has(body.id);
      things.set(body.id, body.size);
      return reply(created ? 201 : 200, body);
    },
  ),
);
const app = routesApp(thingRoutes(ctx));

describe("defineRoute", () => {
  it("validates path, query and body with the declared schemas, naming each problem", async () => {
    expect((await request(app).get("/test/things/a?double=true").expect(200)).body).toEqual({ id: "a", size: 2 });
    const badPath = await request(app).get("/test/things/ab").expect(400);
    expect(badPath.body.error).toMatchObject({
      status: 400,
      code: "invalid_request",
      details: [{ path: "id", message: "one letter" }],
    });
    expect((await request(app).get("/test/things/a?double=maybe").expect(400)).body.error.details[0].path).toBe(
      "double",
    );
    const unknown = await request(app).get("/test/things/a?colour=red&size=2").expect(400);
    expect(unknown.body.error.message).toBe("unknown query parameters: colour, size");
    const post = (body: object) => request(app).post("/test/things").set("x-api-key", KEY).send(body);
    expect((await post({ id: "b", size: "big" }).expect(400)).body.error.details[0].path).toBe("size");
  });

  it("answers catalogue errors with the catalogue's status, and other declared statuses through reply()", async () => {
    const missing = await request(app).get("/test/things/z").expect(404);
    expect(missing.body).toEqual({ error: { status: 404, code: "not_found", message: "thing z does not exist" } });
    const post = (body: object) => request(app).post("/test/things").set("x-api-key", KEY).send(body);
    await post({ id: "c", size: 3 }).expect(201);
    await post({ id: "c", size: 4 }).expect(200);
    const conflict = await post({ id: "c", size: -1 });
    expect([conflict.status, conflict.body.error.code]).toEqual([ERRORS.kind_conflict.status, "kind_conflict"]);
  });

  it("needs an API key with one of the declared roles", async () => {
    await request(app).post("/test/things").send({ id: "d", size: 1 }).expect(401);
    const other = routesApp(thingRoutes({ auth: createAuth([{ key: KEY, roles: ["analyst"] }]) }));
    const denied = await request(other).post("/test/things").set("x-api-key", KEY).send({ id: "d", size: 1 });
    expect(denied.body.error.code).toBe("forbidden");
  });

  it("documents the route in OpenAPI with its parameters, success bodies and every error it can answer", () => {
    const doc = openApiDocument("test");
    type ErrorSchema = { properties: Record<string, { properties: { code: { enum: string[] } } }> };
    type Op = {
      parameters: { name: string; in: string }[];
      responses: Record<string, { content?: { "application/json": { schema: ErrorSchema } } }>;
    };
    const get = doc.paths["/test/things/{id}"]!.get as Op;
    expect(get.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["path:id", "query:double"]);
    expect(Object.keys(get.responses)).toEqual(["200", "400", "404", "500"]);
    const notFound = get.responses["404"]!.content!["application/json"].schema;
    expect(notFound.properties.error!.properties.code.enum).toEqual(["not_found"]);
    const post = doc.paths["/test/things"]!.post as {
      security?: unknown;
      description: string;
      responses: Record<string, unknown>;
    };
    expect(Object.keys(post.responses)).toEqual(["200", "201", "400", "401", "403", "409", "413", "415", "500"]);
    expect(post.security).toBeDefined();
    expect(post.description).toContain("advisor, admin");
  });
});
