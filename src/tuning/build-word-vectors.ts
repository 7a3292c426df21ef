import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { DEV_OFFERS, type Config } from "../config.js";
import {
  builtWordVectorsFile,
  defaultWordVectorBuild,
  excludedIdsHash,
  jsonlIds,
  SKILLS_GOLD,
  currentWordVectorManifest,
  WORD_VECTOR_DEFAULTS,
  type WordVectorManifest,
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

/** The word vectors a model was fitted with (its fit's record: rows' sha256, date of the fit). */
export interface FittedVectors {
  sha256: string;
  date: string;
}

/**
 * Vectors built before a model was fitted on other ones: stale. The vectors are trained on stemmed text, so a change
 * of the text pipeline moves them while their build settings stay the same; a rebuild with today's code gives the
 * fit's (the build is deterministic) and, being newer than the fit, is never rebuilt again for it.
 */
export function builtBeforeOtherFit(m: WordVectorManifest, fit: FittedVectors | undefined): boolean {
  return fit !== undefined && m.bin.sha256 !== fit.sha256 && Date.parse(m.fitted.date) < Date.parse(fit.date);
}

/**
 * Builds the model `/v1/skills/extract` reads by default into the index folder (docs/skills.md "Session 27") when it
 * is missing or stale: ROME's texts and the dev offers, the gold set's texts left out, default settings;
 * deterministic (~30–50 s). Written in a private folder, then renamed into place, so that a reader never sees half a
 * model. "off": the configuration names another model or none.
 */
export function ensureWordVectors(
  config: Config,
  opts: { force?: boolean; log?: (line: string) => void; fittedWith?: FittedVectors } = {},
): "off" | "current" | "built" {
  if (config.wordVectors || !config.wordVectorsBuilt) return "off";
  const version = readRomeVersion(config.romeDir);
  const build = defaultWordVectorBuild(version);
  const file = builtWordVectorsFile(config.indexRoot, version);
  const manifest = currentWordVectorManifest(file, build);
  const stale = manifest !== null && builtBeforeOtherFit(manifest, opts.fittedWith);
  if (!opts.force && manifest && !stale) return "current";
  opts.log?.(
    stale
      ? `rebuilding word vectors (~1 min): ${file} was built before a model was fitted on other ones`
      : `building word vectors for stated skills (~1 min): ${file}`,
  );
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
