/**
 * Table-driven bad input over every route /openapi.json lists, with every role (an admin key): NUL characters, lone
 * surrogates, dates outside the accepted range, huge and non-decimal numbers, unknown parameters, wrong types.
 * No answer may be a 5xx; the ones that refuse use the documented error shape.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type express from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../src/api/app.js";
import { createAuth } from "../../../src/api/auth.js";
import { loadConfig } from "../../../src/config.js";
import { openLake } from "../../../src/ingest/index.js";
import type { Lake } from "../../../src/lake/index.js";
import { testEngine } from "../../helpers.js";

const ADMIN = "admin-key-0123456789abc";
const TEXT =
  "Développeur Java H/F : conception d'applications web, API REST, SQL, tests unitaires, travail en équipe agile.";
const DOC = {
  kind: "offer",
  source: "bad-input",
  externalId: "base-1",
  title: "Développeur Java",
  text: TEXT,
  documentDate: "2025-05-01",
};
/** A valid body per POST route: each case below breaks one field of it. */
const BODIES: Record<string, Record<string, unknown>> = {
  "/v1/match": { text: TEXT, title: "Développeur", kind: "offer", topK: 5 },
  "/v1/match/batch": { items: [{ text: TEXT, topK: 3 }] },
  "/v1/skills/extract": { text: TEXT },
  "/v1/documents": DOC,
  "/v1/documents/batch": { documents: [{ ...DOC, externalId: "base-2" }] },
  "/v1/feedback": { source: "bad-input", externalId: "base-1", code: "M1805", verdict: "right" },
  "/v1/feedback/batch": {
    items: [{ source: "bad-input", externalId: "base-1", code: "M1805", verdict: "wrong", correctCode: "M1810" }],
  },
  "/v1/profile/match": { competences: [], labels: ["programmation java"], topK: 5 },
};
const BAD_STRINGS = { nul: "a\u0000b", loneHigh: "a\uD800b", loneLow: "\uDC00", huge: "x".repeat(60_000) };
const BAD_DATES = ["0000-01-01", "9999-12-31T23:59:59-14:00", "0999-01-01", "1", "2025-02-30", "+275760-09-13"];
const BAD_NUMBERS: unknown[] = [1e308, -1, 0, 0.5, "5", null, Number.MAX_SAFE_INTEGER + 2];
const BAD_QUERY = [
  "%00",
  "%ED%A0%80",
  "0x10",
  "1e309",
  "-1",
  "",
  "0000-01-01",
  "9999-12-31T23:59:59-14:00",
  "1",
  "x".repeat(3000),
];
const WRONG_BODIES: unknown[] = [[], "text", 42, null, { zz: 1 }];

interface Op {
  method: string;
  path: string;
  query: string[];
  pathParams: string[];
}

/** Each string / number leaf of `body` replaced by each bad value: [where, broken body]. */
function mutations(body: unknown): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (v: unknown, set: (x: unknown) => unknown, where: string) => {
    if (typeof v === "string") {
      for (const [name, s] of Object.entries(BAD_STRINGS)) out.push([`${where}=${name}`, set(s)]);
      if (/date/i.test(where)) for (const d of BAD_DATES) out.push([`${where}=${d}`, set(d)]);
      out.push([`${where}=number`, set(7)]);
    } else if (typeof v === "number") {
      for (const n of BAD_NUMBERS) out.push([`${where}=${String(n)}`, set(n)]);
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, (y) => set(v.map((z, j) => (j === i ? y : z))), `${where}.${i}`));
      out.push([`${where}=object`, set({})]);
    } else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) walk(o[k], (y) => set({ ...o, [k]: y }), `${where}.${k}`);
      out.push([`${where}+unknown`, set({ ...o, zz: 1 })]);
      out.push([`${where}+nul key`, set({ ...o, "k\u0000": 1 })]);
    }
  };
  walk(body, (x) => x, "body");
  // documentDate is optional: the bad dates go into documents that have one too.
  return out;
}

describe("bad input on every route of /openapi.json", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bad-input-lake-"));
  let lake: Lake;
  let app: express.Express;
  let ops: Op[] = [];
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const engine = await testEngine();
    lake = await openLake({ lakeDir: dir, cvRetentionDays: 0 }, engine, { retentionSweepMs: 0 });
    app = createApp({ config: loadConfig(), engine, auth: createAuth([{ key: ADMIN, roles: ["admin"] }]), lake });
    ids.id = (
      await lake.ingest({
        kind: "offer",
        source: "bad-input",
        externalId: "base-1",
        title: "Développeur Java",
        text: TEXT,
        documentDate: new Date("2025-05-01"),
      })
    ).id;
    const doc = (await request(app).get("/openapi.json").expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    ops = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.entries(methods).map(([method, spec]) => ({
        method,
        path: p,
        query: (spec.parameters ?? []).filter((x) => x.in === "query").map((x) => x.name),
        pathParams: (spec.parameters ?? []).filter((x) => x.in === "path").map((x) => x.name),
      })),
    );
  }, 300_000);
  afterAll(async () => {
    await lake?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const fill = (op: Op, over: Record<string, string> = {}) =>
    op.path.replace(
      /\{(\w+)\}/g,
      (_m, name: string) =>
        over[name] ??
        (name === "id" ? ids.id! : name === "code" ? (op.path.includes("competence") ? "100007" : "M1805") : "x"),
    );
  const send = (method: string, url: string, body?: unknown) => {
    const r = (request(app) as unknown as Record<string, (u: string) => request.Test>)[method]!(url).set(
      "x-api-key",
      ADMIN,
    );
    return body === undefined ? r : r.set("content-type", "application/json").send(JSON.stringify(body));
  };
  const check = (what: string, r: request.Response) => {
    expect(r.status, `${what} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`).toBeLessThan(500);
    if (r.status >= 400)
      expect(r.body.error, what).toMatchObject({
        status: r.status,
        code: expect.any(String),
        message: expect.any(String),
      });
  };

  it("lists the routes (the suite covers them all)", () => {
    expect(ops.length).toBeGreaterThanOrEqual(25);
    for (const p of Object.keys(BODIES))
      expect(
        ops.some((o) => o.method === "post" && o.path === p),
        p,
      ).toBe(true);
  });

  it("query parameters: NUL, surrogates, out-of-range dates, huge and hex numbers, unknown and repeated names", async () => {
    let n = 0;
    for (const op of ops.filter(
      (o) => o.method === "get" || o.method === "delete" || (o.method === "post" && !BODIES[o.path]),
    )) {
      const url = fill(op);
      for (const name of [...op.query, "zz"]) {
        for (const v of BAD_QUERY) {
          check(`${op.method} ${url}?${name}=${v.slice(0, 20)}`, await send(op.method, `${url}?${name}=${v}`));
          n++;
        }
        check(`${op.method} ${url}?${name}=1&${name}=2`, await send(op.method, `${url}?${name}=1&${name}=2`));
      }
      // Unknown parameters: refused on every route alike.
      const unknown = await send(op.method, `${url}?zz=1`);
      expect(unknown.status, `${op.method} ${url}?zz=1`).toBe(400);
    }
    expect(n).toBeGreaterThan(100);
  }, 600_000);

  it("path parameters: NUL, surrogates, long and odd values", async () => {
    for (const op of ops.filter((o) => o.pathParams.length > 0)) {
      for (const name of op.pathParams) {
        for (const v of ["%00", "%ED%A0%80", "%E0%A4%A", "x".repeat(3000), "..%2F..", "M1805%00"]) {
          const r = await send(op.method, fill(op, { [name]: v }), BODIES[op.path]);
          check(`${op.method} ${op.path} ${name}=${v.slice(0, 20)}`, r);
          expect(r.status, `${op.method} ${op.path} ${name}=${v.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
        }
      }
    }
  }, 300_000);

  it("bodies: every field broken in turn, wrong types; NUL and lone surrogates refused naming the field", async () => {
    for (const [p, body] of Object.entries(BODIES)) {
      for (const [where, broken] of mutations(body)) {
        const r = await send("post", p, broken);
        check(`POST ${p} ${where}`, r);
        if (/=(nul|loneHigh|loneLow)$|nul key/.test(where)) {
          expect(r.status, `POST ${p} ${where}`).toBe(400);
          if (r.body.error.code === "invalid_string")
            expect(r.body.error.message).toContain(where.replace(/=.*|\+.*/, ""));
        }
        if (/date=/i.test(where)) expect(r.status >= 400 || /items|documents/.test(p), `POST ${p} ${where}`).toBe(true);
      }
      for (const wrong of WRONG_BODIES) check(`POST ${p} ${JSON.stringify(wrong)}`, await send("post", p, wrong));
    }
    // The lake holds only what was valid: the base documents, no broken copy of them.
    for (const d of (await lake.stats()).documents.offer ? [await lake.get(ids.id!)] : [])
      expect(d?.title).toBe("Développeur Java");
  }, 600_000);

  it("dates out of range are refused where documents are written and where they are read", async () => {
    for (const d of BAD_DATES) {
      const r = await send("post", "/v1/documents", { ...DOC, externalId: `date-${d}`, documentDate: d });
      expect(r.status, d).toBe(400);
      const batch = await send("post", "/v1/documents/batch", {
        documents: [{ ...DOC, externalId: `date-b-${d}`, documentDate: d }],
      });
      expect(batch.status, d).toBe(200);
      expect(batch.body.items[0].error.code, d).toBe("invalid_document");
    }
    for (const q of ["from", "to"]) {
      for (const d of BAD_DATES) {
        check(`similar ${q}=${d}`, await send("get", `/v1/documents/${ids.id}/similar?${q}=${encodeURIComponent(d)}`));
        check(`feedback stats ${q}=${d}`, await send("get", `/v1/feedback/stats?${q}=${encodeURIComponent(d)}`));
        const t = await send("get", `/v1/trends/emerging?${q}=${encodeURIComponent(d)}`);
        expect(t.status, `trends ${q}=${d}`).toBe(400);
      }
    }
    expect((await send("get", "/v1/documents/" + ids.id + "/similar?topK=0x10")).status).toBe(400);
  }, 300_000);

  it("answers 503 (not 500) when the lake is gone, trends included", async () => {
    await lake.close();
    for (const [method, url, body] of [
      ["get", "/v1/trends/emerging"],
      ["get", "/v1/lake/stats"],
      ["get", `/v1/documents/${ids.id}`],
      ["post", "/v1/documents", { ...DOC, externalId: "after-close" }],
    ] as const) {
      const r = await send(method, url, body);
      expect(r.status, `${method} ${url}`).toBe(503);
      expect(r.body.error.code).toBe("lake_unavailable");
    }
  });

  it("a text of stopwords only is empty: no métiers made up from priors", async () => {
    const r = await send("post", "/v1/match", {
      text: "Le la les de des et ou, pour avec un une dans sur il elle nous vous.",
    }).expect(200);
    expect(r.body).toMatchObject({ status: "empty", metiers: [] });
    expect(
      (await send("post", "/v1/match", { text: "Le développeur Java conçoit des applications." }).expect(200)).body
        .status,
    ).not.toBe("empty");
  });
});
