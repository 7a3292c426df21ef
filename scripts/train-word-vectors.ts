/**
 * Trains domain word vectors on job texts (src/tuning/word-vectors.ts):
 *   npm run train:word-vectors -- [--dim 128] [--window 5] [--min-count 5] [--alpha 0.75] [--power 3] [--seed 23]
 *                                 [--offers FILE.jsonl | --no-offers] [--exclude-gold FILE.jsonl] [--out FILE] [--dry]
 * Windowed co-occurrence of stated stems (lemma, then stem; `statedStems`) within a line or sentence of ROME's texts
 * (labels, definitions, access texts, compétences, savoirs, appellations) and of the offers file's descriptions
 * (unsupervised text only: no code is read), PPMI with context-distribution smoothing, truncated randomized SVD.
 * Deterministic for a seed. Writes models/word-vectors.json (manifest: date, command, data hashes, settings,
 * vocabulary) and models/word-vectors.bin (int8 rows); `--dry` writes nothing. Last stdout line: one JSON object.
 */
import "../src/text/quiet.js";
import { parseFlags } from "../src/cli/command.js";
import { DEV_OFFERS, loadConfig } from "../src/config.js";
import { dot, jsonlIds, readWordVectors, WORD_VECTORS_FILE } from "../src/embed/index.js";
import { loadReferential } from "../src/rome/index.js";
import { statedStems } from "../src/skills/index.js";
import {
  trainWordVectorsOn,
  WORD_VECTOR_DEFAULTS,
  writeWordVectors,
  type WordVectorSettings,
} from "../src/tuning/index.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const num = (k: string, d: number) => (flags.has(k) ? Number(flags.get(k)) : d);
const settings: WordVectorSettings = {
  dim: num("dim", WORD_VECTOR_DEFAULTS.dim),
  window: num("window", WORD_VECTOR_DEFAULTS.window),
  minCount: num("min-count", WORD_VECTOR_DEFAULTS.minCount),
  alpha: num("alpha", WORD_VECTOR_DEFAULTS.alpha),
  power: num("power", WORD_VECTOR_DEFAULTS.power),
  oversample: num("oversample", WORD_VECTOR_DEFAULTS.oversample),
  eigenPower: num("eigen-power", WORD_VECTOR_DEFAULTS.eigenPower),
  seed: num("seed", WORD_VECTOR_DEFAULTS.seed),
};
const offersFile = flags.has("no-offers") ? null : (flags.get("offers") ?? DEV_OFFERS);
const out = flags.get("out") ?? WORD_VECTORS_FILE;

const config = loadConfig();
const excluded = new Set(flags.has("exclude-gold") ? jsonlIds(flags.get("exclude-gold")!) : []);
const src = { romeDir: config.romeDir, ref: loadReferential(config.romeDir), offersFile, excluded, settings };
const command = `npm run train:word-vectors -- ${process.argv.slice(2).join(" ")}`.trim();
const { model, fitted } = trainWordVectorsOn(src, command);
const manifest = { fitted, settings: { ...settings } };
// The paraphrases docs/skills.md names as missed, and two unrelated pairs for scale: their cosines, read back from
// the written (int8) file when there is one.
const CHECK_PAIRS = [
  ["constantes", "paramètres"],
  ["constantes", "vitaux"],
  ["appels", "téléphonique"],
  ["réception", "accueil"],
  ["température", "mesurer"],
  ["hôtes", "clients"],
  ["cueillette", "récolter"],
  ["appels", "béton"],
  ["température", "comptabilité"],
];
const vectorOf = (() => {
  if (flags.has("dry")) {
    const index = new Map(model.vocabulary.map((w, i) => [w, i]));
    return (w: string) => {
      const i = index.get(w);
      return i === undefined ? null : model.vectors.subarray(i * settings.dim, (i + 1) * settings.dim);
    };
  }
  writeWordVectors(out, model, manifest);
  const read = readWordVectors(out);
  return (w: string) => read.vector(w);
})();
const cosines: Record<string, number | null> = {};
for (const [a, b] of CHECK_PAIRS) {
  const x = vectorOf(statedStems(a)[0]!);
  const y = vectorOf(statedStems(b)[0]!);
  cosines[`${a}~${b}`] = x && y ? round(dot(x, y), 2) : null;
}
console.log(JSON.stringify({ vocabulary: model.vocabulary.length, dim: settings.dim, ...manifest.fitted, cosines }));
