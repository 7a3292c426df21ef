import { isZero, normalizeVector } from "../../embed/index.js";
import { searchAppellations } from "../../rome/index.js";
import {
  cleanJobTitle,
  EXTRACTION,
  experienceWeights,
  parseCv,
  statementUnits,
  type ParsedCv,
  type StatementUnit,
} from "../../skills/index.js";
import {
  cleanTitle,
  cleanTitleWords,
  contentStems,
  leadingTitleLine,
  postingLists,
  segment,
  termCounts,
  titleKey,
  titleParts,
  type TermCounts,
  type TextUnit,
} from "../../text/index.js";
import { round } from "../../numbers.js";
import type { EngineContext } from "../context.js";
import type { CvExperienceMatch, DocumentKind } from "../types.js";

/** Stage 1: a text read once for every later stage: its title, units, stems, statements, vectors, CV jobs. */
export interface Prepared {
  text: string;
  title: string;
  /** Content stems of the title as written (the labelled-offer votes use them: the memory learns its noise too)… */
  titleStems: string[];
  /** …and its `titleKey` (exact lookups of labelled offers). */
  titleKey: string;
  /** Content stems of the title's job words (`romeTitle`: noise out, abbreviations written out), for ROME's side… */
  romeStems: string[];
  /** …and their `titleKey` (exact lookups of appellations). */
  romeKey: string;
  units: TextUnit[];
  /** Content stems of each unit, in order (body features count repeats) and as sets (extraction). */
  stems: string[][];
  stemSets: Set<string>[];
  titleVec: Float32Array | null;
  bodyVec: Float32Array | null;
  unitVecs: (Float32Array | null)[];
  /** The statements skill extraction reads (sections, clauses; see `statementUnits`) and their vectors. */
  statements: StatementUnit[];
  statementVecs: (Float32Array | null)[];
  /** The text read as a CV (experiences, education); empty lists for most offers. */
  cv: ParsedCv;
  /** For a CV, its experiences with their appellations and weights (none for an offer). */
  experiences: CvExperienceMatch[];
  /**
   * Fiches the text is known to be about (the title's appellation, a CV's jobs) → weight: extraction prefers their
   * items.
   */
  context: Map<string, number>;
  /** Titles of the CV's other experiences, whose title evidence adds to the title's at their weight. */
  extraTitles: { stems: string[]; key: string; vec: Float32Array | null; weight: number }[];
  /**
   * Term counts of the title and body together (the labelled-offer queries), counted on first use: see
   * `titleAndBodyCounts`.
   */
  titleAndBody?: TermCounts;
  /** Stem → the units holding it (`postingLists` of `stemSets`), built on first use: see `unitPostings`. */
  unitsWith?: Map<string, number[]>;
}

/** The units' stem posting lists, built once per text for the targeted pass and the per-unit search. */
export function unitPostings(p: Prepared): ReadonlyMap<string, readonly number[]> {
  return (p.unitsWith ??= postingLists(p.stemSets));
}

/** The text's title + body term counts, counted once per text for every labelled-offer query that reads them. */
export function titleAndBodyCounts(p: Prepared): TermCounts {
  return (p.titleAndBody ??= termCounts([...p.titleStems, ...p.stems.flat()]));
}

/**
 * Share of an appellation's best BM25 score (a document equal to the line) a first line needs to be read as a title.
 */
const LEADING_TITLE_MATCH = 0.6;

/** A title part is kept when it reads as an appellation at least this well relative to the part that reads best. */
const TITLE_PART_FIT = 0.7;

export async function prepare(
  ctx: EngineContext,
  text: string,
  title: string | undefined,
  kind: DocumentKind = "offer",
): Promise<Prepared> {
  const units = segment(text).slice(0, EXTRACTION.maxUnits);
  const cv = parseCv(text);
  const experiences = kind === "cv" ? experiencesOf(ctx, cv) : [];
  // A CV without a title is ranked on its jobs: the heaviest experience's title stands as the title, the others
  // add their title evidence weighted (see `experienceWeights`).
  const main = experiences.reduce<CvExperienceMatch | null>((b, e) => (!b || e.weight > b.weight ? e : b), null);
  const given = (title ?? "").trim();
  const t = given || (main ? cleanJobTitle(main.title) : "") || titleLine(ctx, text);
  // ROME's side of the title reads its job words (noise out, abbreviations written out); its vector reads the title
  // as written (the one the ranking model was fitted on).
  const rome = t ? romeTitle(ctx, t) : "";
  const extra = given ? experiences : experiences.filter((e) => e !== main);
  const extraTitles = extra.map((e) => cleanJobTitle(e.title));
  const statements = statementUnits(units, cv.headerSpans, text);
  // Statements that are whole units reuse the unit's vector; the others (clauses, lines without their heading) are
  // embedded in the same call.
  const unitAt = new Map(units.map((u, i) => [`${u.start}:${u.end}`, i]));
  const fresh = statements.filter((st) => !unitAt.has(`${st.start}:${st.end}`));
  const head = t ? [t] : [];
  const texts = [...head, ...units.map((u) => u.text), ...fresh.map((st) => st.text), ...extraTitles];
  const vecs = await ctx.embedder.embed(texts, "query");
  const unitVecs = vecs.slice(head.length, head.length + units.length).map(nonZero);
  const freshVecs = vecs.slice(head.length + units.length, head.length + units.length + fresh.length).map(nonZero);
  const extraVecs = vecs.slice(head.length + units.length + fresh.length).map(nonZero);
  let k = 0;
  const statementVecs = statements.map((st) => {
    const i = unitAt.get(`${st.start}:${st.end}`);
    return i === undefined ? freshVecs[k++]! : unitVecs[i]!;
  });
  // The body vector is the mean direction of its units: embedding the whole text again would cost as much as
  // all units together (tokenising and padding 300 words) for a signal the units already carry.
  const sum = new Float32Array(ctx.embedder.dimension);
  for (const v of unitVecs) if (v) for (let j = 0; j < sum.length; j++) sum[j]! += v[j]!;
  const stems = units.map((u) => contentStems(u.text));
  const titleStems = contentStems(t);
  const romeStems = englishAppellation(ctx, t, rome) ?? (rome ? contentStems(rome) : titleStems);
  return {
    text,
    title: t,
    titleStems,
    titleKey: titleKey(titleStems),
    romeStems,
    romeKey: titleKey(romeStems),
    units,
    stems,
    stemSets: stems.map((x) => new Set(x)),
    titleVec: t ? nonZero(vecs[0]) : null,
    bodyVec: nonZero(normalizeVector(sum)),
    unitVecs,
    statements,
    statementVecs,
    cv,
    experiences,
    context: contextOf(ctx, main ? given : t, experiences),
    extraTitles: extraTitles.map((x, i) => {
      const st = contentStems(x);
      return { stems: st, key: titleKey(st), vec: extraVecs[i] ?? null, weight: extra[i]!.weight };
    }),
  };
}

/** What stated extraction (`extract`) reads of a text: its statements, their vectors, the fiches it is about. */
export type Statements = Pick<Prepared, "text" | "statements" | "statementVecs" | "context">;

/**
 * `prepare`'s statements, vectors and context of an offer sent without a title, alone (POST /v1/skills/extract):
 * neither the units' stems nor the vectors of units split into clauses, which only a match reads. The same vectors:
 * a statement that is a whole unit is embedded as that unit's text, as `prepare` embeds it.
 */
export async function prepareStatements(ctx: EngineContext, text: string): Promise<Statements> {
  const units = segment(text).slice(0, EXTRACTION.maxUnits);
  const cv = parseCv(text);
  const statements = statementUnits(units, cv.headerSpans, text);
  const unitText = new Map(units.map((u) => [`${u.start}:${u.end}`, u.text]));
  const vecs = await ctx.embedder.embed(
    statements.map((st) => unitText.get(`${st.start}:${st.end}`) ?? st.text),
    "query",
  );
  return { text, statements, statementVecs: vecs.map(nonZero), context: contextOf(ctx, titleLine(ctx, text), []) };
}

/** A vector, or null for the zero vector (no known word) and a missing one. */
function nonZero(v: Float32Array | undefined): Float32Array | null {
  return v && !isZero(v) ? v : null;
}

/**
 * The title a text sent without one starts with ("Technicien de maintenance H/F\n…"), when that line names a ROME
 * job; "" otherwise.
 */
function titleLine(ctx: EngineContext, text: string): string {
  const line = leadingTitleLine(text);
  return line && namesAJob(ctx, line) ? line : "";
}

/**
 * The job words of a title for ROME's side (`cleanTitle` per part): of the parts a separator sets apart, the one
 * that best reads as an appellation and those that read as one nearly as well ("Tech Lead Java - Services
 * Financiers - Ile-De-France" keeps its first part, "ALTERNANCE - Data Scientist" its second).
 */
function romeTitle(ctx: EngineContext, title: string, english = true): string {
  const parts = titleParts(title, english);
  if (parts.length <= 1) return parts[0] ?? title;
  const fit = parts.map((x) => appellationFit(ctx, contentStems(x)));
  const best = Math.max(...fit);
  return parts.filter((_, k) => fit[k]! >= best * TITLE_PART_FIT).join(" ");
}

/**
 * The title's job words without the French words `cleanTitle` puts beside English ones, when they are one of ROME's
 * appellations as they stand ("Data engineer", "Product owner": the French beside them would hide the exact
 * appellation and dilute its words); else undefined.
 */
function englishAppellation(ctx: EngineContext, title: string, rome: string): string[] | undefined {
  // Most titles have no English job word: one cleaning says so at less cost than reading the parts again.
  if (!title || !cleanTitleWords(title).english) return undefined;
  const plain = romeTitle(ctx, title, false);
  if (plain === rome) return undefined;
  const stems = contentStems(plain);
  return ctx.appellationKeyRows.has(titleKey(stems)) ? stems : undefined;
}

/**
 * How well words read as an appellation: the best appellation's BM25 score over that of an appellation equal to them.
 */
function appellationFit(ctx: EngineContext, stems: readonly string[]): number {
  if (stems.length === 0) return 0;
  const self = ctx.lexicon.appellations.selfScore(stems);
  return self > 0 ? (ctx.lexicon.appellations.search(stems, 1)[0]?.score ?? 0) / self : 0;
}

/** Whether a line names a ROME job: its job words are an appellation, or an appellation holds most of their weight. */
function namesAJob(ctx: EngineContext, line: string): boolean {
  const stems = contentStems(cleanTitle(line));
  if (stems.length === 0) return false;
  return ctx.appellationKeyRows.has(titleKey(stems)) || appellationFit(ctx, stems) >= LEADING_TITLE_MATCH;
}

/**
 * The fiches a title or a CV's jobs name through an appellation (autocomplete score ≥ 0.8, times the job's weight):
 * among a statement's near-equal readings, extraction prefers their items.
 */
function contextOf(ctx: EngineContext, title: string, experiences: readonly CvExperienceMatch[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (fiche: string, w: number) => out.set(fiche, Math.max(out.get(fiche) ?? 0, w));
  const hit = title ? searchAppellations(ctx.appellationSearch, cleanJobTitle(title), 1)[0] : undefined;
  if (hit && hit.score >= 0.8) add(hit.ficheCode, 1);
  for (const e of experiences) if (e.appellation && e.appellation.score >= 0.8) add(e.appellation.ficheCode, e.weight);
  return out;
}

/** A CV's experiences with their weights and the appellation each title names (the autocomplete's best, ≥ 0.5). */
function experiencesOf(ctx: EngineContext, cv: ParsedCv): CvExperienceMatch[] {
  const now = new Date().getUTCFullYear() + new Date().getUTCMonth() / 12;
  const weights = experienceWeights(cv.experiences, now);
  return cv.experiences.map((e, k) => {
    const hit = searchAppellations(ctx.appellationSearch, cleanJobTitle(e.title), 1)[0];
    const named = hit && hit.score >= 0.5;
    return {
      title: e.title,
      employer: e.employer,
      start: e.start === null ? null : round(e.start, 3),
      end: e.end === null ? null : round(e.end, 3),
      current: e.current,
      durationMonths: e.durationMonths,
      weight: weights[k]!,
      span: e.span,
      titleSpan: e.titleSpan,
      appellation: named ? { code: hit.code, libelle: hit.libelle, ficheCode: hit.ficheCode, score: hit.score } : null,
    };
  });
}
