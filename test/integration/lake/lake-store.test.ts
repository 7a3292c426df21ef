import { describe, expect, it } from "vitest";
import type { Lake } from "../../../src/lake/index.js";
import { contentStems } from "../../../src/text/index.js";
import { fakeEngine, useBackend, type Backend } from "../../lake-helpers.js";

const OFFER_DEV = {
  kind: "offer" as const,
  source: "ft",
  title: "Développeur Java",
  text: "Développer en java et python, requêtes sql. Télétravail hebdomadaire.",
  documentDate: new Date("2025-03-01T00:00:00Z"),
};
const OFFER_SHOP = {
  kind: "offer" as const,
  source: "ft",
  title: "Vendeur",
  text: "Encaissement et mise en rayon en magasin.",
  documentDate: new Date("2024-06-01T00:00:00Z"),
};
const OFFER_CARE = {
  kind: "offer" as const,
  source: "ft",
  title: "Infirmier",
  text: "Soins aux patients, coordination hospitalière.",
  documentDate: new Date("2025-01-15T00:00:00Z"),
};
const CV_DEV = {
  kind: "cv" as const,
  source: "portal",
  title: "Développeur",
  text: "Cinq ans de java et de sql dans une banque.",
  documentDate: new Date("2025-04-01T00:00:00Z"),
};

describe.each(["pglite", "postgres"] as const)("lake store on %s", (name) => {
  let b: Backend;
  let lake: Lake;
  useBackend(name, (x) => ({ b, lake } = x));

  it("ingests idempotently on (source, externalId): re-post is unchanged, a new text updates the same row", async () => {
    const a = await lake.ingest({ ...OFFER_DEV, externalId: "o-dev" });
    expect(a.status).toBe("created");
    const again = await lake.ingest({ ...OFFER_DEV, externalId: "o-dev" });
    expect(again).toEqual({ ...a, status: "unchanged" });
    const upd = await lake.ingest({ ...OFFER_DEV, externalId: "o-dev", text: `${OFFER_DEV.text} Et du python.` });
    expect(upd).toMatchObject({ id: a.id, status: "updated" });
    const rows = await b.sql<{ n: string }>(
      "SELECT count(*) AS n FROM documents WHERE source = 'ft' AND external_id = 'o-dev'",
    );
    expect(Number(rows[0]!.n)).toBe(1);
    const doc = await lake.get(a.id, { includeText: true });
    expect(doc?.text).toContain("Et du python");
    expect(doc?.metiers.map((m) => m.code)).toEqual(["M1805"]);
    expect(doc?.competences.map((c) => c.code).sort()).toEqual(["C-JAVA", "C-PY", "C-SQL"]);
    // Phrases are stemmed keys of the stated units (src/trends documentPhrases), the title line's too.
    expect(doc?.phrases).toContain(contentStems("hebdomadaire").join(" "));
    expect(doc?.phrases).toContain(contentStems("développeur").join(" "));
    // Children were replaced, not appended.
    expect(await b.rowsOf(a.id)).toBe(1 + 1 + 3 + doc!.phrases.length);
  });

  it("keeps a CV's text only when asked", async () => {
    const plain = await lake.ingest({ ...CV_DEV, externalId: "cv-1" });
    const kept = await lake.ingest({ ...CV_DEV, externalId: "cv-2", storeText: true });
    const raw = await b.sql<{ external_id: string; raw_text: string | null }>(
      "SELECT external_id, raw_text FROM documents WHERE kind = 'cv' ORDER BY external_id",
    );
    expect(raw).toEqual([
      { external_id: "cv-1", raw_text: null },
      { external_id: "cv-2", raw_text: CV_DEV.text },
    ]);
    expect((await lake.get(plain.id, { includeText: true }))?.hasText).toBe(false);
    expect((await lake.get(kept.id))?.text).toBeNull();
    expect((await lake.get(kept.id, { includeText: true }))?.text).toBe(CV_DEV.text);
  });

  it("reports a status per batch item and writes the others when one fails", async () => {
    if (name === "pglite") await lake.close(); // one process per PGlite folder
    const failing = await b.open(fakeEngine(32, { failOn: "PANNE", badRowOn: "REFUS" }));
    const items = await failing.ingestBatch([
      { ...OFFER_SHOP, externalId: "o-shop" },
      { ...OFFER_CARE, externalId: "o-broken", text: "PANNE soins" },
      { ...OFFER_CARE, externalId: "o-care" },
      { ...OFFER_CARE, externalId: "o-refused", text: "REFUS soins java" },
      { ...OFFER_DEV, externalId: "o-dev" },
    ]);
    expect(items.map((i) => i.status)).toEqual(["created", "error", "created", "error", "updated"]);
    expect(items[1]!.error?.code).toBe("match_failed");
    expect(items[3]!.error).toEqual({ code: "write_failed", message: "the database refused this document" });
    expect(await failing.findByExternalId("ft", "o-broken")).toBeNull();
    // The refused document's row was inserted before its compétences failed: its savepoint took it back.
    expect(await failing.findByExternalId("ft", "o-refused")).toBeNull();
    expect(
      Number((await b.sql<{ n: string }>("SELECT count(*) AS n FROM document_competences WHERE code = 'C-BAD'"))[0]!.n),
    ).toBe(0);
    if (name === "postgres")
      await failing.close(); // PGlite: one process per folder, keep using the same instance
    else lake = failing;
  });

  it("stores one row under concurrent posts of the same external id", async () => {
    const rs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => lake.ingest({ ...OFFER_DEV, externalId: "race", text: `java version ${i}` })),
    );
    expect(rs.filter((r) => r.status === "created")).toHaveLength(1);
    expect(new Set(rs.map((r) => r.id)).size).toBe(1);
    const n = await b.sql<{ n: string }>("SELECT count(*) AS n FROM documents WHERE external_id = 'race'");
    expect(Number(n[0]!.n)).toBe(1);
    const m = await b.sql<{ n: string }>("SELECT count(*) AS n FROM document_metiers WHERE document_id = $1", [
      rs[0]!.id,
    ]);
    expect(Number(m[0]!.n)).toBe(1);
    await lake.delete(rs[0]!.id);
  });

  it("keeps one row per document when concurrent batches overlap, in any order", async () => {
    const mk = (i: number, v: string) => ({
      kind: "offer" as const,
      source: "race-b",
      externalId: `r${i}`,
      text: `sql python ${v} ${i}`,
    });
    const a = Array.from({ length: 6 }, (_, i) => mk(i, "a"));
    const z = Array.from({ length: 6 }, (_, i) => mk(5 - i, "z"));
    const [ra, rz] = await Promise.all([lake.ingestBatch(a), lake.ingestBatch(z)]);
    expect([...ra, ...rz].every((r) => r.status === "created" || r.status === "updated")).toBe(true);
    const n = await b.sql<{ n: string; m: string }>(
      "SELECT count(*) AS n, (SELECT count(*) FROM document_metiers dm JOIN documents d ON d.id = dm.document_id WHERE d.source = 'race-b') AS m FROM documents WHERE source = 'race-b'",
    );
    expect([Number(n[0]!.n), Number(n[0]!.m)]).toEqual([6, 6]);
    expect(await lake.deleteBySource("race-b")).toBe(6);
  });

  it("keeps the stored date when a re-post has none", async () => {
    const first = await lake.ingest({
      kind: "cv",
      source: "dates",
      externalId: "d",
      text: "java",
      documentDate: new Date("2024-02-02T00:00:00Z"),
    });
    await lake.ingest({ kind: "cv", source: "dates", externalId: "d", text: "java et sql" });
    expect((await lake.get(first.id))?.documentDate.toISOString()).toBe("2024-02-02T00:00:00.000Z");
    const fresh = await lake.ingest({ kind: "cv", source: "dates", externalId: "e", text: "java" });
    expect(Math.abs((await lake.get(fresh.id))!.documentDate.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await lake.deleteBySource("dates")).toBe(2);
  });

  it("matches a CV to offers with shared macro-compétences, and filters by métier and date", async () => {
    const cv = await lake.findByExternalId("portal", "cv-1");
    const r = await lake.similar(cv!, { topK: 3 });
    expect(r?.kind).toBe("offer");
    expect(r?.results[0]?.externalId).toBe("o-dev");
    const top = r!.results[0]!;
    expect(top.sharedMacroCompetences.map((m) => m.code).sort()).toEqual(["MC-DATA", "MC-DEV"]);
    expect(top.sharedMacroCompetences[0]!.code).toBe("MC-DEV"); // rarer MC first
    expect(top.score.mcOverlap).toBe(1);
    // Both were matched to the developer fiche: that agreement is part of the score and is named.
    expect(top.sharedMetiers.map((m) => m.code)).toEqual(["M1805"]);
    expect(top.score.metiers).toBeGreaterThan(0);
    expect(r!.results.slice(1).every((x) => x.sharedMetiers.every((m) => m.code !== "M1805"))).toBe(true);
    expect(top.score.total).toBeGreaterThan(r!.results[1]?.score.total ?? 0);
    expect((await lake.similar(cv!, { metier: "D1214" }))!.results.map((x) => x.externalId)).toEqual(["o-shop"]);
    const dated = await lake.similar(cv!, { from: new Date("2025-01-01"), to: new Date("2025-02-01") });
    expect(dated!.results.map((x) => x.externalId)).toEqual(["o-care"]);
    // offer → CVs is the default direction for an offer, and names what the CV lacks of the offer.
    const dev = await lake.findByExternalId("ft", "o-dev");
    const back = await lake.similar(dev!, {});
    expect(back!.results.map((x) => x.kind)).toEqual(["cv", "cv"]);
    expect(await lake.similar("00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("gives no neighbours for a document without any known word", async () => {
    const empty = await lake.ingest({ kind: "cv", source: "portal", externalId: "cv-empty", text: "123 456 !!!" });
    expect((await lake.similar(empty.id))!.results).toEqual([]);
    await lake.delete(empty.id);
  });

  it("feeds trends with codes and phrases, never a CV's text", async () => {
    const docs = [];
    for await (const d of lake.trendDocuments()) docs.push(d);
    expect(docs.length).toBe(5);
    expect(docs.filter((d) => d.kind === "cv").every((d) => d.text === null)).toBe(true);
    expect(docs.find((d) => d.kind === "offer" && d.metiers.includes("M1805"))?.text).toContain("java");
    const only = [];
    for await (const d of lake.trendDocuments({ kinds: ["offer"], metier: "D1214", from: new Date("2024-01-01") }))
      only.push(d);
    expect(only.map((d) => d.metiers)).toEqual([["D1214"]]);
  });

  it("erases a document and all its rows, by id and by source", async () => {
    const id = (await lake.findByExternalId("ft", "o-dev"))!;
    expect(await b.rowsOf(id)).toBeGreaterThan(1);
    expect(await lake.delete(id)).toBe(true);
    expect(await b.rowsOf(id)).toBe(0);
    expect(await lake.delete(id)).toBe(false);
    const cvIds = [(await lake.findByExternalId("portal", "cv-1"))!, (await lake.findByExternalId("portal", "cv-2"))!];
    expect(await lake.deleteBySource("portal", "cv-2")).toBe(1);
    expect(await lake.deleteBySource("portal")).toBe(1);
    for (const c of cvIds) expect(await b.rowsOf(c)).toBe(0);
  });

  it("purges CVs past retention and keeps offers", async () => {
    const cv = await lake.ingest({ ...CV_DEV, externalId: "cv-old" });
    const before = (await lake.stats()).documents;
    expect(await lake.purgeExpiredCvs(30, new Date(Date.now() + 10 * 86_400_000))).toBe(0);
    expect(await lake.purgeExpiredCvs(30, new Date(Date.now() + 31 * 86_400_000))).toBe(1);
    expect(await b.rowsOf(cv.id)).toBe(0);
    expect((await lake.stats()).documents).toEqual({ offer: before.offer, cv: before.cv - 1 });
    expect(await lake.purgeExpiredCvs(0, new Date(Date.now() + 1e12))).toBe(0); // 0 = retention disabled
  });

  it("re-opens with migrations already applied and refuses another embedding dimension", async () => {
    if (name === "pglite") await lake.close(); // one process per folder
    let again = await b.open();
    expect((await again.stats()).schemaVersion).toBe(6);
    if (name === "pglite") await again.close(); // one process (and one instance) per folder
    await expect(b.open(fakeEngine(64))).rejects.toThrow(/32-dimensional/);
    if (name === "pglite") again = await b.open();
    lake = again;
  });
});
