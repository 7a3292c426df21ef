import { dot, normalizeVector } from "../embed/index.js";
import type { Referential } from "../rome/index.js";
import {
  Bm25Index,
  contentStems,
  CoverageIndex,
  isStopword,
  lemmas,
  normalizeText,
  stem,
  titleKey,
} from "../text/index.js";
import { cmpCode, type ExtractionContext } from "./extract.js";
import { StemFamilies } from "./families.js";
import { labelHeads } from "./heads.js";
import { buildSavoirLexicon, namedSavoirs, type SavoirLexicon } from "./savoir-lexicon.js";
import { buildSoftSkills, softSkillsIn, type SoftSkillRule } from "./soft-skills.js";
import type { ExtractedSkill, Span } from "./types.js";
import { fold, type StatementUnit } from "./units.js";

/** Thresholds of stated-skill extraction (`POST /v1/skills/extract`), set on the dev half of the gold set. */
export const STATED = {
  /** Labels re-scored per statement (best label coverage first). */
  candidates: 12,
  /** Labels less covered than this are not candidates. */
  minCoverage: 0.2,
  /** Weight of the vector cosine; the rest is lexical (label coverage, lifted by how much of the statement it explains). */
  vectorWeight: 0.4,
  /** Weight of label coverage over statement coverage in the lexical evidence (an F-measure's β). */
  labelBeta: 2.5,
  /** Postings the label search walks per statement (rarest words first; see `scoreStatement`). */
  postingBudget: 2500,
  /** Taken off a reading whose fiches (when it tells any) are none of the text's domain. */
  offDomainPenalty: 0.05,
  /** Whether a label listing alternatives is covered by its best alternative. */
  alternatives: true,
  /** A one-word statement whose word is in more labels than this gets no reading from the open search. */
  genericWord: 50,
  /** Minimum score of a stated item. */
  minScore: 0.56,
  /** A second item from one statement only when it scores within this of the first (and has another MC). */
  secondWithin: 0.04,
  /** Statements of more content words than this may give a second item. */
  longStatement: 8,
  /** Items listed by more fiches than this do not vote in the coherence pass. */
  tellingFiches: 60,
  /** Candidates kept per statement for the coherence pass: those within this of the statement's best… */
  coherenceMargin: 0.2,
  /** …re-scored with this bonus × how much the text's other statements point at a fiche that lists them. */
  coherenceBonus: 0.12,
  /** …and this bonus × the weight of a fiche the text is known to be about (`context`) that lists them. */
  contextBonus: 0.15,
  /**
   * Taken off a savoir's score when its label is met by words (not a short form): a statement of a task is more
   * often its compétence than the savoir of the same words ("Contrôle qualité des pièces").
   */
  savoirPenalty: 0.12,
  /** Weight of the other candidates of one macro-compétence when a statement's reading is chosen (label families). */
  familyWeight: 0.2,
  /** The text's domain: its most voted fiches, at most this many, each with at least this share of the top vote… */
  domainFiches: 3,
  domainShare: 0.6,
  /** …whose items are read against every statement down to this score (see `extractStated`). */
  domainMin: 0.4,
  /**
   * Taken off a label whose head words (see `labelHeads`) a statement of at most `headWords` words does not meet, in
   * the open search (the domain pass reads paraphrases).
   */
  headPenalty: 0.15,
  headWords: 2,
  /** Score of a savoir named by its short form ("permis B", "SAP") and of a savoir-être ("rigoureux"). */
  namedScore: 0.95,
  softScore: 0.85,
} as const;

/** What stated-skill extraction needs, built once per referential (~0.5 s). */
export interface StatedExtractor {
  ref: Referential;
  ctx: ExtractionContext;
  families: StemFamilies;
  /** The labels of `rows` by word family. */
  labels: CoverageIndex;
  /** Weight of a family key absent from every label (a statement's own words: "EHPAD", "Netsoins"). */
  unknownWeight: number;
  savoirs: SavoirLexicon;
  soft: SoftSkillRule[];
  /** Row → diploma level of a savoir label ("cap", "bts"…); absent when the label names none. */
  diplomaLevel: Map<number, string>;
  /** Row of a one-word label → that word (normalised, singular). */
  oneWord: Map<number, string>;
  /** The labels extraction matches (rows of `labels`): compétences, savoirs, macro-compétences. */
  rows: Row[];
  /** Rows of savoirs whose label is a job title. */
  jobTitles: Set<number>;
  /**
   * Rows whose label lists alternatives ("Accueillir, orienter, renseigner un public", "Conditionner, emballer") →
   * the family keys of each alternative with the label's last part: a statement that states one of them covers it.
   */
  alternatives: ReadonlyMap<number, readonly (readonly string[])[]>;
  /** Code of a row of `rows` → its row. */
  rowOf: ReadonlyMap<string, number>;
  /** Codes of the savoirs that name a language. */
  languageCodes: ReadonlySet<string>;
  /** Row → the family keys of its label's head words (see `labelHeads`). */
  heads: readonly (readonly string[])[];
}

interface Row {
  code: string;
  kind: ExtractedSkill["kind"];
  /** A compétence's macro-compétence. */
  mc: string | null;
  libelle: string;
  vec: Float32Array | null;
}

const DIPLOMA_LEVELS: readonly [string, RegExp][] = [
  ["cap", /\bcap\b/],
  ["bep", /\bbep\b/],
  ["bac pro", /\bbac(?:calaureat)? pro(?:fessionnel)?\b/],
  ["bp", /\bbp\b|\bbrevet professionnel\b/],
  ["bts", /\bbts\b|\bbrevet de technicien superieur\b/],
  ["but", /\bbut\b|\bdut\b/],
  ["licence", /\blicence\b/],
  ["master", /\bmaster\b|\bmastere\b/],
  ["titre pro", /\btitre pro(?:fessionnel)?\b/],
  ["cqp", /\bcqp\b/],
  ["de", /\bdiplome d etat\b|\bde [a-z]/],
];

const ANY_DIPLOMA = new RegExp(DIPLOMA_LEVELS.map(([, re]) => `(?:${re.source})`).join("|"));

export function diplomaLevelOf(text: string): string | null {
  const f = fold(text);
  if (!ANY_DIPLOMA.test(f)) return null;
  for (const [level, re] of DIPLOMA_LEVELS) if (re.test(f)) return level;
  return null;
}

/** Savoir categories whose labels name products by their proper names ("Sage 100", "SAP"): kept as words there. */
const NAMED_PRODUCTS = new Set([
  "Logiciels, progiciels",
  "Langages informatiques",
  "Outils, machines, équipement matériel",
]);

/**
 * A label's words as stated extraction matches them: capitalised words inside a label (places, schools, brands:
 * "école de design Nantes - Atlantique", "Le Robert") are left out except in software and tool labels, so that a
 * CV's address or employer does not state a diploma.
 */
function labelWords(libelle: string, keepNames: boolean): string {
  if (keepNames) return libelle;
  return libelle
    .split(/\s+/)
    .map((w, i) => (i > 0 && /^[A-Z][a-zà-ÿ]/.test(w) ? "" : w))
    .join(" ");
}

export function createStatedExtractor(ref: Referential, ctx: ExtractionContext): StatedExtractor {
  // Rows: the lexicon's compétences and savoirs, then the macro-compétences (many a text states at that level:
  // "négocier les contrats", "gérer les plannings"), each MC's vector the mean direction of its compétences'.
  const mcs = [...ref.macroCompetences.values()];
  const rows: Row[] = ctx.lex.skillIds.map((code, row) => {
    if (row < ctx.lex.competenceCount) {
      const c = ref.competences.get(code)!;
      return {
        code,
        kind: "competence",
        mc: c.macroCompetence,
        libelle: c.libelle,
        vec: ctx.skillVectors[row] ?? null,
      };
    }
    return {
      code,
      kind: "savoir",
      mc: null,
      libelle: ref.savoirs.get(code)!.libelle,
      vec: ctx.skillVectors[row] ?? null,
    };
  });
  for (const m of mcs)
    rows.push({
      code: m.code,
      kind: "macro-competence",
      mc: null,
      libelle: m.libelle,
      vec: meanVector(m.competences.map((c) => ctx.skillVectors[ctx.skillRow.get(c) ?? -1] ?? null)),
    });
  const stems = rows.map((r) => {
    if (r.kind === "competence") return [...new Set(statedStems(r.libelle))];
    const keepNames = r.kind === "savoir" && NAMED_PRODUCTS.has(ref.savoirs.get(r.code)!.sousCategorie);
    return [...new Set(statedStems(labelWords(r.libelle, keepNames)))];
  });
  const families = new StemFamilies(stems.flat());
  const keyed = stems.map((s) => [...new Set(s.map((x) => families.key(x)))]);
  // One-word labels ("Opéras", "Assurances", "Meubles") are met by that very word, not by another of its stem
  // ("opérateur", "assure").
  // Savoirs that are job titles ("Data engineer", "Conducteur de travaux - travaux publics"): a title states no skill.
  const titles = new Set([...ref.appellations.values()].map((a) => titleKey(contentStems(a.libelle))));
  const jobTitles = new Set<number>();
  rows.forEach((r, row) => {
    if (r.kind === "savoir" && titles.has(titleKey(contentStems(r.libelle)))) jobTitles.add(row);
  });
  const oneWord = new Map<number, string>();
  rows.forEach((r, row) => {
    const w = normalizeText(r.libelle)
      .split(" ")
      .filter((x) => x.length > 1 && !isStopword(x));
    if (w.length === 1) oneWord.set(row, singular(w[0]!));
  });
  const idf = new Bm25Index(keyed);
  const labels = new CoverageIndex(keyed, (t) => idf.idf(t) || 0.1);
  const diplomaLevel = new Map<number, string>();
  rows.forEach((r, row) => {
    if (r.kind !== "savoir") return;
    const level = diplomaLevelOf(r.libelle);
    if (level) diplomaLevel.set(row, level);
  });
  // An unknown word weighs as a rare label word (a brand or place name says more about the statement than "de").
  const unknownWeight = labels.weightOf(families.key("pluridisciplinair")) || 65536 * 5;
  const alternatives = new Map<number, string[][]>();
  rows.forEach((r, row) => {
    if (r.kind === "savoir") return;
    const parts = r.libelle
      .replace(/\(.*?\)/g, " ")
      .split(/\s*,\s*/)
      .filter((p) => p.trim());
    if (parts.length < 2 || parts.slice(0, -1).some((p) => p.split(/\s+/).length > 2)) return;
    const keysOf = (t: string) => [...new Set(statedStems(t).map((x) => families.key(x)))];
    const last = keysOf(parts.at(-1)!);
    const alternative = (p: string) => [...new Set([...keysOf(p), ...last.slice(1)])];
    alternatives.set(
      row,
      parts.map((p, i) => (i === parts.length - 1 ? last : alternative(p))),
    );
  });
  const savoirs = buildSavoirLexicon(ref);
  const languageCodes = new Set(savoirs.langues.values());
  const rowOf = new Map(rows.map((r, i) => [r.code, i]));
  const headKey = (w: string) => {
    const s = statedStems(w)[0];
    return s === undefined || s === LIGHT_VERB ? null : families.key(s);
  };
  const heads = rows.map((r) => labelHeads(r.libelle, headKey));
  return {
    heads,
    ref,
    ctx,
    families,
    labels,
    unknownWeight,
    savoirs,
    languageCodes,
    alternatives,
    rowOf,
    soft: buildSoftSkills(ref),
    diplomaLevel,
    oneWord,
    rows,
    jobTitles,
  };
}

function meanVector(vs: readonly (Float32Array | null)[]): Float32Array | null {
  const have = vs.filter((v): v is Float32Array => v !== null);
  if (have.length === 0) return null;
  const out = new Float32Array(have[0]!.length);
  for (const v of have) for (let j = 0; j < out.length; j++) out[j]! += v[j]!;
  return normalizeVector(out);
}

/**
 * The stems stated extraction compares: each content word's lemma, stemmed. The stemmer alone leaves a verb's forms
 * apart from its infinitive ("négociez" / "négocier", "pilotez"), and ROME's compétences are infinitives.
 */
export function statedStems(text: string): string[] {
  const out: string[] = [];
  // Words never span whitespace, so a text's stems are its chunks' stems in order: memoised per chunk (the 33k
  // labels are read by every extractor, statements repeat across texts).
  for (const chunk of text.split(/\s+/)) {
    if (!chunk) continue;
    let stems = chunkStems.get(chunk);
    if (stems === undefined) {
      stems = lemmas(chunk).map((l) => (LIGHT_VERBS.has(l) ? LIGHT_VERB : stem(l)));
      if (chunkStems.size >= 300_000) chunkStems.clear();
      chunkStems.set(chunk, stems);
    }
    out.push(...stems);
  }
  return out;
}

const chunkStems = new Map<string, string[]>();

/**
 * Support verbs that carry little of their own ("assurer la facturation", "effectuer la traite", "procéder au
 * coulage"): one word for extraction, so that a statement and a label that use different ones still share it.
 */
const LIGHT_VERBS = new Set([
  "assurer",
  "effectuer",
  "realiser",
  "proceder",
  "faire",
  "executer",
  "accomplir",
  "mener",
  "pratiquer",
  "participer",
]);
const LIGHT_VERB = "realis";

const singular = (w: string) => (w.length > 3 && /[sx]$/.test(w) ? w.slice(0, -1) : w);

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
): ExtractedSkill[] {
  const found: Found[] = [];
  const open: { unit: StatementUnit; long: boolean; cands: Candidate[]; q: StatementQuery }[] = [];
  units.forEach((u, i) => {
    let named = namedSavoirs(x.savoirs, u.text, u.start);
    // Outside statements, a language name is mostly the company's or a place's ("leader français du…").
    if (u.namedOnly) named = named.filter((n) => !x.languageCodes.has(n.code));
    for (const n of named)
      found.push({ code: n.code, kind: "savoir", score: STATED.namedScore, span: spanOf(text, n.start, n.end) });
    if (u.namedOnly) return;
    const f = fold(u.text);
    const soft = softSkillsIn(x.soft, f, u.start);
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
    const stems = statedStems(rest);
    if (stems.length === 0 || ((named.length || soft.length) && stems.length < 2)) return;
    const level = diplomaLevelOf(u.text);
    const words = new Set(normalizeText(rest).split(" ").map(singular));
    const cands = scoreStatement(x, stems, vecs[i] ?? null, level, words);
    const q = statementQuery(x, stems, vecs[i] ?? null, level, words);
    open.push({ unit: u, long: stems.length > STATED.longStatement, cands, q });
  });
  // Coherence: a statement's near-equal readings are decided by the fiches the whole text points at ("soins
  // d'hygiène et de confort" in a CV of care work: the patients' care, not the animals').
  // Items of many fiches (most macro-compétences) say nothing of which fiche the text is about: they neither vote
  // nor gain.
  const votes = new Map<string, number>();
  const telling = (code: string) => {
    const f = x.ref.fichesForItem(code);
    return f.length <= STATED.tellingFiches ? f : NO_FICHES;
  };
  for (const o of open) {
    for (const c of o.cands)
      for (const f of telling(c.code)) votes.set(f, (votes.get(f) ?? 0) + c.score / o.cands.length);
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
      const have = new Set(o.cands.map((c) => c.code));
      const rows = new Set<number>();
      for (const k of o.q.keys) for (const m of byKey) for (const row of m.get(k) ?? NO_ROWS) rows.add(row);
      for (const row of rows) {
        if (have.has(x.rows[row]!.code)) continue;
        const coverage = x.labels.coverageOf(row, o.q.keys);
        if (coverage < STATED.minCoverage) continue;
        const c = scoreRow(x, o.q, row, coverage, 1);
        if (c && c.score >= STATED.domainMin) o.cands.push(c);
      }
    }
  }
  for (const o of open) {
    if (o.cands.length === 0 || o.unit.voteOnly) continue;
    const rescored = o.cands
      .map((c) => {
        let best = 0;
        let inDomain = false;
        for (const f of telling(c.code)) {
          best = Math.max(best, votes.get(f) ?? 0);
          if (domain.has(f)) inDomain = true;
        }
        // A reading of the text's fiches' items comes first; one that only another trade lists falls back.
        const offDomain = telling(c.code).length > 0 && !inDomain ? STATED.offDomainPenalty : 0;
        let known = 0;
        for (const k of contextItems) if (k.items.has(c.code)) known = Math.max(known, k.w);
        // Label families: other readings of the statement in the same macro-compétence back this one.
        let family = 0;
        if (c.mc !== null) for (const d of o.cands) if (d !== c && d.mc === c.mc) family += d.score;
        const coherence = top > 0 ? (STATED.coherenceBonus * best) / top : 0;
        const final = c.score + coherence + STATED.contextBonus * known + STATED.familyWeight * family - offDomain;
        return { ...c, final, offDomain };
      })
      .sort((a, b) => b.final - a.final || cmpCode(a.code, b.code));
    const best = rescored[0]!;
    const picked = [best];
    const second = rescored.find((c) => c.code !== best.code && (c.mc === null || c.mc !== best.mc));
    if (second && o.long && second.final >= best.final - STATED.secondWithin) picked.push(second);
    const span = spanOf(text, o.unit.start, o.unit.end);
    for (const c of picked)
      if (c.score - c.offDomain >= STATED.minScore || c.offDomain === 0)
        found.push({ code: c.code, kind: c.kind, score: c.score, span });
  }
  return aggregate(x.ref, found);
}

const NO_FICHES: readonly string[] = [];

const NO_ROWS: readonly number[] = [];

const ficheKeyRows = new WeakMap<StatedExtractor, Map<string, Map<string, number[]>>>();
/** A fiche's item rows by the family keys of their labels, once per fiche. */
function ficheRowsByKey(x: StatedExtractor, code: string): ReadonlyMap<string, readonly number[]> {
  let m = ficheKeyRows.get(x);
  if (!m) ficheKeyRows.set(x, (m = new Map()));
  let byKey = m.get(code);
  if (!byKey) {
    byKey = new Map();
    for (const item of ficheItems(x, code)) {
      const row = x.rowOf.get(item);
      if (row === undefined) continue;
      for (const t of x.labels.termsOf(row)) {
        const list = byKey.get(t);
        if (list) list.push(row);
        else byKey.set(t, [row]);
      }
    }
    m.set(code, byKey);
  }
  return byKey;
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

function spanOf(text: string, start: number, end: number): Span {
  return { start, end, text: text.slice(start, end) };
}

/** A statement's readings: its best-scoring labels, those within `coherenceMargin` of the best. */
export function scoreStatement(
  x: StatedExtractor,
  stems: readonly string[],
  vec: Float32Array | null,
  level: string | null,
  words: ReadonlySet<string>,
  minScore: number = STATED.minScore,
): Candidate[] {
  const { keys, unitMass } = statementQuery(x, stems, vec, level, words);
  // A statement of one common word ("Entretien", "la réparation", "contrôle") names no item by itself: only the
  // text's domain may read it (see `extractStated`).
  if (keys.size === 1 && x.labels.docFrequency([...keys][0]!) > STATED.genericWord) return [];
  // The search walks the rarer words' postings only (a budget of postings, the two rarest always): a label met by
  // common words alone ("gestion", "client") is rarely the one a statement means, and their postings are long.
  // Coverage is then recomputed on all the words.
  const byRarity: { k: string; df: number }[] = [];
  for (const k of keys) {
    const df = x.labels.docFrequency(k);
    if (df > 0) byRarity.push({ k, df });
  }
  byRarity.sort((a, b) => a.df - b.df);
  const probe = new Set<string>();
  let walked = 0;
  for (const { k, df } of byRarity) {
    if (probe.size >= 2 && walked + df > STATED.postingBudget) break;
    probe.add(k);
    walked += df;
  }
  const hits = x.labels
    .search(probe, STATED.candidates, STATED.minCoverage / 2)
    .map((h) => (probe.size === byRarity.length ? h : { doc: h.doc, coverage: x.labels.coverageOf(h.doc, keys) }))
    .filter((h) => h.coverage >= STATED.minCoverage);
  const scored: Candidate[] = [];
  const q: StatementQuery = { keys, unitMass, vec, level, words };
  for (const h of hits) {
    const c = scoreRow(x, q, h.doc, h.coverage, 2);
    if (c && c.score >= minScore) scored.push(c);
  }
  scored.sort((a, b) => b.score - a.score || cmpCode(a.code, b.code));
  const best = scored[0];
  if (!best) return [];
  return scored.filter((c) => c.score >= best.score - STATED.coherenceMargin).slice(0, 6);
}

/** A statement as `scoreRow` reads it. */
interface StatementQuery {
  keys: ReadonlySet<string>;
  /** Σ weight of `keys` (unknown words weigh `unknownWeight`). */
  unitMass: number;
  vec: Float32Array | null;
  /** The diploma level the statement names, if any. */
  level: string | null;
  /** The statement's words, singular (one-word labels need their very word). */
  words: ReadonlySet<string>;
}

function statementQuery(
  x: StatedExtractor,
  stems: readonly string[],
  vec: Float32Array | null,
  level: string | null,
  words: ReadonlySet<string>,
): StatementQuery {
  const keys = new Set(stems.map((s) => x.families.key(s)));
  let unitMass = 0;
  for (const k of keys) unitMass += x.labels.weightOf(k) || x.unknownWeight;
  return { keys, unitMass, vec, level, words };
}

/**
 * One label's score for a statement, or null when the label cannot be what it states: another diploma level, a
 * one-word label without its word, a job title, or (for a sentence) fewer than `minShared` shared words.
 */
function scoreRow(
  x: StatedExtractor,
  q: StatementQuery,
  doc: number,
  coverage: number,
  minShared: number,
): Candidate | null {
  const labelLevel = x.diplomaLevel.get(doc);
  if (labelLevel && q.level && labelLevel !== q.level) return null; // a CAP is not a BTS
  const word = x.oneWord.get(doc);
  if (word !== undefined && !q.words.has(word)) return null;
  if (x.jobTitles.has(doc)) return null;
  // One shared word is enough only for a one-word label, or a short statement against a short label ("Accueil",
  // "Encaissement" in a list); a sentence must share two words with the label it states.
  const labelTerms = x.labels.termsOf(doc);
  let sharedTerms = 0;
  let shared = 0;
  for (const t of labelTerms) {
    if (!q.keys.has(t)) continue;
    sharedTerms++;
    shared += x.labels.weightOf(t);
  }
  if (sharedTerms === 0) return null;
  if (sharedTerms < minShared && labelTerms.length > 1 && !(q.keys.size <= 2 && labelTerms.length <= 3)) return null;
  const unitCoverage = q.unitMass > 0 ? shared / q.unitMass : 0;
  // F-measure of the label's coverage (weighing β² times more) and the statement's: a one-word label met by one
  // word of a long sentence is weak evidence, a short statement inside a long label fair evidence.
  const alts = x.alternatives.get(doc);
  if (alts && STATED.alternatives) {
    // One alternative of the label stated is the label stated: its coverage is the best alternative's.
    for (const alt of alts) {
      let have = 0;
      let mass = 0;
      for (const t of alt) {
        const w = x.labels.weightOf(t);
        mass += w;
        if (q.keys.has(t)) have += w;
      }
      if (mass > 0) coverage = Math.max(coverage, have / mass);
    }
  }
  const b2 = STATED.labelBeta ** 2;
  const lexical =
    coverage > 0 && unitCoverage > 0 ? ((1 + b2) * coverage * unitCoverage) / (b2 * unitCoverage + coverage) : 0;
  const r = x.rows[doc]!;
  const cos = q.vec && r.vec ? dot(q.vec, r.vec) : 0;
  let penalty = r.kind === "savoir" ? STATED.savoirPenalty : 0;
  // A short statement that meets none of the label's head words names its topic, not its action ("les espaces
  // communs" is not "Optimiser la gestion des espaces communs"); the domain pass reads paraphrases and does not pay.
  const heads = x.heads[doc]!;
  if (minShared > 1 && q.keys.size <= STATED.headWords && heads.length > 0 && !heads.some((h) => q.keys.has(h)))
    penalty += STATED.headPenalty;
  const score = STATED.vectorWeight * cos + (1 - STATED.vectorWeight) * lexical - penalty;
  return { code: r.code, kind: r.kind, score, mc: r.kind === "macro-competence" ? r.code : r.mc };
}

interface Candidate {
  code: string;
  kind: ExtractedSkill["kind"];
  score: number;
  mc: string | null;
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
    .map((s) => ({ ...s, score: Math.round(s.score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score || cmpCode(a.code, b.code));
}
