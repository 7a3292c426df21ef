import type { UncoveredPhrase } from "../match/index.js";
import { sectionUnits, SKIPPED_SECTIONS } from "../skills/index.js";
import { candidatePhrases, normalizeText, segment, type TextUnit } from "../text/index.js";
import type { StatedTrendDocument } from "./types.js";

export type CoverageChecker = (units: TextUnit[], coveredSpans: { start: number; end: number }[]) => UncoveredPhrase[];

/** Documented defaults for template (boilerplate) removal. */
export const BOILERPLATE = {
  /** A unit of at least this many words… */
  minWords: 12,
  /** …found word for word in at least this many documents is an employer's template, not a skill statement. */
  minDocuments: 5,
} as const;

function unitSignature(u: TextUnit): string | null {
  const n = normalizeText(u.text);
  return n.split(" ").length >= BOILERPLATE.minWords ? n : null;
}

/**
 * Normalised units repeated verbatim across many documents ("Sopra Steria, acteur majeur de la Tech en
 * Europe…"). Their phrases recur with the hiring volume of one employer, so counting them would report
 * recruiting campaigns as skills.
 */
export function findBoilerplate(texts: Iterable<string>, minDocuments: number = BOILERPLATE.minDocuments): Set<string> {
  const counts = new Map<string, number>();
  for (const t of texts) {
    const seen = new Set<string>();
    for (const u of segment(t)) {
      const s = unitSignature(u);
      if (s && !seen.has(s)) (seen.add(s), counts.set(s, (counts.get(s) ?? 0) + 1));
    }
  }
  return new Set([...counts].filter(([, n]) => n >= minDocuments).map(([s]) => s));
}

export interface OfferInput {
  id: string;
  source: string;
  date: Date;
  title: string;
  description: string;
  metiers: string[];
  /** Extracted ROME skills with their evidence spans in `title + "\n" + description` (from the engine), if any. */
  skills?: { code: string; evidence: { start: number; end: number }[] }[];
}

/**
 * A document's text as the pipeline reads it: the title line, then the body; no title, the body alone (the lake's
 * ingest and the JSONL path read the same string, so an untitled document gives the same phrases on both).
 */
export function titledText(title: string | undefined, body: string): string {
  return title ? `${title}\n${body}` : body;
}

/** Offer text as the pipeline reads it (`titledText`; skill offsets refer to this string). */
export function offerText(o: Pick<OfferInput, "title" | "description">): string {
  return titledText(o.title, o.description);
}

/**
 * The candidate phrases of a document's text (analysis, backtest and the lake's ingest alike): the uncovered phrase
 * keys of the units that state something (outside boilerplate), those of them that stand whole in their statement at
 * least once (`wholeKeys`) and, with skills (evidence spans in `text`), those said in a statement that also names a
 * ROME item.
 */
export function documentPhrases(
  text: string,
  skills: readonly { evidence: readonly { start: number; end: number }[] }[] | undefined,
  checker: CoverageChecker,
  boilerplate: ReadonlySet<string> = new Set(),
): { phrases: string[]; statedPhrases?: string[]; wholePhrases: string[] } {
  const units = segment(text);
  const covered = (skills ?? []).flatMap((s) => s.evidence);
  // Units that state something of the job or the person: headings and the sections skill extraction skips too
  // (benefits, the company, contact) say "brut mensuel", "type de contrat", "entreprise à taille humaine".
  // A lead-in line (followed by a colon: "L'entreprise X recherche actuellement des profils :") introduces what
  // follows and states nothing itself; with the employer's name changing, it escapes the verbatim template test.
  const stated: TextUnit[] = sectionUnits(units).filter(
    (u) => !SKIPPED_SECTIONS.has(u.section) && !/^[^\S\n]*:/.test(text.slice(u.end, u.end + 4)),
  );
  const kept = boilerplate.size > 0 ? stated.filter((u) => !boilerplate.has(unitSignature(u) ?? "")) : stated;
  // Whether ROME says a phrase is the referential's word test (the checker), not whether skill extraction read it
  // as an item by meaning: "sens de l'organisation", read as an item no label words so, is a rewording ROME may
  // adopt. So skill evidence does not hide phrases, and the candidates do not move when extraction changes.
  const phrases = checker(kept, []).map((p) => p.key);
  // Statements that also name a ROME item (an extracted skill's evidence overlaps the unit): a phrase said there
  // sits among compétences ("rigueur, sens des responsabilités"), not in recruiting prose ("nouveau challenge").
  const withItems = skills ? kept.filter((u) => covered.some((e) => e.start < u.end && e.end > u.start)) : null;
  const whole = wholeKeys(kept);
  return {
    phrases,
    ...(withItems ? { statedPhrases: checker(withItems, []).map((p) => p.key) } : {}),
    wholePhrases: phrases.filter((k) => whole.has(k)),
  };
}

const ITEM_PUNCTUATION_BEFORE = new Set([...",;:/("]);
const ITEM_PUNCTUATION_AFTER = new Set([...",;:.!?/)"]);
const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);
const isConjunction = (w: string) => w === "et" || w === "ou";

/**
 * Whether text[at] (going back when `back`) begins a boundary of an item of the statement: the unit's edge, list
 * punctuation, a dash between spaces, or the conjunctions "et" / "ou".
 */
function itemBoundary(text: string, at: number, back: boolean): boolean {
  const step = back ? -1 : 1;
  let k = back ? at - 1 : at;
  while (k >= 0 && k < text.length && isSpace(text[k])) k += step;
  if (k < 0 || k >= text.length) return true;
  const c = text[k]!;
  if ((back ? ITEM_PUNCTUATION_BEFORE : ITEM_PUNCTUATION_AFTER).has(c)) return true;
  if ("-–—".includes(c)) return k + step < 0 || k + step >= text.length || isSpace(text[k + step]);
  const w = back ? text.slice(Math.max(0, k - 1), k + 1) : text.slice(k, k + 2);
  const beyond = back ? k - 2 : k + 2;
  return isConjunction(w.toLowerCase()) && (beyond < 0 || beyond >= text.length || isSpace(text[beyond]));
}

/**
 * Keys of the units' phrases that stand whole in their statement at least once: the occurrence starts and ends at
 * a boundary of an item ("Rigueur, sens des responsabilités, esprit d'initiative"), rather than inside a frame
 * that goes on ("avoir le goût du travail bien fait", "être doté d'un bon relationnel"): a compétence is named as an
 * item, a window cut out of prose is not (ranking.ts).
 */
export function wholeKeys(units: readonly TextUnit[]): Set<string> {
  const out = new Set<string>();
  for (const u of units)
    for (const p of candidatePhrases(u)) {
      const key = p.key;
      if (!key || out.has(key)) continue;
      if (itemBoundary(u.text, p.start - u.start, true) && itemBoundary(u.text, p.end - u.start, false)) out.add(key);
    }
  return out;
}

/** Turns an offer into a TrendDocument: its candidate phrases (`documentPhrases`) and codes. */
export function offerToTrendDocument(
  o: OfferInput,
  checker: CoverageChecker,
  boilerplate: ReadonlySet<string> = new Set(),
): StatedTrendDocument {
  const text = offerText(o);
  return {
    id: o.id,
    kind: "offer",
    source: o.source,
    documentDate: o.date,
    metiers: o.metiers,
    competences: [...new Set((o.skills ?? []).map((s) => s.code))],
    ...documentPhrases(text, o.skills, checker, boilerplate),
    text,
  };
}
