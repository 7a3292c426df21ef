import type { Referential } from "../rome/index.js";
import { normalizeText } from "../text/index.js";
import { cmpCode } from "./extract.js";
import type { StatedExtractor } from "./label-index.js";
import { FicheTermRows } from "./fiche-terms.js";
import { namedSavoirs } from "./savoir-lexicon.js";
import { scoreRow, scoreStatement, statementQuery, type Candidate, type StatementQuery } from "./scoring.js";
import { softSkillsIn } from "./soft-skills.js";
import { softReading } from "./soft.js";
import { paraphraseReading } from "./paraphrases.js";
import { diplomaLevelOfFolded, singular, statedStems } from "./stems.js";
import { STATED } from "./thresholds.js";
import type { ExtractedSkill, Span } from "./types.js";
import { fold, headClause, type StatementUnit } from "./units.js";
import { round } from "../numbers.js";

interface Found {
  code: string;
  kind: ExtractedSkill["kind"];
  score: number;
  span: Span;
}

/**
 * The ROME items a text states, with spans: savoirs named by their short form, savoir-être macro-compétences, and
 * for each statement the compétence or savoir whose label it best covers (word families and vector), two when a
 * long statement clearly holds two. `vecs[i]` is the vector of `units[i]` (null when the model knows none of its words).
 */
export function extractStated(
  x: StatedExtractor,
  text: string,
  units: readonly StatementUnit[],
  vecs: readonly (Float32Array | null)[],
  /** Fiches the text is known to be about (a CV's jobs, an offer's title) → 0..1: their items are preferred. */
  context: ReadonlyMap<string, number> = new Map(),
  /**
   * Whether statements no label reads are read softly through the domain word vectors (when a model is loaded):
   * `/v1/skills/extract` does, a match's ranking does not (its MC feature was fitted without them).
   */
  softReadings = true,
): ExtractedSkill[] {
  const found: Found[] = [];
  const open: {
    unit: StatementUnit;
    long: boolean;
    cands: Candidate[];
    low: Candidate[];
    q: StatementQuery;
    stems: string[];
  }[] = [];
  units.forEach((u, i) => {
    let named = namedSavoirs(x.savoirs, u.text, u.start);
    named.push(...permisListTail(x, text, u));
    // Outside statements, a language name is mostly the company's or a place's ("leader français du…").
    if (u.namedOnly) named = named.filter((n) => !x.languageCodes.has(n.code));
    for (const n of named)
      found.push({ code: n.code, kind: "savoir", score: STATED.namedScore, span: spanOf(text, n.start, n.end) });
    if (u.namedOnly) return;
    const f = fold(u.text);
    const soft = softSkillsIn(x.soft, f, u.start, () => sentenceAround(text, u.start, u.end));
    for (const s of soft)
      found.push({ code: s.code, kind: s.kind, score: STATED.softScore, span: spanOf(text, s.start, s.end) });
    if (u.frame) return;
    // What the named items leave of the statement: scored only when some content word is left.
    let rest = u.text;
    for (const n of [...named, ...soft]) {
      const a = n.start - u.start;
      const b = n.end - u.start;
      rest = rest.slice(0, a) + " ".repeat(b - a) + rest.slice(b);
    }
    // The name of a service or an establishment ("Centre de Soins Infirmiers", "la Direction des Systèmes
    // d'Information") names where the work is, not a task: blanked, like named items.
    const before = rest;
    rest = rest.replace(UNIT_NAME, (m) => " ".repeat(m.length));
    const stems = u.verb ? [...statedStems(u.verb), ...statedStems(rest)] : statedStems(rest);
    if (stems.length === 0 || ((named.length || soft.length || rest !== before) && stems.length < 2)) return;
    const level = diplomaLevelOfFolded(f, u.text);
    const q = statementQuery(x, stems, vecs[i] ?? null, level, () => wordsOf(u.verb, rest));
    const all = scoreStatement(x, q, STATED.mcFloor);
    // Reads a piece of the statement as well (with the statement's verb), each label keeping the better of its scores.
    const readAlso = (piece: string, stemsOfPiece = statedStems(piece)): void => {
      const pieceStems = u.verb ? [...statedStems(u.verb), ...stemsOfPiece] : stemsOfPiece;
      const pq = statementQuery(x, pieceStems, vecs[i] ?? null, level, () => wordsOf(u.verb, piece));
      for (const c of scoreStatement(x, pq, STATED.mcFloor)) {
        const k = all.findIndex((a) => a.code === c.code);
        if (k < 0) all.push(c);
        else if (all[k]!.score < c.score) all[k] = c;
      }
      all.sort((a, b) => b.score - a.score || cmpCode(a.code, b.code));
    };
    // The head clause, without its adjuncts ("vous gérez les plannings des techniciens dans une zone…"), is read
    // too when the whole statement has no clear reading: each label keeps the better of its two scores.
    const head = STATED.headClause && (all[0]?.score ?? 0) < STATED.headClauseBelow ? headClause(u) : null;
    if (head) readAlso(rest.slice(0, head.end - u.start));
    // A list of examples in parentheses ("Collecte des déchets ménagers (ordures ménagères, tri sélectif, verre)…")
    // crowds the label search out of the task's label: the statement is read without it too, each label keeping
    // the better of its scores.
    const bare = withoutExamples(rest);
    if (bare !== null) readAlso(bare.text, bare.stems);
    const cands = all.filter((c) => c.score >= STATED.minScore);
    const low = all.filter((c) => c.score < STATED.minScore);
    open.push({ unit: u, long: stems.length > STATED.longStatement, cands, low, q, stems });
  });
  // Coherence: a statement's near-equal readings are decided by the fiches the whole text points at ("soins
  // d'hygiène et de confort" in a CV of care work: the patients' care, not the animals').
  // Items of many fiches (most macro-compétences) say nothing of which fiche the text is about: they neither vote
  // nor gain.
  const votes = new Map<string, number>();
  const telling = (c: Candidate) => {
    const f = x.itemFiches[c.row]!;
    return f.length <= STATED.tellingFiches ? f : NO_FICHES;
  };
  for (const o of open) {
    for (const c of o.cands) for (const f of telling(c)) votes.set(f, (votes.get(f) ?? 0) + c.score / o.cands.length);
  }
  let top = 0;
  for (const v of votes.values()) top = Math.max(top, v);
  const contextItems = [...context].map(([f, w]) => ({ items: ficheItems(x, f), w }));
  // Domain context: the items of the fiches the text is about (the most voted ones and the known context) are read
  // against every statement with one shared word enough ("aide aux repas" in a care CV: "Accompagner le patient
  // pendant ses repas"); they still compete with the open search's readings below.
  const domain = new Set(
    [...votes]
      .filter(([, v]) => v >= STATED.domainShare * top)
      .sort((a, b) => b[1] - a[1] || cmpCode(a[0], b[0]))
      .slice(0, STATED.domainFiches)
      .map(([f]) => f),
  );
  for (const [f, w] of context) if (w >= 0.5) domain.add(f);
  if (domain.size > 0) {
    // A statement reads only the domain's rows it shares a word with.
    const byKey = [...domain].map((f) => ficheRowsByKey(x, f));
    for (const o of open) {
      const have = new Set(o.cands.map((c) => c.row));
      const rows = new Set<number>();
      for (const k of o.q.ids) for (const m of byKey) m.addRows(k, rows);
      for (const row of rows) {
        if (have.has(row)) continue;
        const coverage = x.labels.coverageOfIds(row, o.q.ids);
        if (coverage < STATED.minCoverage) continue;
        const c = scoreRow(x, o.q, row, coverage, 1, STATED.domainMin);
        if (c && c.score >= STATED.domainMin) o.cands.push(c);
      }
    }
  }
  // The domain's items, read softly (domain word vectors) by the statements no label reads.
  const soft = softReadings && x.wordVectors !== null;
  const domainKeys = soft ? [...domain].map((f) => ficheRowsByKey(x, f)) : [];
  for (const o of open) {
    if (o.unit.voteOnly) continue;
    if (o.cands.length === 0) {
      // A diploma line names its diploma: no paraphrase of a task.
      const m =
        familyReading(o.low) ??
        learnedReading(x, o.stems, o.unit, domain) ??
        (soft && o.unit.section !== "formation" ? softReading(x, o.q, domainKeys) : null);
      if (m) found.push({ code: m.code, kind: m.kind, score: m.score, span: spanOf(text, o.unit.start, o.unit.end) });
      continue;
    }
    const rescored = o.cands
      .map((c) => {
        let best = 0;
        let inDomain = false;
        const fiches = telling(c);
        for (const f of fiches) {
          best = Math.max(best, votes.get(f) ?? 0);
          if (domain.has(f)) inDomain = true;
        }
        // A reading of the text's fiches' items comes first; one that only another trade lists falls back.
        const offDomain = fiches.length > 0 && !inDomain ? STATED.offDomainPenalty : 0;
        let known = 0;
        for (const k of contextItems) if (k.items.has(c.code)) known = Math.max(known, k.w);
        // Label families: other readings of the statement in the same macro-compétence back this one.
        let family = 0;
        if (c.mc !== null) for (const d of o.cands) if (d !== c && d.mc === c.mc) family += d.score;
        const coherence = top > 0 ? (STATED.coherenceBonus * best) / top : 0;
        // Near-equal readings of different MCs ("Assurer l'accueil"): the one the domain's fiches hold as their
        // coeur de métier breaks the tie.
        const core = c.mc !== null && coreOfDomain(x.ref, domain, c.mc) ? STATED.coreBonus : 0;
        const final =
          c.score + coherence + STATED.contextBonus * known + STATED.familyWeight * family + core - offDomain;
        return { code: c.code, row: c.row, kind: c.kind, score: c.score, mc: c.mc, final, offDomain };
      })
      .sort((a, b) => b.final - a.final || cmpCode(a.code, b.code));
    const best = rescored[0]!;
    const picked = [best];
    const second = rescored.find((c) => c.code !== best.code && (c.mc === null || c.mc !== best.mc));
    if (second && o.long && second.final >= best.final - STATED.secondWithin) picked.push(second);
    if (picked.length === 1) {
      const other = residualReading(x, o.q, o.stems, best);
      if (other) picked.push({ ...other, final: other.score, offDomain: 0 });
    }
    const span = spanOf(text, o.unit.start, o.unit.end);
    for (const c of picked)
      if (c.score - c.offDomain >= STATED.minScore || c.offDomain === 0)
        found.push({ code: c.code, kind: c.kind, score: c.score, span });
  }
  return aggregate(x.ref, found);
}

/**
 * A statement no label reads, read through the paraphrase evidence learned from recruiters' items (see
 * `paraphraseReading`), only for items of the text's domain.
 */
function learnedReading(
  x: StatedExtractor,
  stems: readonly string[],
  unit: StatementUnit,
  domain: ReadonlySet<string>,
): Candidate | null {
  if (!x.paraphrases || unit.section === "formation") return null;
  // Out of the domain, a recruiter's item is a guess about another trade (every item: half A's offers fall).
  const inDomain = (row: number) => x.itemFiches[row]!.some((f) => domain.has(f));
  return paraphraseReading(
    x,
    x.paraphrases,
    stems.map((st) => x.families.key(st)),
    STATED.paraphraseMin,
    inDomain,
  );
}

/**
 * What the best reading leaves of a statement may state another item ("Assurer le décoffrage et l'entretien des
 * équipements"): its words, read again without the first label's, give a second item when they state its label's
 * head words (not only its topic) and it scores `residualMargin` above the minimum.
 */
function residualReading(
  x: StatedExtractor,
  q: StatementQuery,
  stems: readonly string[],
  best: Candidate,
): Candidate | null {
  if (q.keys.size < STATED.residual) return null;
  const bestTerms = new Set(x.labels.termsOf(best.row));
  const rest = stems.filter((st) => !bestTerms.has(x.families.key(st)));
  const restKeys = new Set(rest.map((st) => x.families.key(st)));
  if (restKeys.size < 2) return null;
  const min = STATED.minScore + STATED.residualMargin;
  const cands = scoreStatement(
    x,
    statementQuery(x, rest, q.vec, q.level, () => q.words),
    min,
  );
  return (
    cands.find(
      (c) =>
        c.code !== best.code && (c.mc === null || c.mc !== best.mc) && x.heads[c.row]!.some((h) => restKeys.has(h)),
    ) ?? null
  );
}

/**
 * The licence categories a clause continues a list of ("Titulaire du Permis B, C et FIMO": the clause "C et FIMO"
 * after "Permis B,"), read when the same line's text before the clause ends with such a list.
 */
function permisListTail(
  x: StatedExtractor,
  text: string,
  u: StatementUnit,
): { code: string; start: number; end: number }[] {
  const line = text.lastIndexOf("\n", u.start - 1) + 1;
  if (!PERMIS_LIST.test(text.slice(Math.max(line, u.start - 60), u.start))) return [];
  const out: { code: string; start: number; end: number }[] = [];
  for (const m of u.text.matchAll(/[\p{L}\d]+/gu)) {
    const w = m[0].toLowerCase();
    if (w === "et" || w === "ou") continue;
    const code = x.savoirs.permis.get(w);
    if (!code || w.length > 3) break;
    out.push({ code, start: u.start + m.index, end: u.start + m.index + m[0].length });
  }
  return out;
}
const PERMIS_LIST = /\bpermis\s+(?:de\s+conduire\s+)?(?:[A-Za-z]{1,3}\d?\s*(?:,|\/|\bet\b|\bou\b)\s*)+$/i;

/**
 * A statement no single label states well enough may still clearly belong to one macro-compétence: several of its
 * near readings are that MC's compétences. The best of them is its reading then.
 */
function familyReading(low: readonly Candidate[]): Candidate | null {
  let out: Candidate | null = null;
  for (const c of low) {
    if (c.mc === null) continue;
    let family = 0;
    let members = 0;
    for (const d of low)
      if (d !== c && d.mc === c.mc) {
        family += d.score;
        members++;
      }
    if (members < STATED.mcMembers - 1) continue;
    if (c.score + STATED.mcFamilyWeight * family >= STATED.minScore && (!out || c.score > out.score)) out = c;
  }
  return out;
}

/** Whether one of the domain's fiches marks this macro-compétence (or one of its compétences) coeur de métier. */
export function coreOfDomain(ref: Referential, domain: ReadonlySet<string>, mc: string): boolean {
  for (const f of domain) if (ref.ficheMacroCompetences(f).get(mc)?.coeur) return true;
  return false;
}

const NO_FICHES: readonly string[] = [];

/** A fiche's item rows by label term (`StatedExtractor.ficheTerms`); none for a code the referential lacks. */
function ficheRowsByKey(x: StatedExtractor, code: string): FicheTermRows {
  return x.ficheTerms.get(code) ?? FicheTermRows.EMPTY;
}

const ficheItemSets = new WeakMap<StatedExtractor, Map<string, Set<string>>>();
/** The codes of a fiche's compétences, savoirs and macro-compétences, once per fiche. */
function ficheItems(x: StatedExtractor, code: string): ReadonlySet<string> {
  let m = ficheItemSets.get(x);
  if (!m) ficheItemSets.set(x, (m = new Map()));
  let set = m.get(code);
  if (!set) {
    const f = x.ref.fiches.get(code);
    set = new Set(f ? [...f.competences, ...f.savoirs, ...f.macroCompetences].map((l) => l.code) : []);
    m.set(code, set);
  }
  return set;
}

/** A statement's words, singular (one-word labels need their very word). */
function wordsOf(verb: string | undefined, text: string): Set<string> {
  return new Set(
    normalizeText(verb ? `${verb} ${text}` : text)
      .split(" ")
      .map(singular),
  );
}

function spanOf(text: string, start: number, end: number): Span {
  return { start, end, text: text.slice(start, end) };
}

/** One skill per code, with up to 5 distinct spans, best first. */
function aggregate(ref: Referential, found: readonly Found[]): ExtractedSkill[] {
  const byCode = new Map<string, ExtractedSkill>();
  for (const f of found) {
    const prev = byCode.get(f.code);
    if (prev) {
      prev.score = Math.max(prev.score, f.score);
      if (prev.evidence.length < 5 && !prev.evidence.some((e) => e.start === f.span.start && e.end === f.span.end))
        prev.evidence.push(f.span);
      continue;
    }
    const comp = f.kind === "competence" ? ref.competences.get(f.code)! : null;
    const libelle =
      comp?.libelle ??
      (f.kind === "savoir" ? ref.savoirs.get(f.code)!.libelle : ref.macroCompetences.get(f.code)!.libelle);
    byCode.set(f.code, {
      code: f.code,
      kind: f.kind,
      libelle,
      macroCompetence: comp?.macroCompetence ?? null,
      score: f.score,
      evidence: [f.span],
    });
  }
  return [...byCode.values()]
    .map((s) => ({ ...s, score: round(s.score, 3) }))
    .sort((a, b) => b.score - a.score || cmpCode(a.code, b.code));
}

/**
 * A statement without its lists in parentheses ("(ordures ménagères, tri sélectif, verre)", "(Réglage, enfilage)"),
 * blanked (offsets kept), with its stems (read to see that something is left), or null when it has none or nothing
 * is left. A parenthesis without a comma ("(Juki)", "(H/F)", "(DEAS)") is not a list of examples.
 */
export function withoutExamples(text: string): { text: string; stems: string[] } | null {
  if (!text.includes("(")) return null;
  const bare = text.replace(EXAMPLES, (m) => " ".repeat(m.length));
  if (bare === text) return null;
  const stems = statedStems(bare);
  return stems.length === 0 ? null : { text: bare, stems };
}
const EXAMPLES = /\([^()]*,[^()]*\)/g;

/** A service's or establishment's name: its kind, then two capitalised words or more (small words between). */
const UNIT_NAME =
  /(?<!\p{L})(?:Centre|Service|P[ôo]le|Institut|Maison|Unit[ée]|[ÉE]tablissement|H[ôo]pital|Clinique|Foyer|R[ée]sidence|Association|Direction|D[ée]partement)(?:\s+(?:(?:de|des|du|d'|d’|à|la|le|l'|l’|pour|et|en)\s*)?\p{Lu}[\p{L}’'-]*){2,}/gu;

/** The sentence (or line) a statement lies in: a clause cut at a comma keeps its sentence's subject here. */
export function sentenceAround(text: string, start: number, end: number): string {
  let a = start;
  while (a > 0 && !/[.!?\n;•]/.test(text[a - 1]!)) a--;
  let b = end;
  while (b < text.length && !/[.!?\n;•]/.test(text[b]!)) b++;
  return text.slice(a, b);
}
