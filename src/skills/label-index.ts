import { dotRows, normalizeVector, type WordVectors } from "../embed/index.js";
import type { Referential } from "../rome/index.js";
import { Bm25Index, contentStems, CoverageIndex, isStopword, normalizeText, titleKey } from "../text/index.js";
import type { ExtractionContext } from "./extract.js";
import { StemFamilies } from "./families.js";
import { FicheTermRows } from "./fiche-terms.js";
import { labelHeads } from "./heads.js";
import type { ParaphraseModel } from "./paraphrases.js";
import { buildSavoirLexicon, type SavoirLexicon } from "./savoir-lexicon.js";
import { scoreRowFlags } from "./scoring.js";
import { buildSoftSkills, type SoftSkillRule } from "./soft-skills.js";
import { diplomaLevelOf, isDiplomaLabel, LIGHT_VERB, singular, statedStems } from "./stems.js";
import { STATED } from "./thresholds.js";
import type { ExtractedSkill } from "./types.js";

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
  /** Row → diploma level of a savoir label ("cap", "bts"…); null when the label names none. */
  diplomaLevel: readonly (string | null)[];
  /** Row of a one-word label → that word (normalised, singular); null for the others. */
  oneWord: readonly (string | null)[];
  /** The labels extraction matches (rows of `labels`): compétences, savoirs, macro-compétences. */
  rows: Row[];
  /** Row → 1 for the savoirs whose label is a job title. */
  jobTitles: Uint8Array;
  /**
   * Rows whose label lists alternatives ("Accueillir, orienter, renseigner un public", "Conditionner, emballer") →
   * the family keys of each alternative with the label's last part: a statement that states one of them covers it.
   * By row (null: none); keys as `labels` ids with their weights (keys no label holds weigh 0 and are left out).
   */
  alternatives: readonly (readonly LabelAlternative[] | null)[];
  /** Row → the fiches that list its item (`Referential.fichesForItem`). */
  itemFiches: readonly (readonly string[])[];
  /** Code of a row of `rows` → its row. */
  rowOf: ReadonlyMap<string, number>;
  /** Fiche code → its compétences', savoirs' and macro-compétences' rows by label term (the domain pass reads them). */
  ficheTerms: ReadonlyMap<string, FicheTermRows>;
  /** Codes of the savoirs that name a language. */
  languageCodes: ReadonlySet<string>;
  /** Row → the family keys of its label's head words (see `labelHeads`). */
  heads: readonly (readonly string[])[];
  /** Row → `scoreRow`'s flags (`scoreRowFlags`): what its label is or has, in one byte. */
  rowFlags: Uint8Array;
  /** Family keys' neighbours in the domain word vectors (see `KeyNeighbours`); null when no model is loaded. */
  wordVectors: KeyNeighbours | null;
  /** Paraphrase evidence learned from recruiters' items (`npm run train:paraphrases`); null when none is loaded. */
  paraphrases: ParaphraseModel | null;
}

/** One alternative of a label (see `StatedExtractor.alternatives`): its keys' ids and weights, and their sum. */
export interface LabelAlternative {
  ids: Int32Array;
  weights: Int32Array;
  mass: number;
}

export interface Row {
  code: string;
  kind: ExtractedSkill["kind"];
  /** A compétence's macro-compétence. */
  mc: string | null;
  libelle: string;
  vec: Float32Array | null;
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

export function createStatedExtractor(
  ref: Referential,
  ctx: ExtractionContext,
  /** Domain word vectors (`npm run train:word-vectors`) for paraphrase readings; null: none. */
  words: WordVectors | null = null,
  /** Paraphrase evidence (`npm run train:paraphrases`); null: none. */
  paraphrases: ParaphraseModel | null = null,
): StatedExtractor {
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
  // A diploma named after its trade ("CAP maçon", "BP boulanger", whose key drops the level) is not one.
  const titles = new Set([...ref.appellations.values()].map((a) => titleKey(contentStems(a.libelle))));
  const jobTitles = new Uint8Array(rows.length);
  rows.forEach((r, row) => {
    if (r.kind === "savoir" && !isDiplomaLabel(r.libelle) && titles.has(titleKey(contentStems(r.libelle))))
      jobTitles[row] = 1;
  });
  const oneWord = rows.map((r) => {
    const w = normalizeText(r.libelle)
      .split(" ")
      .filter((x) => x.length > 1 && !isStopword(x));
    return w.length === 1 ? singular(w[0]!) : null;
  });
  const idf = new Bm25Index(keyed);
  const labels = new CoverageIndex(keyed, (t) => idf.idf(t) || 0.1);
  const diplomaLevel = rows.map((r) => (r.kind === "savoir" ? diplomaLevelOf(r.libelle) : null));
  // An unknown word weighs as a rare label word (a brand or place name says more about the statement than "de").
  const unknownWeight = labels.weightOf(families.key("pluridisciplinair")) || 65536 * 5;
  const alternatives = rows.map((): LabelAlternative[] | null => null);
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
    alternatives[row] = parts.map((p, i) => {
      const ids = (i === parts.length - 1 ? last : alternative(p)).map((k) => labels.idOf(k)).filter((id) => id >= 0);
      const weights = ids.map((id) => labels.weightOfId(id));
      return { ids: Int32Array.from(ids), weights: Int32Array.from(weights), mass: weights.reduce((a, b) => a + b, 0) };
    });
  });
  const savoirs = buildSavoirLexicon(ref);
  const languageCodes = new Set(savoirs.langues.values());
  const rowOf = new Map(rows.map((r, i) => [r.code, i]));
  const ficheTerms = new Map<string, FicheTermRows>();
  for (const [code, f] of ref.fiches) {
    const items = new Set([...f.competences, ...f.savoirs, ...f.macroCompetences].map((l) => l.code));
    const itemRows: number[] = [];
    for (const item of items) {
      const row = rowOf.get(item);
      if (row !== undefined) itemRows.push(row);
    }
    ficheTerms.set(code, FicheTermRows.of(labels, itemRows));
  }
  const headKey = (w: string) => {
    const s = statedStems(w)[0];
    return s === undefined || s === LIGHT_VERB ? null : families.key(s);
  };
  const heads = rows.map((r) => labelHeads(r.libelle, headKey));
  const rowFlags = scoreRowFlags({ rows, jobTitles, diplomaLevel, oneWord, alternatives, heads });
  return {
    wordVectors: words ? new KeyNeighbours(words, families, STATED.softCosine, (k) => labels.idOf(k)) : null,
    paraphrases,
    heads,
    rowFlags,
    ref,
    ctx,
    families,
    labels,
    unknownWeight,
    savoirs,
    languageCodes,
    alternatives,
    itemFiches: rows.map((r) => ref.fichesForItem(r.code)),
    rowOf,
    ficheTerms,
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

/** A key's neighbours among the label terms: their ids (`CoverageIndex` ids, in the model's key order) and cosines. */
export interface NearTerms {
  ids: Int32Array;
  cos: Float64Array;
}

const NO_NEAR: NearTerms = { ids: new Int32Array(0), cos: new Float64Array(0) };

/**
 * Family keys' near words in the domain word vectors: each key's vector is the mean direction of its stems' (a noun
 * and its verb); a key's neighbours are the label terms (`termOf`: a key's term id, −1 for none) at cosine `floor` or
 * more. Only label terms are scanned (soft readings compare a statement's words with labels' words only), once per
 * key the first time it is asked for, then cached (statements repeat their words across texts).
 */
export class KeyNeighbours {
  /** Key → its row of `matrix`. */
  private readonly index = new Map<string, number>();
  private readonly matrix: Float32Array;
  /** The rows of `matrix` whose key is a label term, and their term ids. */
  private readonly terms: Float32Array;
  private readonly termIds: Int32Array;
  /** Row of `matrix` → its row of `terms` (−1: not a term), so that a key is not its own neighbour. */
  private readonly termRow: Int32Array;
  private readonly dim: number;
  private readonly cache = new Map<string, NearTerms>();
  /** A key's cosines to every term (a reused buffer). */
  private readonly cosines: Float64Array;

  constructor(
    words: WordVectors,
    families: StemFamilies,
    private readonly floor: number,
    termOf: (key: string) => number,
  ) {
    this.dim = words.dim;
    const sums = new Map<string, Float32Array>();
    for (const w of words.vocabulary) {
      const k = families.key(w);
      const v = words.vector(w)!;
      const s = sums.get(k);
      if (s) for (let j = 0; j < v.length; j++) s[j]! += v[j]!;
      else sums.set(k, Float32Array.from(v));
    }
    this.matrix = new Float32Array(sums.size * this.dim);
    this.termRow = new Int32Array(sums.size).fill(-1);
    const ids: number[] = [];
    for (const [k, v] of sums) {
      const row = this.index.size;
      this.index.set(k, row);
      this.matrix.set(normalizeVector(v), row * this.dim);
      const id = termOf(k);
      if (id >= 0) ((this.termRow[row] = ids.length), ids.push(id));
    }
    this.termIds = Int32Array.from(ids);
    this.terms = new Float32Array(ids.length * this.dim);
    for (let row = 0; row < sums.size; row++)
      if (this.termRow[row]! >= 0)
        this.terms.set(this.matrix.subarray(row * this.dim, (row + 1) * this.dim), this.termRow[row]! * this.dim);
    this.cosines = new Float64Array(ids.length);
  }

  /** Label terms at cosine `floor` or more from `key` (not itself); none when the model does not know it. */
  near(key: string): NearTerms {
    let out = this.cache.get(key);
    if (out) return out;
    const i = this.index.get(key);
    out = NO_NEAR;
    if (i !== undefined) {
      // One pass over the terms' rows (`dotRows`: the sums of `dot`, no subarray a row).
      const cos = this.cosines;
      dotRows(this.terms, this.matrix.subarray(i * this.dim, (i + 1) * this.dim), cos);
      const self = this.termRow[i]!;
      let n = 0;
      for (let j = 0; j < cos.length; j++) if (j !== self && cos[j]! >= this.floor) n++;
      out = { ids: new Int32Array(n), cos: new Float64Array(n) };
      for (let j = 0, k = 0; j < cos.length; j++)
        if (j !== self && cos[j]! >= this.floor) {
          out.ids[k] = this.termIds[j]!;
          out.cos[k++] = cos[j]!;
        }
    }
    if (this.cache.size >= 50_000) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }
}
