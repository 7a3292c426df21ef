/**
 * Connection loss mid-batch on the PostgreSQL server: a TCP proxy between the lake and the server cuts every
 * connection when it sees the marker compétence of one document go by (inside that document's transaction).
 * A batch is one transaction with a savepoint per document. Expected: nothing of the batch committed (d1 was
 * written inside the same transaction before the cut, d2 half-sent), a LakeUnavailableError → 503, then a retry works.
 */
import net from "node:net";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentRoutes } from "../../../src/api/routes/documents.js";
import { LakeUnavailableError, type Lake } from "../../../src/lake/index.js";
import { lakeContext, roleAuth, routesApp } from "../../api-helpers.js";
import { fakeEngine, makeBackend, TEST_DATABASE_URL, type Backend } from "../../lake-helpers.js";

function cuttingProxy(target: URL, marker: string) {
  const sockets = new Set<net.Socket>();
  let armed = true;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const cut = () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    };
    client.on("data", (d: Buffer) => {
      if (armed && d.includes(marker)) {
        armed = false;
        return cut(); // the statement carrying the marker never reaches the server
      }
      upstream.write(d);
    });
    upstream.on("data", (d: Buffer) => client.write(d));
    client.on("error", () => undefined).on("close", () => upstream.destroy());
    upstream.on("error", () => undefined).on("close", () => client.destroy());
  });
  return {
    listen: () =>
      new Promise<number>((r) => server.listen(0, "127.0.0.1", () => r((server.address() as net.AddressInfo).port))),
    rearm: () => (armed = true),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("lake on postgres: connection loss mid-batch", () => {
  let b: Backend;
  let lake: Lake;
  const proxy = cuttingProxy(new URL(TEST_DATABASE_URL), "C-KILLME");
  beforeAll(async () => {
    b = makeBackend("postgres");
    const port = await proxy.listen();
    const url = new URL(TEST_DATABASE_URL);
    url.host = `127.0.0.1:${port}`;
    lake = await b.open(fakeEngine(), { databaseUrl: url.toString() });
  }, 60_000);
  afterAll(async () => {
    await b.cleanup();
    await proxy.close();
  });

  const docs = [
    { kind: "offer" as const, source: "cut", externalId: "d1", text: "java sql" },
    { kind: "offer" as const, source: "cut", externalId: "d2", text: "killme java python sql" },
    { kind: "offer" as const, source: "cut", externalId: "d3", text: "encaissement rayon" },
  ];

  it("leaves no half-written document and reports which were written", async () => {
    const err = await lake.ingestBatch(docs).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LakeUnavailableError);
    expect((err as LakeUnavailableError).items?.map((i) => i.error?.code)).toEqual([
      "lake_unavailable",
      "lake_unavailable",
      "lake_unavailable",
    ]);
    // d1 and d2's document row were sent before the cut (same transaction): the server rolled them back.
    const rows = await b.sql<{ external_id: string; m: string; c: string }>(
      "SELECT d.external_id, (SELECT count(*) FROM document_metiers WHERE document_id = d.id) AS m, (SELECT count(*) FROM document_competences WHERE document_id = d.id) AS c FROM documents d WHERE source = 'cut' ORDER BY 1",
    );
    expect(rows).toEqual([]);
    // The pool recovers: the next call reconnects and finishes the job idempotently.
    const again = await lake.ingestBatch(docs);
    expect(again.map((i) => i.status)).toEqual(["created", "created", "created"]);
    const after = await b.sql<{ external_id: string; m: string; c: string }>(
      "SELECT d.external_id, (SELECT count(*) FROM document_metiers WHERE document_id = d.id) AS m, (SELECT count(*) FROM document_competences WHERE document_id = d.id) AS c FROM documents d WHERE source = 'cut' ORDER BY 1",
    );
    expect(after).toEqual([
      { external_id: "d1", m: "1", c: "2" },
      { external_id: "d2", m: "1", c: "4" },
      { external_id: "d3", m: "1", c: "2" },
    ]);
  });

  it("answers 503 over HTTP with the per-item statuses", async () => {
    await lake.deleteBySource("cut");
    proxy.rearm();
    const key = "ingest-key-0123456789";
    const app = routesApp(documentRoutes(lakeContext(fakeEngine(), lake, { auth: roleAuth({ ingest: key }) })));
    const r = await request(app)
      .post("/v1/documents/batch")
      .set("x-api-key", key)
      .send({ documents: docs })
      .expect(503);
    expect(r.body.error.code).toBe("lake_unavailable");
    expect(r.body.error.details.items.map((i: { status: string }) => i.status)).toEqual(["error", "error", "error"]);
    expect(await lake.findByExternalId("cut", "d2")).toBeNull();
  });
});
