import { writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import {
  classifierInput,
  hiddenOf,
  packWeights,
  logitsOf,
  softmaxInPlace,
  type ClassifierInput,
  type ClassifierManifest,
  type FicheClassifier,
} from "../match/fitting.js";
import type { Referential } from "../rome/index.js";
import { seededRandom } from "./random.js";
import { sha256 } from "./fit-meta.js";

/** A training text and its fiche. */
export interface ClassifierExample {
  code: string;
  title: string;
  body: string;
  /**
   * Every fiche that is a right answer, when more than `code` is (an offer coded before a split: its code then meant
   * the fiches created from it since as well): the example's loss is the likelihood of their merged probability.
   */
  golds?: readonly string[];
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** `k` distinct elements of `xs` in random order (all of them when k ≥ length). */
function sample<T>(r: () => number, xs: readonly T[], k: number): T[] {
  const a = [...xs];
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(r() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** "Vendeur / Vendeuse en prêt-à-porter" → one gender's form, or both, as offers write them. */
export function genderForm(libelle: string, r: () => number): string {
  const m = /^(.*?)(\S+) \/ (\S+)(.*)$/.exec(libelle);
  if (!m) return libelle;
  const [, head, masc, fem, rest] = m;
  const x = r();
  if (x < 0.45) return `${head}${masc}${rest}`;
  if (x < 0.6) return `${head}${fem}${rest}`;
  return libelle;
}

/** What offers put around a job title: gender marks, contract words (cleanTitle removes most of it, as at match time). */
const TITLE_NOISE_AFTER = [
  " H/F",
  " (H/F)",
  " F/H",
  " h/f",
  " - CDI",
  " - Temps plein",
  " (F/H/X)",
  " H/F - CDI",
  " confirmé H/F",
  " junior H/F",
  " senior",
];
const TITLE_NOISE_BEFORE = ["URGENT - ", "CDI - ", "Alternance - ", "Stage - ", ""];

/** Sentences offers share whatever the job: the model should learn that they name no fiche. */
const BOILERPLATE = [
  "Poste à pourvoir en CDI à temps plein.",
  "Rémunération selon profil et expérience.",
  "Vous êtes rigoureux, autonome et avez le sens du travail en équipe.",
  "Débutant accepté, formation assurée en interne.",
  "Avantages : mutuelle, tickets restaurant, prime annuelle.",
  "Vous justifiez d'une première expérience réussie sur un poste similaire.",
  "Rejoignez une entreprise à taille humaine en pleine croissance.",
  "Horaires du lundi au vendredi, 35 heures hebdomadaires.",
  "Le permis B est souhaité.",
  "Nous recherchons pour notre client un profil motivé.",
  "Envoyez votre candidature avec CV et lettre de motivation.",
  "Poste basé en région parisienne, télétravail partiel possible.",
  "Contrat en intérim de 6 mois renouvelable.",
  "Qualités attendues : sens du relationnel, ponctualité, esprit d'équipe.",
  "Notre agence recrute dans le cadre de son développement.",
];
/** How offers introduce lists of tasks and of knowledge. */
const TASK_HEADS = [
  "Vos missions :",
  "Missions principales :",
  "Vous serez chargé(e) de :",
  "Au quotidien, vous :",
  "Description du poste :",
  "Activités :",
  "",
];
const KNOWLEDGE_HEADS = [
  "Compétences requises :",
  "Profil recherché :",
  "Connaissances :",
  "Vous maîtrisez :",
  "Savoirs :",
  "",
];
const INTRO = [
  "Nous recherchons un(e) {t}.",
  "Nous recrutons un {t} H/F.",
  "{t} H/F",
  "Dans le cadre de notre développement, nous recherchons un {t}.",
  "En tant que {t}, vous intervenez au sein de notre équipe.",
];

/** Verbs of ROME's compétence labels (infinitive), as offers write them ("Vous réalisez…", "Réalisation de…" stays). */
function offerStyle(label: string, r: () => number): string {
  const x = r();
  if (x < 0.5) return label;
  const m = /^(\S+?)(er|ir|re)\b(.*)$/.exec(label);
  if (!m) return label;
  const [, root, end, rest] = m;
  if (x < 0.8) return `Vous ${root!.toLowerCase()}${end === "er" ? "ez" : end === "ir" ? "issez" : "ez"}${rest}`;
  return `${root}${end === "er" ? "ement" : "ion"}${rest}`;
}

const sentences = (text: string) =>
  text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 10);

/**
 * A ROME-derived example made to look like an offer: a title from the fiche's appellations (a gender form, noise
 * around it), a body of some of its definition's and access text's sentences, a draw of its compétences (coeur de
 * métier more often, verbs in offer style), savoirs, contextes and macro-compétences under the headings offers use,
 * boilerplate any offer may carry, and a few items of another fiche (offers are not ROME's lists). Some examples
 * have no title (CVs, texts sent without one), some no body (title-only queries).
 */
export function pseudoOffer(
  ref: Referential,
  code: string,
  r: () => number,
  otherCodes: readonly string[],
): ClassifierExample {
  const f = ref.fiches.get(code)!;
  const apps = f.appellations.map((a) => ref.appellations.get(a)!).filter(Boolean);
  const app = apps.length && r() < 0.9 ? pick(r, apps) : null;
  const base = app ? (r() < 0.2 && app.libelleCourt ? app.libelleCourt : app.libelle) : f.libelle;
  let title = genderForm(base, r);
  if (r() < 0.5) title += pick(r, TITLE_NOISE_AFTER);
  if (r() < 0.15) title = pick(r, TITLE_NOISE_BEFORE) + title;
  const lines: string[] = [];
  if (r() < 0.5) lines.push(pick(r, INTRO).replace("{t}", genderForm(app?.libelle ?? f.libelle, r).toLowerCase()));
  const def = sentences(f.definition);
  for (const s of sample(r, def, int(r, 0, Math.min(3, def.length)))) lines.push(s);
  const comps = f.competences;
  const coeur = comps.filter((c) => c.coeurMetier === "principale");
  const chosen = new Set(sample(r, coeur, int(r, 0, 4)).map((c) => c.code));
  for (const c of sample(r, comps, int(r, 2, 10))) chosen.add(c.code);
  if (chosen.size) {
    lines.push(pick(r, TASK_HEADS));
    for (const c of chosen) lines.push(`- ${offerStyle(ref.competences.get(c)?.libelle ?? "", r)}`);
  }
  const savoirs = sample(r, f.savoirs, int(r, 0, 6)).map((s) => ref.savoirs.get(s.code)?.libelle ?? "");
  const mcs = sample(r, f.macroCompetences, int(r, 0, 2)).map((m) => ref.macroCompetences.get(m.code)?.libelle ?? "");
  const noise: string[] = [];
  if (r() < 0.4) {
    const other = ref.fiches.get(pick(r, otherCodes))!;
    for (const c of sample(r, other.competences, int(r, 1, 2))) noise.push(ref.competences.get(c.code)?.libelle ?? "");
  }
  const know = [...savoirs, ...mcs, ...noise].filter(Boolean);
  if (know.length) {
    lines.push(pick(r, KNOWLEDGE_HEADS));
    for (const k of sample(r, know, know.length)) lines.push(`- ${k}`);
  }
  const ctx = sample(r, f.contextes, int(r, 0, 2))
    .map((c) => ref.contextes.get(c)?.libelle ?? "")
    .filter(Boolean);
  if (ctx.length) lines.push(ctx.join(", ") + ".");
  const access = sentences(f.accesMetier);
  for (const s of sample(r, access, int(r, 0, Math.min(2, access.length)))) lines.push(s);
  for (const s of sample(r, BOILERPLATE, int(r, 0, 3))) lines.splice(int(r, 0, lines.length), 0, s);
  const x = r();
  if (x < 0.1) return { code, title: "", body: lines.join("\n") };
  if (x < 0.25) return { code, title, body: "" };
  return { code, title, body: lines.join("\n") };
}

/** Settings of a training run (all of them go into the manifest). */
export interface ClassifierSettings {
  seed: number;
  buckets: number;
  dim: number;
  epochs: number;
  /** ROME-derived examples per appellation and epoch (fiches without appellations get as many as one). */
  perAppellation: number;
  /** Minimum examples of a fiche per epoch (fiches with few appellations). */
  minPerFiche: number;
  learningRate: number;
}

export const CLASSIFIER_DEFAULTS: ClassifierSettings = {
  seed: 19,
  buckets: 1 << 18,
  dim: 32,
  epochs: 5,
  perAppellation: 1,
  minPerFiche: 8,
  learningRate: 2,
};

/** The fiches' codes in order and each epoch's ROME-derived examples (drawn anew every epoch: augmentation). */
export function romeExamples(ref: Referential, s: ClassifierSettings, r: () => number): ClassifierExample[] {
  const codes = [...ref.fiches.keys()].sort();
  const out: ClassifierExample[] = [];
  for (const code of codes) {
    const n = Math.max(s.minPerFiche, s.perAppellation * ref.fiches.get(code)!.appellations.length);
    for (let k = 0; k < n; k++) out.push(pseudoOffer(ref, code, r, codes));
  }
  return out;
}

/**
 * Trains the classifier by SGD over a full softmax (fastText's supervised loss), the learning rate falling linearly
 * to 0. `examples(epoch)` gives each epoch's examples (shuffled here); `extra` are added to every epoch (labelled
 * offers). Output rows start at 0 and an input row at a small random draw when an example first touches it, so that
 * buckets no example touched stay 0 (they add nothing, and compress away).
 */
export function trainClassifier(
  codes: readonly string[],
  examples: (epoch: number) => ClassifierExample[],
  s: ClassifierSettings,
  extra: readonly ClassifierExample[] = [],
  onProgress?: (done: number, total: number, loss: number) => void,
): FicheClassifier {
  const r = seededRandom(s.seed);
  const C = codes.length;
  const d2 = 2 * s.dim;
  const row = new Map(codes.map((c, i) => [c, i]));
  const model: FicheClassifier = {
    codes: [...codes],
    buckets: s.buckets,
    dim: s.dim,
    input: new Float32Array(s.buckets * s.dim),
    output: new Float32Array(C * d2),
    bias: new Float32Array(C),
  };
  const touched = new Uint8Array(s.buckets);
  const touch = (ids: Int32Array) => {
    for (const id of ids) {
      if (touched[id]) continue;
      touched[id] = 1;
      for (let j = 0; j < s.dim; j++) model.input[id * s.dim + j] = ((r() - 0.5) * 2) / s.dim;
    }
  };
  const extraInputs = extra
    .filter((e) => row.has(e.code))
    .map((e) => ({
      y: row.get(e.code)!,
      ys:
        e.golds && e.golds.length > 1
          ? Int32Array.from(
              e.golds.filter((c) => row.has(c)),
              (c) => row.get(c)!,
            )
          : null,
      x: classifierInput(e.title, e.body, s.buckets),
    }));
  const firstEpoch = examples(0);
  const total = (firstEpoch.length + extraInputs.length) * s.epochs;
  const h = new Float32Array(d2);
  const gh = new Float32Array(d2);
  const p = new Float64Array(C);
  let done = 0;
  let loss = 0;
  for (let e = 0; e < s.epochs; e++) {
    const ex = e === 0 ? firstEpoch : examples(e);
    const items: { y: number; ys: Int32Array | null; x: ClassifierInput }[] = [
      ...ex
        .filter((x) => row.has(x.code))
        .map((x) => ({ y: row.get(x.code)!, ys: null, x: classifierInput(x.title, x.body, s.buckets) })),
      ...extraInputs,
    ];
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    for (const { y, ys, x } of items) {
      const lr = s.learningRate * (1 - done / total);
      done++;
      if (x.title.length + x.body.length === 0) continue;
      (touch(x.title), touch(x.body));
      hiddenOf(model, x, h);
      softmaxInPlace(logitsOf(model, h, p));
      if (ys) {
        // Merged golds: the gradient of −log Σ p over them is p minus p renormalised on them.
        let z = 0;
        for (const g of ys) z += p[g]!;
        loss += -Math.log(Math.max(z, 1e-12));
        for (const g of ys) p[g]! -= p[g]! / Math.max(z, 1e-12);
      } else {
        loss += -Math.log(Math.max(p[y]!, 1e-12));
        p[y]! -= 1;
      }
      gh.fill(0);
      for (let c = 0; c < C; c++) {
        const g = p[c]!;
        if (g > -1e-5 && g < 1e-5) continue;
        const base = c * d2;
        for (let j = 0; j < d2; j++) {
          gh[j]! += g * model.output[base + j]!;
          model.output[base + j]! -= lr * g * h[j]!;
        }
        model.bias[c]! -= lr * g;
      }
      const update = (ids: Int32Array, offset: number) => {
        if (ids.length === 0) return;
        const k = lr / ids.length;
        for (const id of ids) {
          const base = id * s.dim;
          for (let j = 0; j < s.dim; j++) model.input[base + j]! -= k * gh[offset + j]!;
        }
      };
      update(x.title, 0);
      update(x.body, s.dim);
      if (done % 2000 === 0) {
        onProgress?.(done, total, loss / 2000);
        loss = 0;
      }
    }
  }
  onProgress?.(total, total, loss);
  return model;
}

/**
 * Writes the classifier: the weights gzipped (`packWeights`) beside the manifest,
 * which holds their sha256, the shape and `trained`. Returns the manifest.
 */
export function writeClassifier(
  model: FicheClassifier,
  file: string,
  trained: ClassifierManifest["trained"],
): ClassifierManifest {
  const weights = path.basename(file).replace(/\.json$/, "") + ".bin.gz";
  const gz = gzipSync(packWeights(model), { level: 9 });
  writeFileSync(path.join(path.dirname(file), weights), gz);
  const manifest: ClassifierManifest = {
    format: "rome-match/fiche-classifier@1",
    weights,
    sha256: sha256(gz),
    codes: model.codes,
    buckets: model.buckets,
    dim: model.dim,
    trained,
  };
  writeFileSync(file, JSON.stringify(manifest, null, 1) + "\n");
  return manifest;
}
