import { dot, isZero, type Embedder } from "../embed/index.js";
import type { Referential } from "../rome/index.js";
import { contentStems } from "../text/index.js";
import type { PhraseAttacher } from "./analyze.js";
import type { Attachment } from "./types.js";
import { round } from "../numbers.js";

/**
 * Coverage by vector and words, checked once per aggregated candidate (not per document): a phrase is
 * already said by ROME when a compétence/savoir label is almost the same vector, or close and sharing
 * most of its words. Values were set by reading the dev-offer candidates (README "Emerging compétences").
 */
export const ATTACH = {
  /**
   * A label covers the phrase when its cosine reaches coverCos AND it holds ≥ coverWordShare of the phrase's
   * stems (close "by vector and by words"). Vector alone is not trusted: the static model ignores unknown
   * words, so "maintenance des hydroliennes" embeds as "maintenance" (cos 0.98 to "Procédures de maintenance").
   * For the same reason a phrase with a word unknown to the model is never covered by vector.
   */
  coverCos: 0.85,
  coverWordShare: 0.5,
  /** Nearest compétences reported per phrase. */
  nearest: 5,
} as const;

/** Nearest labels kept per phrase: the covering test, the reported compétences and the MC scores read these. */
const TOP_ROWS = 50;

/**
 * The k rows closest to v, best first, without sorting every row: a small sorted buffer that most rows fail
 * to enter (one comparison each).
 */
export function topByDot(v: Float32Array, rows: readonly Float32Array[], k: number): (readonly [number, number])[] {
  const top: [number, number][] = [];
  for (let j = 0; j < rows.length; j++) {
    const s = dot(v, rows[j]!);
    if (top.length === k && s <= top[k - 1]![0]) continue;
    let at = top.length < k ? top.length : k - 1;
    if (top.length < k) top.push([s, j]);
    else top[at] = [s, j];
    while (at > 0 && top[at - 1]![0] < s) (([top[at - 1], top[at]] = [top[at]!, top[at - 1]!]), at--);
  }
  return top;
}

interface LabelRow {
  code: string;
  libelle: string;
  kind: "competence" | "savoir";
  mc: string | null;
  stems: Set<string>;
}

/** Embeds every compétence and savoir label once (a few seconds), then attaches phrases by exact scan. */
export async function createPhraseAttacher(ref: Referential, embedder: Embedder): Promise<PhraseAttacher> {
  const rows: LabelRow[] = [];
  for (const c of ref.competences.values())
    rows.push({
      code: c.code,
      libelle: c.libelle,
      kind: "competence",
      mc: c.macroCompetence,
      stems: new Set(contentStems(c.libelle)),
    });
  for (const s of ref.savoirs.values())
    rows.push({ code: s.code, libelle: s.libelle, kind: "savoir", mc: null, stems: new Set(contentStems(s.libelle)) });
  const mcs = [...ref.macroCompetences.values()];
  const [rowVecs, mcVecs] = await Promise.all([
    embedder.embed(
      rows.map((r) => r.libelle),
      "passage",
    ),
    embedder.embed(
      mcs.map((m) => m.libelle),
      "passage",
    ),
  ]);
  const mcIndex = new Map(mcs.map((m, i) => [m.code, i]));

  const mcOut = (code: string, score: number): Attachment["macroCompetence"] => {
    const m = ref.macroCompetences.get(code);
    return m ? { code, libelle: m.libelle, codeArbo: m.codeArbo, score: round(score, 3) } : null;
  };

  return {
    async attach(labels, cooccurring) {
      const vecs = await embedder.embed(labels, "query");
      const words = labels.map((l) => l.split(/\s+/).filter((w) => contentStems(w).length > 0));
      const wordVecs = await embedder.embed([...new Set(words.flat())], "query");
      const known = new Map([...new Set(words.flat())].map((w, k) => [w, !isZero(wordVecs[k]!)]));
      const unknownWord = words.map((ws) => ws.some((w) => !known.get(w)));
      return labels.map((label, i) => {
        const v = vecs[i]!;
        const stems = contentStems(label);
        if (isZero(v)) {
          // Words unknown to the model (new tool names often are): place it where the offers that use it sit.
          const coocMcs = (cooccurring[i] ?? [])
            .map((c) => ref.competences.get(c)?.macroCompetence)
            .filter((x): x is string => !!x);
          const counts = new Map<string, number>();
          coocMcs.forEach((m, r) => counts.set(m, (counts.get(m) ?? 0) + 1 / (r + 1)));
          const best = [...counts].sort((a, b) => b[1] - a[1])[0];
          return {
            covered: false,
            coveredBy: null,
            macroCompetence: best ? mcOut(best[0], 0) : null,
            competences: (cooccurring[i] ?? []).slice(0, ATTACH.nearest).flatMap((c) => {
              const r = ref.competences.get(c) ?? ref.savoirs.get(c);
              return r
                ? [
                    {
                      code: c,
                      libelle: r.libelle,
                      kind: ref.competences.has(c) ? ("competence" as const) : ("savoir" as const),
                      similarity: 0,
                    },
                  ]
                : [];
            }),
            attachedBy: best ? "cooccurrence" : "none",
            nearestSimilarity: 0,
          };
        }
        const ranked = topByDot(v, rowVecs, TOP_ROWS);
        const bestSim = ranked[0]?.[0] ?? 0;
        let coveredBy: { code: string; libelle: string } | null = null;
        for (const [s, j] of ranked) {
          if (coveredBy || s < ATTACH.coverCos || unknownWord[i]) break;
          const shared = stems.filter((st) => rows[j]!.stems.has(st)).length;
          if (stems.length > 0 && shared / stems.length >= ATTACH.coverWordShare)
            coveredBy = { code: rows[j]!.code, libelle: rows[j]!.libelle };
        }
        // MC score: its own label or its best compétence, whichever is closer.
        const mcScore = new Map<string, number>();
        for (const [s, j] of ranked) {
          const mc = rows[j]!.mc;
          if (mc && s > (mcScore.get(mc) ?? -1)) mcScore.set(mc, s);
        }
        for (const [code, idx] of mcIndex) {
          const s = dot(v, mcVecs[idx]!);
          if (s > (mcScore.get(code) ?? -1)) mcScore.set(code, s);
        }
        const bestMc = [...mcScore].sort((a, b) => b[1] - a[1])[0];
        return {
          covered: coveredBy !== null,
          coveredBy,
          macroCompetence: bestMc ? mcOut(bestMc[0], bestMc[1]) : null,
          competences: ranked.slice(0, ATTACH.nearest).map(([s, j]) => ({
            code: rows[j]!.code,
            libelle: rows[j]!.libelle,
            kind: rows[j]!.kind,
            similarity: round(s, 3),
          })),
          attachedBy: "vector",
          nearestSimilarity: round(bestSim, 3),
        };
      });
    },
  };
}
