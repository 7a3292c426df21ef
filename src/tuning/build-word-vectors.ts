import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { DEV_OFFERS, type Config } from "../config.js";
import {
  builtWordVectorsFile,
  defaultWordVectorBuild,
  excludedIdsHash,
  jsonlIds,
  SKILLS_GOLD,
  WORD_VECTOR_DEFAULTS,
  wordVectorsAreCurrent,
  type WordVectorSettings,
} from "../embed/index.js";
import { loadReferential, readRomeVersion, type Referential } from "../rome/index.js";
import { statedStems } from "../skills/index.js";
import { readOffers } from "../sources/index.js";
import { round } from "../numbers.js";
import { offersFileMeta, romeDirMeta } from "./fit-meta.js";
import { trainWordVectors, writeWordVectors } from "./word-vectors.js";

/** A text's lines and sentences: co-occurrence never crosses them. */
const sentences = (text: string) => text.split(/\n+|(?<=[.!?;:])\s+|\s[•·▪►*–-]\s|^[•·▪►*–-]\s/m).filter(Boolean);

/** What the trainer reads: ROME's texts, then the offers' descriptions (unsupervised text only: no code is read). */
export interface WordVectorSources {
  romeDir: string;
  ref: Referential;
  /** The offers file, or null for ROME's texts alone. */
  offersFile: string | null;
  /** Ids of offers left out (a gold set's texts). */
  excluded: ReadonlySet<string>;
  settings: WordVectorSettings;
}

/** Trains word vectors on `src` and returns them with the manifest's provenance (`fitted`). */
export function trainWordVectorsOn(src: WordVectorSources, command: string) {
  const started = Date.now();
  const { ref } = src;
  const lines: string[] = [];
  for (const f of ref.fiches.values()) lines.push(f.libelle, ...sentences(f.definition), ...sentences(f.accesMetier));
  for (const a of ref.appellations.values()) lines.push(a.libelle);
  for (const c of ref.competences.values()) lines.push(c.libelle, ...sentences(c.definition));
  for (const s of ref.savoirs.values()) lines.push(s.libelle);
  for (const m of ref.macroCompetences.values()) lines.push(m.libelle);
  const romeLines = lines.length;
  let offerCount = 0;
  if (src.offersFile && existsSync(src.offersFile))
    for (const o of readOffers(src.offersFile)) {
      if (src.excluded.has(o.id)) continue;
      offerCount++;
      lines.push(...sentences(o.description ?? ""));
    }
  const model = trainWordVectors(
    lines.map((l) => statedStems(l)),
    src.settings,
  );
  const fitted = {
    date: new Date().toISOString(),
    command,
    rome: romeDirMeta(src.romeDir),
    offers:
      src.offersFile && existsSync(src.offersFile) ? { ...offersFileMeta(src.offersFile), used: offerCount } : null,
    excludedIds: src.excluded.size ? excludedIdsHash(src.excluded) : null,
    lines: { rome: romeLines, offers: lines.length - romeLines },
    tokens: model.tokens,
    pairs: model.pairs,
    topSingularValues: model.singularValues.slice(0, 5).map((s) => round(s, 2)),
    seconds: round((Date.now() - started) / 1000, 1),
  };
  return { model, fitted };
}

/**
 * Builds the model `/v1/skills/extract` reads by default into the index folder (docs/skills.md "Session 27") when it
 * is missing or stale: ROME's texts and the dev offers, the gold set's texts left out, default settings;
 * deterministic (~30–50 s). Written in a private folder, then renamed into place, so that a reader never sees half a
 * model. "off": the configuration names another model or none.
 */
export function ensureWordVectors(
  config: Config,
  opts: { force?: boolean; log?: (line: string) => void } = {},
): "off" | "current" | "built" {
  if (config.wordVectors || !config.wordVectorsBuilt) return "off";
  const version = readRomeVersion(config.romeDir);
  const build = defaultWordVectorBuild(version);
  const file = builtWordVectorsFile(config.indexRoot, version);
  if (!opts.force && wordVectorsAreCurrent(file, build)) return "current";
  opts.log?.(`building word vectors for stated skills (~1 min): ${file}`);
  const excluded = new Set(build.excludedIds ? jsonlIds(SKILLS_GOLD) : []);
  const offersFile = build.offers ? DEV_OFFERS : null;
  const src = { romeDir: config.romeDir, ref: loadReferential(config.romeDir), offersFile, excluded };
  const { model, fitted } = trainWordVectorsOn({ ...src, settings: WORD_VECTOR_DEFAULTS }, "npm run build-indexes");
  const dir = path.dirname(file);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  writeWordVectors(path.join(tmp, path.basename(file)), model, { fitted, build, settings: build.settings });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return "built";
}
