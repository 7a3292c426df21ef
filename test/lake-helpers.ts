/** Shared fixtures of the lake tests: a small deterministic engine and the two backends. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import type { ExtractedSkill, MatchInput, MatchResult } from "../src/match/types.js";
import type { MacroCompetence } from "../src/rome/types.js";
import { openLake } from "../src/ingest/index.js";
import type { Lake, LakeEngine } from "../src/lake/index.js";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://rome:rome@127.0.0.1:5432/rome_test";

/** word → (compétence, MC) the fake extractor "finds"; word → métier it predicts. */
const SKILLS: Record<string, { code: string; mc: string }> = {
  java: { code: "C-JAVA", mc: "MC-DEV" },
  python: { code: "C-PY", mc: "MC-DEV" },
  sql: { code: "C-SQL", mc: "MC-DATA" },
  encaissement: { code: "C-CAISSE", mc: "MC-VENTE" },
  rayon: { code: "C-RAYON", mc: "MC-VENTE" },
  soins: { code: "C-SOINS", mc: "MC-SOIN" },
  killme: { code: "C-KILLME", mc: "MC-DEV" },
};
const METIERS: Record<string, string> = {
  java: "M1805",
  python: "M1805",
  sql: "M1805",
  encaissement: "D1214",
  rayon: "D1214",
  soins: "J1506",
};
const MC_LABELS: Record<string, string> = {
  "MC-DEV": "Développer des logiciels",
  "MC-DATA": "Gérer des données",
  "MC-VENTE": "Vendre",
  "MC-SOIN": "Soigner",
};

const words = (s: string) => s.toLowerCase().match(/\p{L}+/gu) ?? [];

export function fakeEngine(dimension = 32, opts: { failOn?: string; badRowOn?: string } = {}): LakeEngine {
  return {
    modelId: "fake-model",
    referential: {
      version: "v460",
      mcIdf: (mc: string) => ({ "MC-DEV": 2, "MC-DATA": 1.5, "MC-VENTE": 1, "MC-SOIN": 3 })[mc] ?? 0,
      macroCompetences: new Map(
        Object.entries(MC_LABELS).map(([code, libelle]) => [code, { code, libelle } as MacroCompetence]),
      ),
      competences: new Map(),
      savoirs: new Map(),
      appellations: new Map(),
      contextes: new Map(),
    },
    embedder: {
      dimension,
      async embed(texts: readonly string[]) {
        return texts.map((t) => {
          const v = new Float32Array(dimension);
          for (const w of words(t)) {
            let h = 2166136261;
            for (const ch of w) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
            v[(h >>> 0) % dimension] += 1;
          }
          const n = Math.hypot(...v);
          return n > 0 ? v.map((x) => x / n) : v;
        });
      },
    },
    async match(input: MatchInput): Promise<MatchResult> {
      if (opts.failOn && input.text.includes(opts.failOn)) throw new Error("engine failure for this text");
      const ws = words(`${input.title ?? ""} ${input.text}`);
      // Evidence: the word where the body first says it (the engine's spans are in the body, not the title).
      const at = (w: string) => input.text.toLowerCase().indexOf(w);
      const skills: ExtractedSkill[] = [...new Set(ws.filter((w) => SKILLS[w]))].map((w) => ({
        code: SKILLS[w]!.code,
        kind: "competence" as const,
        libelle: w,
        macroCompetence: SKILLS[w]!.mc,
        score: 0.9,
        evidence: at(w) >= 0 ? [{ start: at(w), end: at(w) + w.length, text: w }] : [],
      }));
      // A row the database refuses (CHECK on kind), to exercise the per-document savepoint.
      if (opts.badRowOn && input.text.includes(opts.badRowOn))
        skills.push({
          code: "C-BAD",
          kind: "bogus" as "competence",
          libelle: "bad",
          macroCompetence: null,
          score: 1,
          evidence: [],
        });
      const codes = [...new Set(ws.map((w) => METIERS[w]).filter((c): c is string => !!c))];
      return {
        romeVersion: "v460",
        model: "fake-model",
        kind: input.kind,
        status: codes.length ? "confident" : "empty",
        statusReason: null,
        evidenceLeader: null,
        margin: 0.1,
        metiers: codes.map((code, i) => ({
          code,
          libelle: code,
          parentOf: null,
          confidence: 0.8 - i * 0.1,
          score: { title: 0, body: 0, mcOverlap: 0, exemplars: 0, interactions: 0, total: 0.9 - i * 0.1 },
          appellation: null,
          sharedMacroCompetences: [],
          missingMacroCompetences: [],
          unusedSkills: [],
        })),
        skills,
        experiences: [],
        requiredSkills: [],
        uncoveredPhrases: [...new Set(ws.filter((w) => w.length > 8 && !SKILLS[w]))],
        timings: { totalMs: 0, embedMs: 0, extractMs: 0, rankMs: 0, explainMs: 0 },
      };
    },
  };
}

export interface Backend {
  name: "pglite" | "postgres";
  open(engine?: LakeEngine, extra?: { cvRetentionDays?: number; databaseUrl?: string }): Promise<Lake>;
  /** Row counts of every lake table for one document id. */
  rowsOf(id: string): Promise<number>;
  sql<R>(q: string, params?: unknown[]): Promise<R[]>;
  cleanup(): Promise<void>;
}

/** A fresh isolated lake: a temporary PGlite folder, or a throw-away schema on the test server. */
export function makeBackend(name: "pglite" | "postgres"): Backend {
  const schema = `lake_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "lake-test-"));
  const lakes: Lake[] = [];
  let admin: pg.Client | undefined;
  const tables = [
    "documents WHERE id = $1",
    "document_metiers WHERE document_id = $1",
    "document_competences WHERE document_id = $1",
    "document_phrases WHERE document_id = $1",
  ];
  const backend: Backend = {
    name,
    async open(engine = fakeEngine(), extra = {}) {
      const lake = await openLake(
        {
          databaseUrl: name === "postgres" ? (extra.databaseUrl ?? TEST_DATABASE_URL) : undefined,
          lakeDir: dir,
          cvRetentionDays: extra.cvRetentionDays ?? 0,
        },
        engine,
        { schema: name === "postgres" ? schema : undefined, retentionSweepMs: 0 },
      );
      lakes.push(lake);
      return lake;
    },
    async sql<R>(q: string, params: unknown[] = []) {
      if (name === "postgres") {
        if (!admin) {
          admin = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema},public` });
          await admin.connect();
        }
        return (await admin.query(q, params)).rows as R[];
      }
      // PGlite allows one process per folder: query through a lake's own connection (tests only).
      const lake = lakes[lakes.length - 1] as unknown as {
        db: { query<T>(q: string, p: unknown[]): Promise<{ rows: T[] }> };
      };
      return (await lake.db.query<R>(q, params)).rows;
    },
    async rowsOf(id: string) {
      let n = 0;
      for (const t of tables)
        n += Number((await backend.sql<{ n: string }>(`SELECT count(*) AS n FROM ${t}`, [id]))[0]!.n);
      return n;
    },
    async cleanup() {
      for (const l of lakes) await l.close().catch(() => undefined);
      if (name === "postgres") {
        await backend.sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
        await admin?.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return backend;
}

/**
 * Opens the backend before the tests of a describe block (handing it and its lake to `use`) and removes it after:
 * `useBackend(name, (x) => ({ b, lake } = x))`.
 */
export function useBackend(name: "pglite" | "postgres", use: (opened: { b: Backend; lake: Lake }) => unknown): void {
  let b: Backend | undefined;
  beforeAll(async () => {
    b = makeBackend(name);
    await use({ b, lake: await b.open() });
  });
  afterAll(async () => b?.cleanup());
}
