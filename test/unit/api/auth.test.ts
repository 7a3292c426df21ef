import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createAuth } from "../../../src/api/auth.js";
import { errorHandler } from "../../../src/api/errors.js";

/** A one-route app guarded like the lake's routes. */
function appWith(keys: Parameters<typeof createAuth>[0]) {
  const app = express();
  app.get("/guarded", createAuth(keys).require("advisor"), (_req, res) => void res.json({ ok: true }));
  app.use(errorHandler);
  return app;
}

describe("API keys", () => {
  it("tells a caller of a service started without API_KEYS that its operator must set them", async () => {
    const r = await request(appWith([])).get("/guarded").expect(401);
    expect(r.body.error.code).toBe("unauthorized");
    expect(r.body.error.message).toMatch(/API_KEYS/);
  });

  it("does not mention API_KEYS once keys are set, and lets the right role in", async () => {
    const app = appWith([{ key: "advisor-key-0123456789", roles: ["advisor"] }]);
    const r = await request(app).get("/guarded").set("x-api-key", "not-the-right-key-0000").expect(401);
    expect(r.body.error.message).toBe("unknown API key");
    await request(app).get("/guarded").set("x-api-key", "advisor-key-0123456789").expect(200);
  });
});
