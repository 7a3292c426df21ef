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
import { existsSync, readFileSync } from "node:fs";
import { parseFlags } from "../src/cli/command.js";
import { DEV_OFFERS, loadConfig } from "../src/config.js";
import { dot, readWordVectors, WORD_VECTORS_FILE } from "../src/embed/index.js";
import { loadReferential } from "../src/rome/index.js";
import { statedStems } from "../src/skills/index.js";
import { readOffers } from "../src/sources/index.js";
import {
  offersFileMeta,
  romeDirMeta,
  sha256,
  trainWordVectors,
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
const ref = loadReferential(config.romeDir);
const started = Date.now();

/** A text's lines and sentences: co-occurrence never crosses them. */
const sentences = (text: string) => text.split(/\n+|(?<=[.!?;:])\s+|\s[•·▪►*–-]\s|^[•·▪►*–-]\s/m).filter(Boolean);
const lines: string[] = [];
for (const f of ref.fiches.values()) lines.push(f.libelle, ...sentences(f.definition), ...sentences(f.accesMetier));
for (const a of ref.appellations.values()) lines.push(a.libelle);
for (const c of ref.competences.values()) lines.push(c.libelle, ...sentences(c.definition));
for (const s of ref.savoirs.values()) lines.push(s.libelle);
for (const m of ref.macroCompetences.values()) lines.push(m.libelle);
const romeLines = lines.length;
const excluded = new Set<string>();
if (flags.has("exclude-gold"))
  for (const l of readFileSync(flags.get("exclude-gold")!, "utf8").split("\n"))
    if (l.trim()) excluded.add(String((JSON.parse(l) as { id: string | number }).id));
let offerCount = 0;
if (offersFile && existsSync(offersFile))
  for (const o of readOffers(offersFile)) {
    if (excluded.has(o.id)) continue;
    offerCount++;
    lines.push(...sentences(o.description ?? ""));
  }

const model = trainWordVectors(
  lines.map((l) => statedStems(l)),
  settings,
);
const manifest = {
  fitted: {
    date: new Date().toISOString(),
    command: `npm run train:word-vectors -- ${process.argv.slice(2).join(" ")}`.trim(),
    rome: romeDirMeta(config.romeDir),
    offers: offersFile && existsSync(offersFile) ? { ...offersFileMeta(offersFile), used: offerCount } : null,
    excludedIds: excluded.size ? sha256([...excluded].sort().join("\n")) : null,
    lines: { rome: romeLines, offers: lines.length - romeLines },
    tokens: model.tokens,
    pairs: model.pairs,
    topSingularValues: model.singularValues.slice(0, 5).map((s) => round(s, 2)),
    seconds: round((Date.now() - started) / 1000, 1),
  },
  settings: { ...settings },
};
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
