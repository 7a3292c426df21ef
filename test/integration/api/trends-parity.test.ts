/**
 * The lake path ranks like the analysis of the same documents in memory (the JSONL path the backtest measures):
 * the same candidate phrases per document, the same stated and whole counts, the same emerging phrases with the same
 * scores,
 * served from the aggregates (SQL sums, worker thread) and from the documents' SQL pass (weeks).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrendAnalyses } from "../../../src/api/trends-analyses.js";
import { loadConfig, type Config } from "../../../src/config.js";
import { TransformersEmbedder } from "../../../src/embed/index.js";
import type { Lake, TrendDocument } from "../../../src/lake/index.js";
import { createCoverageChecker } from "../../../src/match/index.js";
import { loadReferential, type Referential } from "../../../src/rome/index.js";
import {
  analyzeTrends,
  countCells,
  createPhraseAttacher,
  offerToTrendDocument,
  trendOptions,
  TrendQuerySchema,
  type PhraseAttacher,
  type TrendQuery,
  type TrendReport,
} from "../../../src/trends/index.js";
import { fakeEngine, useBackend } from "../../lake-helpers.js";

// The whole-phrase factor is off by default (config `trendsWholeFactor`); on here, for the worker (its config) and the
// in-memory analysis alike, so that both paths are seen to rank with it.
const config = (): Config => ({ ...loadConfig(), trendsWholeFactor: true });

// java, python, sql, encaissement, rayon, soins are the fake engine's skills (evidence: where the body says them):
// a sentence holding one states its other phrases beside a ROME item; the prose states nothing.
const STATED = [
  "Compétences : java, sql, bonne humeur et goût du travail bien fait.",
  "Maîtrise de python, esprit de synthèse, aisance relationnelle.",
  "Encaissement et mise en rayon avec bonne humeur au quotidien.",
  "Soins aux patients avec bienveillance et esprit de synthèse.",
];
const PROSE = [
  "Rejoignez une équipe à taille humaine pour relever un nouveau challenge.",
  "Vous aimez la bonne humeur et le goût du travail bien fait ?",
  "Poste à pourvoir immédiatement, belles perspectives d'évolution.",
  "Vous faites preuve d'aisance relationnelle et d'esprit de synthèse.",
];
// The title's skill word gives the métier, hence the domaine (the fourth names none: domaine "?"). Three offers have
// no title: both paths then read the body alone.
const TITLES = ["Développeur java", "Vendeur encaissement", "Infirmier soins", "Assistant administratif"];

const OFFERS = Array.from({ length: 72 }, (_, i) => ({
  kind: "offer" as const,
  source: `board-${i % 3}`,
  externalId: `o${i}`,
  title: i % 24 === 12 ? undefined : TITLES[Math.floor(i / 3) % 4]!,
  text: [STATED[i % 4]!, PROSE[(i * 7) % 4]!, ...(i % 5 < 2 ? [PROSE[(i + 1) % 4]!] : [])].join("\n"),
  documentDate: new Date(Date.UTC(2025, i % 6, 2 + (i % 25))),
}));

/** The same offers read by the JSONL path's rule, with the fake engine's métiers and skills. */
async function inMemoryDocuments(): Promise<TrendDocument[]> {
  const engine = fakeEngine();
  const checker = createCoverageChecker(engine.referential);
  const out: TrendDocument[] = [];
  for (const o of OFFERS) {
    const m = await engine.match({ text: o.text, title: o.title, kind: o.kind });
    // The engine's evidence is in the body; offerText puts the title line, if any, before it.
    const shift = o.title ? o.title.length + 1 : 0;
    const skills = m.skills.map((s) => ({
      code: s.code,
      evidence: s.evidence.map((e) => ({ start: e.start + shift, end: e.end + shift })),
    }));
    const input = {
      id: o.externalId,
      source: o.source,
      date: o.documentDate,
      title: o.title ?? "",
      description: o.text,
    };
    out.push(offerToTrendDocument({ ...input, metiers: m.metiers.map((x) => x.code), skills }, checker));
  }
  return out;
}

const ranked = (r: TrendReport) => r.emerging.map((e) => [e.key, e.score] as const);
const perDocument = (docs: TrendDocument[]) =>
  docs
    .map((d) =>
      JSON.stringify([[...d.phrases].sort(), [...(d.statedPhrases ?? [])].sort(), [...(d.wholePhrases ?? [])].sort()]),
    )
    .sort();

let referential: Referential;
let attacher: PhraseAttacher;
let docs: TrendDocument[];
beforeAll(async () => {
  const config = loadConfig();
  referential = loadReferential(config.romeDir);
  attacher = await createPhraseAttacher(referential, await TransformersEmbedder.fromConfig(config));
  docs = await inMemoryDocuments();
}, 300_000);

describe.each(["pglite", "postgres"] as const)("lake and in-memory trends on %s", (name) => {
  let lake: Lake;
  // One analyses service (one worker thread: the model and label embeddings load once) for the block.
  let analyses: TrendAnalyses | undefined;
  useBackend(name, async (x) => {
    lake = x.lake;
    await lake.ingestBatch(OFFERS);
    analyses = new TrendAnalyses(lake, config());
  });
  afterAll(async () => analyses?.close());

  it("stores the JSONL path's candidate phrases, stated phrases and whole phrases of every document", async () => {
    const stored: TrendDocument[] = [];
    for await (const d of lake.trendDocuments()) stored.push(d);
    expect(perDocument(stored)).toEqual(perDocument(docs));
    // Phrases said both beside items and in prose: the stated share lies strictly between 0 and 1.
    const mem = countCells(docs, "month", 5);
    const sql = await lake.trendCounts({ minSupport: 5, minSources: 1 });
    expect(new Map([...sql.stated].filter(([, n]) => n > 0))).toEqual(
      new Map([...mem.stated!].filter(([, n]) => n > 0)),
    );
    const shares = [...mem.phrases].map(
      ([k, cells]) => mem.stated!.get(k)! / cells.reduce((a, c) => a + c.documents, 0),
    );
    expect(shares.some((s) => s > 0.2 && s < 0.8)).toBe(true);
    // Phrases said whole in a list ("…, bonne humeur et …") and inside a frame ("la bonne humeur"): the same counts.
    expect(new Map([...sql.whole].filter(([, n]) => n > 0))).toEqual(new Map([...mem.whole!].filter(([, n]) => n > 0)));
    const wholeShares = [...mem.phrases].map(
      ([k, cells]) => (mem.whole!.get(k) ?? 0) / cells.reduce((a, c) => a + c.documents, 0),
    );
    expect(wholeShares.some((s) => s > 0.2 && s < 0.8)).toBe(true);
  });

  it.each([
    ["monthly aggregates (SQL sums)", { minSupport: "5", minSources: "2" }],
    ["documents' SQL pass (weeks)", { minSupport: "5", minSources: "2", period: "week" }],
  ])(
    "ranks the same phrases with the same scores as the in-memory analysis: %s",
    async (_, params) => {
      const q: TrendQuery = TrendQuerySchema.parse(params);
      const mem = await analyzeTrends(() => docs, trendOptions(q), { referential, attacher, wholeFactor: true });
      const { report } = await analyses!.refresh(q);
      expect(report.tested).toBe(mem.tested);
      expect(mem.emerging.length).toBeGreaterThanOrEqual(3);
      expect(ranked(report).map(([k]) => k)).toEqual(ranked(mem).map(([k]) => k));
      ranked(report).forEach(([, score], i) => expect(score).toBeCloseTo(ranked(mem)[i]![1], 4));
      // The stated and whole factors are at work: without either list the same documents score otherwise.
      for (const bare of [docs.map(({ statedPhrases: _s, ...d }) => d), docs.map(({ wholePhrases: _w, ...d }) => d)]) {
        const neutral = await analyzeTrends(() => bare, trendOptions(q), { referential, attacher, wholeFactor: true });
        expect(ranked(neutral)).not.toEqual(ranked(mem));
      }
      // The factor is the context's: left unset (the default config), the same documents score otherwise.
      const off = await analyzeTrends(() => docs, trendOptions(q), { referential, attacher });
      expect(ranked(off)).not.toEqual(ranked(mem));
    },
    300_000,
  );
});
