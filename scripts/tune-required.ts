/**
 * Fits the offer-coding model (`coded`, or with --uncoded `uncoded`, in models/required-model.json) on labelled
 * offers that carry recruiters' ROME items (`competences`):
 *   npm run tune:required -- [--offers FILE.jsonl] [--limit N] [--l2 0.001] [--fiches 3] [--uncoded] [--write]
 * Each offer is matched with the labelled-offer memory of its cross-validation fold (as `npm run eval` does); every
 * compétence and savoir its `--fiches` best fiches list or their labelled offers chose is an example, positive when
 * the recruiter chose it or its macro-compétence (--uncoded: matched without labelled offers). Logistic regression (src/tuning/learn.ts) is fitted on four folds and measured on the fifth at
 * several thresholds (precision and recall as `npm run eval` counts them), then fitted on all offers. Prints one
 * JSON object on the last line: the cross-validated figures and the model's bias and weights. --write puts the model
 * in models/required-model.json with its fit metadata (date, command, data hashes, the figures at its threshold).
 */
import "../src/text/quiet.js";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseFlags } from "../src/cli/command.js";
import { DEV_OFFERS, loadConfig } from "../src/config.js";
import { createEngine, REQUIRED_MODEL, REQUIRED_MODEL_UNCODED, type RequiredModel } from "../src/match/index.js";
import {
  readRequiredModelFile,
  REQUIRED_FEATURES,
  REQUIRED_MODEL_FILE,
  requiredProbability,
  type RequiredCandidate,
  type RequiredFeatures,
} from "../src/match/fitting.js";
import {
  crossValidation,
  CV_FOLDS,
  fitLogistic,
  offersFileMeta,
  romeDirMeta,
  skillAgreement,
} from "../src/tuning/index.js";
import { readOffers } from "../src/sources/index.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const file = flags.get("offers") ?? DEV_OFFERS;
const limit = flags.has("limit") ? Number(flags.get("limit")) : undefined;
const l2 = Number(flags.get("l2") ?? 1e-3);
// --uncoded: the model for engines without labelled offers that carry items (REQUIRED_MODEL_UNCODED).
const uncoded = flags.has("uncoded");
const base = uncoded ? REQUIRED_MODEL_UNCODED : REQUIRED_MODEL;
const fiches = Number(flags.get("fiches") ?? base.fiches);
const THRESHOLDS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4];

const config = loadConfig();
const engine = await createEngine(config);
const offers = readOffers(file, limit);
const { foldOf, memoryFor } = crossValidation(engine.exemplars, offers);

interface Example {
  fold: number;
  gold: string[];
  candidates: RequiredCandidate[];
}
const examples: Example[] = [];
for (const o of offers) {
  const gold = (o.competences ?? []).flatMap((c) => (c.code ? [c.code] : []));
  if (gold.length === 0) continue;
  let candidates: RequiredCandidate[] = [];
  await engine.match(
    { text: o.description ?? "", title: o.intitule ?? undefined, kind: "offer", topK: 10, explain: false },
    {
      exemplars: uncoded ? null : memoryFor(o),
      requiredModel: { ...base, fiches },
      onRequiredCandidates: (c) => (candidates = [...c]),
    },
  );
  examples.push({ fold: foldOf(o), gold, candidates });
}
const rowsOf = (set: readonly Example[]) =>
  set.flatMap((e) => e.candidates.map((c) => REQUIRED_FEATURES.map((k) => c.features[k])));
const labelsOf = (set: readonly Example[]) =>
  set.flatMap((e) => {
    const g = new Set(e.gold);
    return e.candidates.map((c) => (g.has(c.code) || (c.macroCompetence !== null && g.has(c.macroCompetence)) ? 1 : 0));
  });
const asModel = (m: { bias: number; weights: number[] }): RequiredModel => ({
  ...base,
  fiches,
  bias: m.bias,
  weights: Object.fromEntries(REQUIRED_FEATURES.map((k, j) => [k, m.weights[j]!])) as Record<
    keyof RequiredFeatures,
    number
  >,
});

// Held-out probabilities of every candidate, fold by fold.
const held = new Map<RequiredCandidate, number>();
for (let k = 0; k < CV_FOLDS; k++) {
  const train = examples.filter((e) => e.fold !== k);
  if (train.length === 0) continue;
  const m = asModel(fitLogistic(rowsOf(train), labelsOf(train), { l2 }));
  for (const e of examples)
    if (e.fold === k) for (const c of e.candidates) held.set(c, requiredProbability(c.features, m));
}
const r4 = (x: number) => round(x, 4);
const atThreshold = (t: number) => {
  let tp = 0,
    predicted = 0,
    goldMatched = 0,
    gold = 0;
  for (const e of examples) {
    const chosen = e.candidates
      .filter((c) => held.get(c)! >= t)
      .sort((a, b) => held.get(b)! - held.get(a)!)
      .slice(0, base.max);
    const a = skillAgreement(chosen, e.gold);
    tp += a.tp;
    predicted += a.predicted;
    goldMatched += a.goldMatched;
    gold += a.gold;
  }
  const precision = predicted ? tp / predicted : 0;
  const recall = gold ? goldMatched / gold : 0;
  return {
    threshold: t,
    precision: r4(precision),
    recall: r4(recall),
    f1: r4(precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0),
    perOffer: r4(predicted / Math.max(1, examples.length)),
  };
};
const all = fitLogistic(rowsOf(examples), labelsOf(examples), { l2 });
const model = {
  bias: r4(all.bias),
  weights: Object.fromEntries(REQUIRED_FEATURES.map((k, j) => [k, r4(all.weights[j]!)])) as Record<
    keyof RequiredFeatures,
    number
  >,
};
const crossValidated = THRESHOLDS.map(atThreshold);
if (flags.has("write")) {
  const previous = readRequiredModelFile(REQUIRED_MODEL_FILE);
  const entry = {
    fitted: {
      date: new Date().toISOString().slice(0, 10),
      command: `npm run tune:required -- ${process.argv.slice(2).join(" ")}`.trim(),
      offers: { ...offersFileMeta(file), with_items: examples.length },
      rome: romeDirMeta(config.romeDir),
      settings: { l2, folds: CV_FOLDS },
      figures: { cross_validated: crossValidated.find((f) => f.threshold === base.minProbability) ?? null },
    },
    ...model,
    fiches,
    minProbability: base.minProbability,
    max: base.max,
  };
  const next = { ...previous, [uncoded ? "uncoded" : "coded"]: entry };
  writeFileSync(REQUIRED_MODEL_FILE, JSON.stringify(next, null, 1) + "\n");
  readRequiredModelFile(REQUIRED_MODEL_FILE);
}
console.log(
  JSON.stringify({
    script: "tune-required",
    file: path.basename(file),
    offers: examples.length,
    candidates: examples.reduce((s, e) => s + e.candidates.length, 0),
    l2,
    fiches,
    uncoded,
    cross_validated: crossValidated,
    model,
  }),
);
process.exit(0);
