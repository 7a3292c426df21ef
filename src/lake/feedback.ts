/**
 * Feedback on predictions: right / wrong verdicts on a stored document's métiers, what they say of the engine's
 * accuracy in production, and the offers they label for the engine's memory (the loop ROMEO v2's feedback serves).
 */
import type { Queryable } from "./db.js";
import { LAKE_LIMITS, type DocumentKind } from "./types.js";
import {
  type FeedbackInput,
  type FeedbackQuery,
  type FeedbackRecord,
  type FeedbackStats,
  type FeedbackVerdict,
  type LabelledOffer,
  type RankAgreement,
} from "./feedback-types.js";
import { round } from "../numbers.js";

interface FeedbackRow {
  id: string | number;
  document_id: string;
  kind: DocumentKind;
  code: string;
  verdict: FeedbackVerdict;
  correct_code: string | null;
  top_code: string | null;
  code_rank: number | null;
  answer_rank: number | null;
  model: string;
  rome_version: string;
  created_at: Date;
}

/** The right code a verdict names, in SQL (the same rule as `answerOf`). */
const ANSWER_SQL = "CASE WHEN f.verdict = 'right' THEN f.code ELSE f.correct_code END";

export const answerOf = (verdict: FeedbackVerdict, code: string, correctCode: string | null): string | null =>
  verdict === "right" ? code : correctCode;

/** One statement: the prediction judged is read as stored in the same snapshot as the verdict is written. */
export async function addFeedback(db: Queryable, input: FeedbackInput): Promise<FeedbackRecord | null> {
  const r = await db.query<FeedbackRow>(
    `WITH d AS (SELECT id, kind, content_hash, model, rome_version FROM documents WHERE id = $1::uuid),
     ins AS (
       INSERT INTO document_feedback (document_id, kind, content_hash, code, verdict, correct_code, top_code, code_rank, answer_rank, model, rome_version)
       SELECT d.id, d.kind, d.content_hash, $2::text, $3::text, $4::text,
         (SELECT m.code FROM document_metiers m WHERE m.document_id = d.id ORDER BY m.rank LIMIT 1),
         (SELECT m.rank FROM document_metiers m WHERE m.document_id = d.id AND m.code = $2::text),
         (SELECT m.rank FROM document_metiers m WHERE m.document_id = d.id AND m.code = (CASE WHEN $3::text = 'right' THEN $2::text ELSE $4::text END)),
         d.model, d.rome_version
       FROM d
       RETURNING *
     )
     SELECT ins.id, ins.document_id, ins.kind, ins.code, ins.verdict, ins.correct_code, ins.top_code, ins.code_rank, ins.answer_rank, ins.model, ins.rome_version, ins.created_at
     FROM ins`,
    [input.documentId, input.code, input.verdict, input.correctCode ?? null],
  );
  const row = r.rows[0];
  return row ? toRecord(row) : null;
}

function toRecord(r: FeedbackRow): FeedbackRecord {
  return {
    id: Number(r.id),
    documentId: r.document_id,
    kind: r.kind,
    code: r.code,
    verdict: r.verdict,
    correctCode: r.correct_code,
    answer: answerOf(r.verdict, r.code, r.correct_code),
    topCode: r.top_code,
    codeRank: r.code_rank === null ? null : Number(r.code_rank),
    answerRank: r.answer_rank === null ? null : Number(r.answer_rank),
    romeVersion: r.rome_version,
    model: r.model,
    createdAt: r.created_at,
  };
}

/**
 * The window's feedback (`w`), and each document's answer (`a`): its latest verdict naming a right code, unless a
 * later `wrong` was given on that very code (a hash join on each (document, code)'s last `wrong`: `w` has no index).
 */
const WINDOW_SQL = `WITH w AS (
    SELECT f.*, ${ANSWER_SQL} AS answer FROM document_feedback f
    WHERE ($1::text IS NULL OR f.kind = $1::text) AND ($2::timestamptz IS NULL OR f.created_at >= $2::timestamptz) AND ($3::timestamptz IS NULL OR f.created_at <= $3::timestamptz)
  ),
  a AS (
    SELECT l.* FROM (SELECT DISTINCT ON (document_id) * FROM w WHERE answer IS NOT NULL ORDER BY document_id, id DESC) l
    LEFT JOIN (SELECT document_id, code, max(id) AS last_wrong FROM w WHERE verdict = 'wrong' GROUP BY document_id, code) x ON x.document_id = l.document_id AND x.code = l.answer
    WHERE x.last_wrong IS NULL OR x.last_wrong < l.id
  )`;

type Count = string | number;

export async function feedbackStats(db: Queryable, q: FeedbackQuery = {}): Promise<FeedbackStats> {
  const params = [q.kind ?? null, q.from ?? null, q.to ?? null];
  const [totals, ranks, answers, confusions] = await Promise.all([
    db.query<{ feedback: Count; documents: Count }>(
      `${WINDOW_SQL} SELECT count(*) AS feedback, count(DISTINCT document_id) AS documents FROM w`,
      params,
    ),
    db.query<{ rank: number | null; judged: Count; right: Count }>(
      `${WINDOW_SQL} SELECT code_rank AS rank, count(*) AS judged, count(*) FILTER (WHERE verdict = 'right') AS right
       FROM (SELECT DISTINCT ON (document_id, code) code_rank, verdict FROM w ORDER BY document_id, code, id DESC) v
       GROUP BY code_rank ORDER BY code_rank NULLS LAST`,
      params,
    ),
    db.query<{ kind: DocumentKind; rome_version: string; model: string; rank: number | null; documents: Count }>(
      `${WINDOW_SQL} SELECT kind, rome_version, model, answer_rank AS rank, count(*) AS documents FROM a GROUP BY kind, rome_version, model, answer_rank`,
      params,
    ),
    db.query<{ predicted: string; answer: string; documents: Count }>(
      `${WINDOW_SQL} SELECT top_code AS predicted, answer, count(*) AS documents FROM a
       WHERE top_code IS NOT NULL AND top_code <> answer GROUP BY top_code, answer ORDER BY count(*) DESC, top_code, answer LIMIT ${LAKE_LIMITS.maxConfusions}`,
      params,
    ),
  ]);
  const groups = answers.rows.map((r) => ({
    kind: r.kind,
    version: `${r.rome_version}\u0000${r.model}`,
    rank: r.rank === null ? null : Number(r.rank),
    documents: Number(r.documents),
  }));
  const versions = [...new Set(groups.map((g) => g.version))].sort();
  return {
    feedback: Number(totals.rows[0]?.feedback ?? 0),
    documents: Number(totals.rows[0]?.documents ?? 0),
    byRank: ranks.rows.map((r) => {
      const judged = Number(r.judged);
      const right = Number(r.right);
      return { rank: r.rank === null ? null : Number(r.rank), judged, right, precision: ratio(right, judged) };
    }),
    answers: {
      ...rankAgreement(groups),
      byKind: {
        offer: rankAgreement(groups.filter((g) => g.kind === "offer")),
        cv: rankAgreement(groups.filter((g) => g.kind === "cv")),
      },
      byVersion: versions.map((v) => {
        const [romeVersion, model] = v.split("\u0000") as [string, string];
        return { romeVersion, model, ...rankAgreement(groups.filter((g) => g.version === v)) };
      }),
    },
    confusions: confusions.rows.map((r) => ({
      predicted: r.predicted,
      answer: r.answer,
      documents: Number(r.documents),
    })),
  };
}

/** Share of documents whose right code the prediction listed within the first k (null rank: not listed). */
export function rankAgreement(groups: readonly { rank: number | null; documents: number }[]): RankAgreement {
  const documents = groups.reduce((s, g) => s + g.documents, 0);
  const within = (k: number) =>
    ratio(
      groups.reduce((s, g) => s + (g.rank !== null && g.rank <= k ? g.documents : 0), 0),
      documents,
    );
  return { documents, top1: within(1), top3: within(3), top5: within(5), top10: within(10) };
}

const ratio = (a: number, b: number): number => (b > 0 ? round(a / b, 4) : 0);

/** The latest verdict's id (0: none yet): one index probe, so that a service sees verdicts another process stored. */
export async function lastFeedbackId(db: Queryable): Promise<number> {
  const r = await db.query<{ id: string | number | null }>("SELECT max(id) AS id FROM document_feedback");
  return Number(r.rows[0]?.id ?? 0);
}

/** Pages of `labelledOffers`, in (document date, id) order: constant memory however large the lake. */
export async function* labelledOffers(db: Queryable): AsyncIterable<LabelledOffer> {
  let after: { date: Date; id: string } | null = null;
  for (;;) {
    const r: {
      rows: {
        id: string;
        source: string;
        external_id: string;
        title: string | null;
        raw_text: string;
        document_date: Date;
        answer: string;
      }[];
    } = await db.query(
      `WITH l AS (
         SELECT DISTINCT ON (f.document_id) f.id, f.document_id, f.content_hash, ${ANSWER_SQL} AS answer
         FROM document_feedback f WHERE f.kind = 'offer' AND (f.verdict = 'right' OR f.correct_code IS NOT NULL) ORDER BY f.document_id, f.id DESC
       )
       SELECT d.id, d.source, d.external_id, d.title, d.raw_text, d.document_date, l.answer
       FROM l JOIN documents d ON d.id = l.document_id
       WHERE d.kind = 'offer' AND d.raw_text IS NOT NULL AND d.content_hash = l.content_hash
         -- A later "wrong" on the answer withdraws it (an index probe on (document_id, id) per exported row).
         AND NOT EXISTS (SELECT 1 FROM document_feedback x WHERE x.document_id = l.document_id AND x.id > l.id AND x.verdict = 'wrong' AND x.code = l.answer)
         AND ($1::timestamptz IS NULL OR (d.document_date, d.id) > ($1::timestamptz, $2::uuid))
       ORDER BY d.document_date, d.id
       LIMIT 500`,
      [after?.date ?? null, after?.id ?? null],
    );
    for (const x of r.rows)
      yield {
        id: `${x.source}:${x.external_id}`,
        intitule: x.title,
        description: x.raw_text,
        romeCode: x.answer,
        dateCreation: x.document_date.toISOString(),
      };
    if (r.rows.length < 500) return;
    const last = r.rows[r.rows.length - 1]!;
    after = { date: last.document_date, id: last.id };
  }
}
