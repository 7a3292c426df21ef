/**
 * Trains the fiche classifier (src/match/classifier.ts) on examples made from ROME (src/tuning/train-classifier.ts):
 *   npm run train:classifier -- [--epochs 5] [--dim 32] [--buckets 262144] [--per-appellation 1] [--lr 2]
 *                               [--seed 19] [--offers FILE.jsonl] [--with-offers [--hold-out SOURCE]] [--out FILE] [--dry]
 * Deterministic for a seed. The model is ROME-only by default, so that no source of offers is in it and every
 * evaluation protocol (leave-one-source-out included) reads it honestly; `--with-offers` adds the labelled offers
 * (all, or all but `--hold-out`'s source) to every epoch, for measuring what they add. Then it classifies the offers
 * file on its own (top-1 / top-5 by source) and writes models/fiche-classifier.json (manifest: date, command, ROME
 * and offers hashes, settings, figures) and models/fiche-classifier.bin.gz; `--dry` writes nothing.
 * Last stdout line: one JSON object.
 */
import "../src/text/quiet.js";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import cliProgress from "cli-progress";
import { parseFlags } from "../src/cli/command.js";
import { DEV_OFFERS, loadConfig } from "../src/config.js";
import { CLASSIFIER_FILE, ficheProbabilities, readClassifier } from "../src/match/fitting.js";
import { loadReferential } from "../src/rome/index.js";
import { readOffers } from "../src/sources/index.js";
import {
  CLASSIFIER_DEFAULTS,
  type ClassifierSettings,
  offersFileMeta,
  romeDirMeta,
  romeExamples,
  seededRandom,
  sourceOf,
  trainClassifier,
  writeClassifier,
} from "../src/tuning/index.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const num = (k: string, d: number) => (flags.has(k) ? Number(flags.get(k)) : d);
const settings: ClassifierSettings = {
  seed: num("seed", CLASSIFIER_DEFAULTS.seed),
  buckets: num("buckets", CLASSIFIER_DEFAULTS.buckets),
  dim: num("dim", CLASSIFIER_DEFAULTS.dim),
  epochs: num("epochs", CLASSIFIER_DEFAULTS.epochs),
  perAppellation: num("per-appellation", CLASSIFIER_DEFAULTS.perAppellation),
  minPerFiche: num("min-per-fiche", CLASSIFIER_DEFAULTS.minPerFiche),
  learningRate: num("lr", CLASSIFIER_DEFAULTS.learningRate),
};
const offersFile = flags.get("offers") ?? DEV_OFFERS;
const out = flags.get("out") ?? CLASSIFIER_FILE;
const holdOut = flags.get("hold-out");

const config = loadConfig();
const ref = loadReferential(config.romeDir);
const rome = romeDirMeta(config.romeDir);
const codes = [...ref.fiches.keys()].sort();
const offers = existsSync(offersFile) ? readOffers(offersFile) : [];
const extra = flags.has("with-offers")
  ? offers
      .filter((o) => sourceOf(o) !== holdOut)
      .map((o) => ({ code: o.romeCode, title: o.intitule ?? "", body: o.description ?? "" }))
  : [];

const r = seededRandom(settings.seed + 1);
const bar = new cliProgress.SingleBar(
  {
    format: "  training [{bar}] {value}/{total} {eta_formatted} loss {loss}",
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 30_000,
  },
  cliProgress.Presets.shades_classic,
);
let started = false;
const t0 = Date.now();
const model = trainClassifier(
  codes,
  () => romeExamples(ref, settings, r),
  settings,
  extra,
  (done, total, loss) => {
    if (!started) (bar.start(total, 0, { loss: "-" }), (started = true));
    bar.update(done, { loss: loss.toFixed(3) });
  },
);
bar.stop();
const seconds = Math.round((Date.now() - t0) / 1000);

/** The classifier alone on the offers: top-1 / top-5 overall and by source (the held-out source when given). */
function figures() {
  const per = new Map<string, { n: number; top1: number; top5: number }>();
  const all = { n: 0, top1: 0, top5: 0 };
  for (const o of offers) {
    const p = ficheProbabilities(model, o.intitule ?? "", o.description ?? "");
    const g = codes.indexOf(o.romeCode);
    let rank = 1;
    if (g >= 0) for (let i = 0; i < p.length; i++) if (p[i]! > p[g]!) rank++;
    const s = sourceOf(o);
    const x = per.get(s) ?? { n: 0, top1: 0, top5: 0 };
    for (const y of [x, all])
      ((y.n += 1), (y.top1 += g >= 0 && rank === 1 ? 1 : 0), (y.top5 += g >= 0 && rank <= 5 ? 1 : 0));
    per.set(s, x);
  }
  const f = (x: { n: number; top1: number; top5: number }) => ({
    n: x.n,
    top1: round(x.top1 / x.n, 4),
    top5: round(x.top5 / x.n, 4),
  });
  return { ...f(all), by_source: Object.fromEntries([...per].sort().map(([s, x]) => [s, f(x)])) };
}
const alone = offers.length ? figures() : null;
const trained = {
  date: new Date().toISOString().slice(0, 10),
  command: `npm run train:classifier -- ${process.argv.slice(2).join(" ")}`.trim(),
  rome,
  offers: extra.length
    ? {
        ...offersFileMeta(offersFile),
        used: extra.length,
        heldOut: holdOut ?? null,
      }
    : null,
  settings,
  seconds,
  // The classifier alone (argmax of its probabilities) on the offers file; a ROME-only model has seen none of them.
  figures: alone ? { file: path.basename(offersFile), alone } : null,
};
let size = 0;
if (!flags.has("dry")) {
  const manifest = writeClassifier(model, out, trained);
  readClassifier(out);
  size = readFileSync(path.join(path.dirname(out), manifest.weights)).length;
}
console.log(JSON.stringify({ script: "train-classifier", trained, bytes: size }));
