/** Shared fixtures of the route tests: an app of some route modules, API keys per role, a lake context. */
import express from "express";
import request from "supertest";
import type { AppContext } from "../src/api/app.js";
import { createAuth, type Role } from "../src/api/auth.js";
import { errorHandler, unknownRoute } from "../src/api/errors.js";
import { jsonBody } from "../src/api/input.js";
import { loadConfig } from "../src/config.js";
import type { Lake, LakeEngine } from "../src/lake/index.js";
import type { Engine } from "../src/match/index.js";

/** One API key per role (keys have at least 16 characters). */
export const KEYS: Readonly<Record<Role, string>> = {
  ingest: "ingest-key-0123456789",
  advisor: "advisor-key-0123456789",
  analyst: "analyst-key-0123456789",
  admin: "admin-key-0123456789abc",
};

/** An auth that knows `keys` (default: every role of KEYS), each key with its one role. */
export const roleAuth = (keys: Partial<Record<Role, string>> = KEYS) =>
  createAuth(Object.entries(keys).map(([role, key]) => ({ key, roles: [role as Role] })));

/** A context over the lake for the lake routes: the fake (or real) engine, `auth` (default roleAuth()). */
export const lakeContext = (
  engine: LakeEngine | Engine,
  lake: Lake | undefined,
  over: Partial<AppContext> = {},
): AppContext => ({
  config: loadConfig(),
  engine: engine as unknown as Engine,
  auth: roleAuth(),
  lake,
  ...over,
});

/** An app of route modules with the real app's JSON parser, 404 and error envelope (src/api/app.ts). */
export function routesApp(...routers: express.Router[]): express.Express {
  const app = express();
  app.use(jsonBody());
  for (const r of routers) app.use(r);
  app.use(unknownRoute);
  app.use(errorHandler);
  return app;
}

/** POSTs a body that is not JSON with `key`; the caller asserts the answer (400 `invalid_json`, nothing stored). */
export const postNotJson = (app: express.Express, path: string, key: string) =>
  request(app).post(path).set("x-api-key", key).set("content-type", "application/json").send("{not json");
