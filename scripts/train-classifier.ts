/**
 * Trains the fiche classifier (src/match/classifier.ts) on examples made from ROME (src/tuning/train-classifier.ts):
 *   npm run train:classifier -- [--epochs 5] [--dim 32] [--buckets 262144] [--per-appellation 1] [--lr 2]
 *                               [--seed 19] [--offers FILE.jsonl] [--with-offers [--hold-out SOURCE | --hold-out-fold K]
 *                               [--dates merged]]
 *                               [--out FILE] [--dry]
 * Deterministic for a seed. The model is ROME-only by default, so that no source of offers is in it and every
 * evaluation protocol (leave-one-source-out included) reads it honestly; `--with-offers` adds the labelled offers
 * (all; all but `--hold-out`'s source and copies of its texts, as leave-one-source-out's memory; or all but the
 * grouped CV's fold K, as its memory) to every epoch, for per-fold models; `--dates merged`: an offer
 * created before the earlier referential's end (ROME_EARLIER) counts every fiche whose code then is its label as
 * right (the merged code's likelihood), as `npm run train` does. Then it classifies the offers file on its own
 * (top-1 / top-5 by source; `dated`: an offer coded then scored on the codes then, probabilities merged) and writes models/fiche-classifier.json (manifest: date, command, ROME
 * and offers hashes, settings, figures) and models/fiche-classifier.bin.gz; `--dry` writes nothing.
 * Last stdout line: one JSON object.
 */
import "../src/text/quiet.js";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import cliProgress from "cli-progress";
import { parseFlags } from "../src/cli/command.js";
import { DEV_OFFERS, loadConfig } from "../src/config.js";
import { CLASSIFIER_FILE, earlierCodes, ficheProbabilities, readClassifier } from "../src/match/fitting.js";
import { loadFicheCodes, loadReferential } from "../src/rome/index.js";
import { readOffers } from "../src/sources/index.js";
import { exemplarGroup } from "../src/match/index.js";
import {
  CLASSIFIER_DEFAULTS,
  crossValidation,
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
const holdOutFold = flags.has("hold-out-fold") ? Number(flags.get("hold-out-fold")) : null;

const config = loadConfig();
const ref = loadReferential(config.romeDir);
const rome = romeDirMeta(config.romeDir);
const codes = [...ref.fiches.keys()].sort();
const offers = existsSync(offersFile) ? readOffers(offersFile) : [];
const mergedDates = flags.get("dates") === "merged";
// Codes in force before today's: each fiche row's row then (itself, or its parent for a fiche created since).
const rowOf = new Map(codes.map((c, i) => [c, i]));
const then = config.romeEarlier
  ? earlierCodes(
      { ...loadFicheCodes(config.romeEarlier.dir), until: config.romeEarlier.until },
      codes,
      Int32Array.from(codes, (c) => rowOf.get(ref.fiches.get(c)!.parent) ?? rowOf.get(c)!),
    )
  : null;
const codedThen = (o: { dateCreation?: string | null }) =>
  then !== null && (o.dateCreation ?? "") !== "" && o.dateCreation!.slice(0, 10) < then.until;
/** The fiches an offer coded then with `code` may be: those whose code then is it. */
const goldsOf = (code: string) => codes.filter((_, i) => then!.rowThen[i] === rowOf.get(code));
// The offers a per-fold model leaves out: those the evaluated fold's memory leaves out (src/tuning crossValidation).
const heldGroups = new Set(
  offers.filter((o) => sourceOf(o) === holdOut).map((o) => exemplarGroup(o.description ?? "")),
);
const textFolds = crossValidation(null, offers, "text");
const heldOutOffer = (o: (typeof offers)[number]) =>
  holdOutFold !== null
    ? textFolds.foldOf(o) === holdOutFold
    : sourceOf(o) === holdOut || heldGroups.has(exemplarGroup(o.description ?? ""));
const extra = flags.has("with-offers")
  ? offers
      .filter((o) => !heldOutOffer(o))
      .map((o) => ({
        code: o.romeCode,
        title: o.intitule ?? "",
        body: o.description ?? "",
        ...(mergedDates && codedThen(o) ? { golds: goldsOf(o.romeCode) } : {}),
      }))
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

/**
 * The classifier alone on the offers: top-1 / top-5 overall and by source (the held-out source when given);
 * `dated`: an offer coded then is scored on the codes then (the probabilities of the fiches created since added to
 * their parent's), as the engine lists it with `codedAt`.
 */
function figures(dated: boolean) {
  const per = new Map<string, { n: number; top1: number; top5: number }>();
  const all = { n: 0, top1: 0, top5: 0 };
  const held = { n: 0, top1: 0, top5: 0 };
  for (const o of offers) {
    let p = ficheProbabilities(model, o.intitule ?? "", o.description ?? "");
    if (dated && codedThen(o)) {
      const q = new Float64Array(p.length).fill(-1);
      p.forEach((x, i) => (q[then!.rowThen[i]!] = Math.max(q[then!.rowThen[i]!]!, 0) + x));
      p = q;
    }
    const g = rowOf.get(o.romeCode) ?? -1;
    let rank = 1;
    if (g >= 0) for (let i = 0; i < p.length; i++) if (p[i]! > p[g]!) rank++;
    const s = sourceOf(o);
    const x = per.get(s) ?? { n: 0, top1: 0, top5: 0 };
    for (const y of extra.length && heldOutOffer(o) ? [x, all, held] : [x, all])
      ((y.n += 1), (y.top1 += g >= 0 && rank === 1 ? 1 : 0), (y.top5 += g >= 0 && rank <= 5 ? 1 : 0));
    per.set(s, x);
  }
  const f = (x: { n: number; top1: number; top5: number }) => ({
    n: x.n,
    top1: round(x.top1 / x.n, 4),
    top5: round(x.top5 / x.n, 4),
  });
  return {
    ...f(all),
    ...(held.n ? { held_out: f(held) } : {}),
    by_source: Object.fromEntries([...per].sort().map(([s, x]) => [s, f(x)])),
  };
}
const alone = offers.length ? figures(false) : null;
const aloneDated = offers.length && then ? figures(true) : null;
const trained = {
  date: new Date().toISOString().slice(0, 10),
  command: `npm run train:classifier -- ${process.argv.slice(2).join(" ")}`.trim(),
  rome,
  offers: extra.length
    ? {
        ...offersFileMeta(offersFile),
        used: extra.length,
        heldOut: holdOut ?? (holdOutFold !== null ? `grouped CV fold ${holdOutFold}` : null),
        dates: mergedDates ? "merged" : "none",
      }
    : null,
  settings,
  seconds,
  // The classifier alone (argmax of its probabilities) on the offers file; a ROME-only model has seen none of them.
  figures: alone ? { file: path.basename(offersFile), alone, alone_dated: aloneDated } : null,
};
let size = 0;
if (!flags.has("dry")) {
  const manifest = writeClassifier(model, out, trained);
  readClassifier(out);
  size = readFileSync(path.join(path.dirname(out), manifest.weights)).length;
}
console.log(JSON.stringify({ script: "train-classifier", trained, bytes: size }));
