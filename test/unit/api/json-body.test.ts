/** The JSON body parser every route shares (src/api/input.ts jsonBody): what it refuses before any route reads it. */
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, describe, expect, it } from "vitest";
import { routesApp } from "../../api-helpers.js";

const echo = express.Router().post("/echo", (req, res) => {
  res.json({ text: (req.body as { text: string }).text });
});
// A listening server and fetch: supertest would serialise a Buffer body as JSON rather than send its bytes.
const server = routesApp(echo).listen(0, "127.0.0.1");
afterAll(() => new Promise<void>((done) => server.close(() => done())));
const post = async (body: Buffer, type = "application/json") => {
  if (!server.listening) await new Promise((ok) => server.once("listening", ok));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/echo`, {
    method: "POST",
    headers: { "content-type": type },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as { text?: string; error?: { message: string } } };
};

describe("jsonBody", () => {
  it("reads UTF-8, accents and U+FFFD sent as such included", async () => {
    const res = await post(Buffer.from(JSON.stringify({ text: "préparation \uFFFD" }), "utf8"));
    expect(res.status).toBe(200);
    expect(res.body.text).toBe("préparation \uFFFD");
  });
  it("refuses bytes that are not UTF-8 (a Latin-1 text sent as JSON) with 415, not U+FFFD in their place", async () => {
    for (const type of ["application/json", "application/json; charset=utf-8"]) {
      const res = await post(Buffer.from('{"text":"pr\xe9paration du pain"}', "latin1"), type);
      expect(res.status, type).toBe(415);
      expect(res.body.error).toMatchObject({ status: 415, code: "unsupported_encoding" });
      expect(res.body.error!.message).toContain("UTF-8");
    }
    const truncated = Buffer.concat([Buffer.from('{"text":"pain '), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]);
    expect((await post(truncated)).status).toBe(415);
  });
  it("still answers invalid JSON and an unknown charset as before", async () => {
    const bad = await post(Buffer.from("{not json"));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "invalid_json" });
    const latin = await post(Buffer.from('{"text":"pain"}'), "application/json; charset=latin1");
    expect(latin.status).toBe(415);
  });
});
