/**
 * Learns paraphrase evidence for stated skills from recruiters' items (src/tuning/paraphrases.ts):
 *   npm run train:paraphrases -- [--offers FILE.jsonl] [--gold eval/skills-gold-dev.jsonl] [--out FILE]
 *                                [--align-coverage 0.3] [--min-pairs 2] [--smoothing 1] [--min-probability 0.2]
 * The offers with recruiters' items (`competences`), minus every gold text's id and their reposts (same normalised
 * title and description), are cut into statements as extraction cuts them; each item is aligned to one statement
 * and P(item | statement word or word pair) is counted. Deterministic. Writes models/paraphrases.json (manifest:
 * date, command, data hashes, the hashes of the excluded and training ids, settings, features). Last stdout line:
 * one JSON object.
 */
import "../src/text/quiet.js";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseFlags } from "../src/cli/command.js";
import { DEV_OFFERS, loadConfig, REPO_ROOT } from "../src/config.js";
import { SKILLS_GOLD } from "../src/embed/index.js";
import { loadReferential } from "../src/rome/index.js";
import {
  buildSkillLexicon,
  createExtractionContext,
  createStatedExtractor,
  ParaphraseModelFile,
} from "../src/skills/index.js";
import { readOffers } from "../src/sources/index.js";
import {
  GoldText,
  offersFileMeta,
  PARAPHRASE_DEFAULTS,
  paraphraseStatements,
  romeDirMeta,
  sha256,
  trainingOffers,
  trainParaphrases,
  type ParaphraseDoc,
  type ParaphraseSettings,
} from "../src/tuning/index.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const num = (k: string, d: number) => (flags.has(k) ? Number(flags.get(k)) : d);
const settings: ParaphraseSettings = {
  alignCoverage: num("align-coverage", PARAPHRASE_DEFAULTS.alignCoverage),
  minPairs: num("min-pairs", PARAPHRASE_DEFAULTS.minPairs),
  smoothing: num("smoothing", PARAPHRASE_DEFAULTS.smoothing),
  minProbability: num("min-probability", PARAPHRASE_DEFAULTS.minProbability),
};
const offersFile = flags.get("offers") ?? DEV_OFFERS;
const goldFile = flags.get("gold") ?? SKILLS_GOLD;
const out = flags.get("out") ?? path.join(REPO_ROOT, "models", "paraphrases.json");

const started = Date.now();
const config = loadConfig();
const ref = loadReferential(config.romeDir);
const x = createStatedExtractor(ref, createExtractionContext(buildSkillLexicon(ref), null));
const gold = readFileSync(goldFile, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => GoldText.parse(JSON.parse(l)));
const { offers, reposts } = trainingOffers(readOffers(offersFile), gold);

const docs: ParaphraseDoc[] = offers.map((o) => ({
  statements: paraphraseStatements(x, o.description ?? ""),
  items: [
    ...new Set(
      (o.competences ?? []).flatMap((c) => {
        const row = c.code ? x.rowOf.get(c.code) : undefined;
        return row === undefined ? [] : [row];
      }),
    ),
  ],
}));
const trained = trainParaphrases(x, docs, settings);
const model: ParaphraseModelFile = {
  fitted: {
    date: new Date().toISOString(),
    command: `npm run train:paraphrases -- ${process.argv.slice(2).join(" ")}`.trim(),
    rome: romeDirMeta(config.romeDir),
    offers: { ...offersFileMeta(offersFile), used: offers.length },
    excludedIds: sha256(
      gold
        .map((g) => g.id)
        .sort()
        .join("\n"),
    ),
    trainIds: sha256(
      offers
        .map((o) => o.id)
        .sort()
        .join("\n"),
    ),
    reposts,
    statements: trained.statements,
    aligned: trained.aligned,
  },
  settings: { ...settings },
  features: trained.features,
};
ParaphraseModelFile.parse(model);
writeFileSync(out, JSON.stringify(model) + "\n");
const pairs = Object.values(trained.features).reduce((a, l) => a + l.length, 0);
console.log(
  JSON.stringify({
    out: path.relative(REPO_ROOT, out),
    offers: offers.length,
    reposts,
    statements: trained.statements,
    aligned: trained.aligned,
    features: Object.keys(trained.features).length,
    pairs,
    items: new Set(Object.values(trained.features).flatMap((l) => l.map(([c]) => c))).size,
    seconds: round((Date.now() - started) / 1000, 1),
  }),
);
