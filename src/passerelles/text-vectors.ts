import { existsSync } from "node:fs";
import { indexRootOf, passerellesConfigOf } from "../config.js";
import {
  builtWordVectorsFile,
  normalizeInPlace,
  readWordVectors,
  WordVectorManifest,
  type WordVectors,
} from "../embed/index.js";
import { readModelFile } from "../model-file.js";
import type { Fiche, Referential } from "../rome/index.js";
import { statedStems } from "../skills/index.js";
import type { TEXT_VECTOR_FEATURES } from "./features.js";

type TextVectorFeature = (typeof TEXT_VECTOR_FEATURES)[number];

/** The texts of a fiche a passerelle's text features compare. */
export const TEXT_FIELDS = ["title", "definition", "acces", "competences", "savoirs", "macros", "all"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** SIF's smoothing (Arora, Liang & Ma 2017): a word's weight is a / (a + its frequency in the fiches' texts). */
const SIF_A = 1e-3;

/** The label tables a fiche's codes are read through. */
export type TextLabels = Pick<Referential, "appellations" | "competences" | "savoirs" | "macroCompetences">;

/** Each field's text, as one string per fiche ("all": every field). */
function fieldTexts(ref: TextLabels, f: Fiche): Record<Exclude<TextField, "all">, string> {
  const label = <T extends { libelle: string }>(m: ReadonlyMap<string, T>, code: string) => m.get(code)?.libelle ?? "";
  return {
    title: [f.libelle, ...f.appellations.map((a) => label(ref.appellations, a))].join(" \n "),
    definition: f.definition,
    acces: f.accesMetier,
    competences: f.competences.map((c) => label(ref.competences, c.code)).join(" \n "),
    savoirs: f.savoirs.map((c) => label(ref.savoirs, c.code)).join(" \n "),
    macros: f.macroCompetences.map((c) => label(ref.macroCompetences, c.code)).join(" \n "),
  };
}

/**
 * One unit vector per fiche and text field from domain word vectors: the SIF-weighted mean of the field's words'
 * vectors, less the field's mean over all fiches (the common direction every text shares), L2-normalised. A pair's
 * text similarity is then one dot product of `dim` numbers, whatever words the two texts chose.
 */
export class FicheTextVectors {
  readonly dim: number;
  private readonly rows: Map<TextField, Float32Array>;
  /** Precomputed cosines, "a>b" → n × n (see `precompute`). */
  private readonly matrices = new Map<string, Float32Array>();

  constructor(ref: TextLabels, fiches: readonly Fiche[], wv: WordVectors) {
    this.dim = wv.dim;
    const texts = fiches.map((f) => fieldTexts(ref, f));
    const stems = texts.map((t) =>
      Object.fromEntries(Object.entries(t).map(([k, v]) => [k, statedStems(v)])),
    ) as Record<Exclude<TextField, "all">, string[]>[];
    const freq = new Map<string, number>();
    let total = 0;
    for (const s of stems)
      for (const words of Object.values(s))
        for (const w of words) {
          freq.set(w, (freq.get(w) ?? 0) + 1);
          total++;
        }
    const weight = (w: string) => SIF_A / (SIF_A + (freq.get(w) ?? 0) / total);
    const n = fiches.length;
    const d = wv.dim;
    this.rows = new Map();
    for (const field of TEXT_FIELDS) {
      const m = new Float32Array(n * d);
      stems.forEach((s, i) => {
        const words = field === "all" ? Object.values(s).flat() : s[field];
        const row = m.subarray(i * d, (i + 1) * d);
        for (const w of words) {
          const v = wv.vector(w);
          if (!v) continue;
          const a = weight(w);
          for (let k = 0; k < d; k++) row[k]! += a * v[k]!;
        }
        normalizeInPlace(row);
      });
      // Remove the direction common to all fiches' texts of this field (SIF's common component, as a mean).
      const mean = new Float32Array(d);
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k]! += m[i * d + k]! / n;
      for (let i = 0; i < n; i++) {
        const row = m.subarray(i * d, (i + 1) * d);
        if (!row.some((x) => x !== 0)) continue;
        for (let k = 0; k < d; k++) row[k]! -= mean[k]!;
        normalizeInPlace(row);
      }
      this.rows.set(field, m);
    }
  }

  /** Cosine of source position `s`'s field `a` with every fiche's field `b`, into `out` (float32-rounded). */
  similarityInto(s: number, a: TextField, b: TextField, out: Float64Array): void {
    const n = out.length;
    const m = this.matrices.get(`${a}>${b}`);
    if (m) {
      for (let i = 0; i < n; i++) out[i] = m[s * n + i]!;
      return;
    }
    const d = this.dim;
    const A = this.rows.get(a)!;
    const B = this.rows.get(b)!;
    const q = A.subarray(s * d, (s + 1) * d);
    for (let i = 0; i < n; i++) {
      let x = 0;
      const o = i * d;
      for (let k = 0; k < d; k++) x += q[k]! * B[o + k]!;
      // Rounded as the precomputed matrix stores it, so that fitting and serving read the same numbers.
      out[i] = Math.fround(x);
    }
  }

  /**
   * Computes every fiche's cosines of field `a` → field `b` once (n² float32: 10 MB for 1,584 fiches), so that a
   * served answer reads a row instead of n dot products (~0.3 ms of CPU per feature).
   */
  precompute(a: TextField, b: TextField): void {
    const key = `${a}>${b}`;
    if (this.matrices.has(key)) return;
    const n = this.rows.get(a)!.length / this.dim;
    const m = new Float32Array(n * n);
    const row = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      this.similarityInto(s, a, b, row);
      m.set(row, s * n);
    }
    this.matrices.set(key, m);
  }
}

/** Which fields of the source and of the target each text-vector feature compares. */
export const TEXT_VECTOR_PAIRS: Record<TextVectorFeature, readonly [TextField, TextField]> = {
  textAll: ["all", "all"],
  textTitle: ["title", "title"],
  textCompetences: ["competences", "competences"],
  textSavoirs: ["savoirs", "savoirs"],
  textDefinition: ["definition", "definition"],
  textToAcces: ["all", "acces"],
};

/**
 * The word vectors file the text-vector features read for a referential: the config's `passerellesWordVectors`
 * (PASSERELLES_WORD_VECTORS) names it ("{version}" is replaced by the referential's version; "none": no vectors),
 * else the model built at set-up for that version in the index folder. Null when there is none.
 */
export function passerellesWordVectorsFile(
  romeVersion: string,
  setting = passerellesConfigOf().passerellesWordVectors,
): string | null {
  if (setting === "none") return null;
  const file = setting
    ? setting.replaceAll("{version}", romeVersion)
    : builtWordVectorsFile(indexRootOf(), romeVersion);
  return existsSync(file) ? file : null;
}

/** The word vectors of `passerellesWordVectorsFile`, or null (the text-vector columns then stay 0). */
export function passerellesWordVectors(romeVersion: string): WordVectors | null {
  const file = passerellesWordVectorsFile(romeVersion);
  return file ? readWordVectors(file) : null;
}

/** The sha256 of a word-vector file's rows, as its manifest records it (a model file records the one it was fitted with). */
export const wordVectorsSha = (file: string): string => readModelFile(file, WordVectorManifest).bin.sha256;

/**
 * Says on stderr why a model reading text similarities will rank otherwise than it was fitted: no word vectors for
 * the referential, or other ones than the fit's (`fit.options.wordVectors.sha256`). Returns the vectors to read.
 */
export function checkedWordVectors(romeVersion: string, fittedSha: string | undefined): WordVectors | null {
  const file = passerellesWordVectorsFile(romeVersion);
  if (!file) {
    console.error(`passerelles: no word vectors for ROME ${romeVersion}; the model's text similarities count 0`);
    return null;
  }
  if (fittedSha && wordVectorsSha(file) !== fittedSha)
    console.error(`passerelles: ${file} is not the word vectors the model was fitted with (sha256 differs)`);
  return readWordVectors(file);
}
