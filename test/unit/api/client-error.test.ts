/** Errors of Node's HTTP parser (before any route) answered in the error envelope (src/api/errors.ts). */
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerClientErrors } from "../../../src/api/errors.js";

let server: Server;
beforeAll(async () => {
  // Answers once the body has arrived, as the JSON parser does.
  server = createServer((req, res) => req.resume().on("end", () => res.end("ok")));
  server.requestTimeout = 300;
  server.headersTimeout = 300;
  // Node checks request timeouts on this interval (default 30 s).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 50;
  answerClientErrors(server);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

/** Sends raw bytes (and keeps the socket open); resolves with everything the server sent before closing. */
function raw(bytes: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    const s = connect(port, "127.0.0.1", () => s.write(bytes));
    s.on("data", (c) => chunks.push(c));
    s.on("close", () => ok(Buffer.concat(chunks).toString()));
    s.on("error", fail);
  });
}
const parse = (answer: string) => {
  const [head, body] = answer.split("\r\n\r\n");
  return { status: Number(head!.split(" ")[1]), type: /content-type: (.*)/i.exec(head!)?.[1], body: JSON.parse(body!) };
};

describe("answerClientErrors", () => {
  it("a malformed request: 400 bad_request in the envelope, not a bare status line", async () => {
    const a = parse(await raw("GARBAGE\r\n\r\n"));
    expect(a.status).toBe(400);
    expect(a.type).toContain("application/json");
    expect(a.body.error).toMatchObject({ status: 400, code: "bad_request" });
  });
  it("headers over 16 KB (a URL too long): 431 headers_too_large", async () => {
    const a = parse(await raw(`GET /v1/search?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(a.body.error).toMatchObject({ status: 431, code: "headers_too_large" });
    expect(a.status).toBe(431);
  });
  it("a request that does not arrive in time: 408 request_timeout", async () => {
    const a = parse(await raw("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab"));
    expect(a.body.error).toMatchObject({ status: 408, code: "request_timeout" });
  });
  it("a well-formed request still reaches the handler", async () => {
    expect(await raw("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1.1 200[\s\S]*ok$/);
  });
});
