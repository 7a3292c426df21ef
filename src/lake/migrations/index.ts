/**
 * Versioned schema migrations, applied in order at start (each in its own transaction, recorded in
 * lake_migrations). Never edit a released migration: add the next one.
 */
import type { Db } from "../db.js";
import { TREND_COUNTS_MIGRATION, TREND_STATED_MIGRATION, TREND_WHOLE_MIGRATION } from "../trend-counts.js";
import { LakeInputError } from "../types.js";

export interface Migration {
  version: number;
  name: string;
  /** `dimension` is the embedder's, fixed when the lake is created (the vector column and HNSW index need it). */
  sql(dimension: number): string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "documents",
    sql: (dim) => `
CREATE TABLE lake_meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO lake_meta (key, value) VALUES ('dimension', '${dim}');

CREATE TABLE documents (
  id            uuid PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('offer', 'cv')),
  source        text NOT NULL,
  external_id   text NOT NULL,
  title         text,
  -- offers always; CVs only when the caller asked (storeText): personal data.
  raw_text      text,
  document_date timestamptz NOT NULL,
  ingested_at   timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  content_hash  text NOT NULL,
  model         text NOT NULL,
  rome_version  text NOT NULL,
  -- NULL when the text has no word the embedder knows.
  embedding     vector(${dim}),
  CONSTRAINT documents_source_external_id UNIQUE (source, external_id)
);
CREATE INDEX documents_kind_date ON documents (kind, document_date);
CREATE INDEX documents_cv_updated ON documents (updated_at) WHERE kind = 'cv';
CREATE INDEX documents_embedding_hnsw ON documents USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

CREATE TABLE document_metiers (
  document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  rank        smallint NOT NULL,
  code        text NOT NULL,
  score       real NOT NULL,
  confidence  real NOT NULL,
  PRIMARY KEY (document_id, code)
);
CREATE INDEX document_metiers_code ON document_metiers (code, document_id);

CREATE TABLE document_competences (
  document_id      uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  code             text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('competence', 'savoir')),
  macro_competence text,
  score            real NOT NULL,
  PRIMARY KEY (document_id, code)
);
CREATE INDEX document_competences_mc ON document_competences (macro_competence);

-- Candidate phrases no ROME item covers, for emerging-skill trends.
CREATE TABLE document_phrases (
  document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  phrase      text NOT NULL,
  PRIMARY KEY (document_id, phrase)
);
CREATE INDEX document_phrases_phrase ON document_phrases (phrase);
`,
  },
  {
    version: 2,
    name: "feedback",
    sql: () => `
-- Right / wrong verdicts on a document's predicted métiers (src/lake/feedback.ts). No text: the document holds it,
-- and erasing the document erases its feedback (ON DELETE CASCADE).
CREATE TABLE document_feedback (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id   uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  -- The document's kind, here so that the figures never scan the documents table (wide rows: embeddings).
  kind          text NOT NULL CHECK (kind IN ('offer', 'cv')),
  -- The document's content when judged: once it is re-posted with another text, the verdict no longer labels it.
  content_hash  text NOT NULL,
  code          text NOT NULL,
  verdict       text NOT NULL CHECK (verdict IN ('right', 'wrong')),
  correct_code  text CHECK (correct_code IS NULL OR (verdict = 'wrong' AND correct_code <> code)),
  -- The prediction judged, as stored then: its first code, the judged code's rank and the right code's (NULL: not listed).
  top_code      text,
  code_rank     smallint,
  answer_rank   smallint,
  model         text NOT NULL,
  rome_version  text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_feedback_document ON document_feedback (document_id, id);
CREATE INDEX document_feedback_created ON document_feedback (created_at);
`,
  },
  {
    version: 3,
    name: "cv_personal_data",
    sql: () => `
-- A CV stored without its text keeps ROME-derived data only: its title and phrases could name the person.
UPDATE documents SET title = NULL WHERE kind = 'cv' AND raw_text IS NULL AND title IS NOT NULL;
DELETE FROM document_phrases p USING documents d WHERE d.id = p.document_id AND d.kind = 'cv' AND d.raw_text IS NULL;
-- Phrases with long digit runs were phone numbers, NIR, references: never a skill.
DELETE FROM document_phrases WHERE phrase ~ '[0-9]{5}' OR phrase ~ '([0-9]+ ){3}';
`,
  },
  {
    version: 4,
    name: "trend-counts",
    // Aggregates for trends (src/lake/trend-counts.ts), backfilled from the documents already stored.
    sql: () => TREND_COUNTS_MIGRATION,
  },
  {
    version: 5,
    name: "trend-stated",
    // Phrases said beside ROME items, per document and counted per cell (src/lake/trend-counts.ts).
    sql: () => TREND_STATED_MIGRATION,
  },
  {
    version: 6,
    name: "trend-whole",
    // Phrases that stand whole in their statement, per document and counted per cell (src/lake/trend-counts.ts).
    sql: () => TREND_WHOLE_MIGRATION,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Applies the missing migrations and returns the lake's embedding dimension.
 * On a server, an advisory lock makes concurrent starts of several API processes safe.
 */
export async function migrate(
  db: Db,
  dimension: number | undefined,
): Promise<{ dimension: number; schemaVersion: number }> {
  await ensureVectorExtension(db);
  return db.transaction(async (tx) => {
    if (db.backend === "postgres")
      await tx.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.rome_match_lake'))");
    await tx.query(
      "CREATE TABLE IF NOT EXISTS lake_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = new Set(
      (await tx.query<{ version: number }>("SELECT version FROM lake_migrations")).rows.map((r) => r.version),
    );
    let dim = dimension;
    if (done.has(1)) {
      const stored = Number(
        (await tx.query<{ value: string }>("SELECT value FROM lake_meta WHERE key = 'dimension'")).rows[0]?.value,
      );
      if (dim !== undefined && stored !== dim) {
        throw new LakeInputError(
          `the lake holds ${stored}-dimensional embeddings but the embedder gives ${dim}: use another LAKE_DIR / database or re-ingest`,
        );
      }
      dim = stored;
    }
    if (dim === undefined)
      throw new LakeInputError("the lake is not initialised yet: open it once with the match engine (e.g. `ingest`)");
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      // Multi-statement SQL without parameters: the simple-query protocol runs it as one string.
      await tx.exec(m.sql(dim));
      await tx.query("INSERT INTO lake_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
    }
    return { dimension: dim, schemaVersion: SCHEMA_VERSION };
  });
}

async function ensureVectorExtension(db: Db): Promise<void> {
  const r = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'");
  if (r.rows.length > 0) return;
  try {
    await db.query("CREATE EXTENSION IF NOT EXISTS vector");
  } catch (e) {
    throw new LakeInputError(
      `the pgvector extension is missing in this database and this role may not create it (${(e as Error).message}): run scripts/setup-postgres.sh or, as a superuser, CREATE EXTENSION vector`,
    );
  }
}
