import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createEngine, type Engine } from "../../../src/match/index.js";
import { loadReferential } from "../../../src/rome/index.js";
import {
  buildSkillLexicon,
  createExtractionContext,
  createStatedExtractor,
  statedStems,
} from "../../../src/skills/index.js";
import { statementQuery } from "../../../src/skills/scoring.js";
import { softReading } from "../../../src/skills/soft.js";
import { builtWordVectorsFile, defaultWordVectorBuild, WordVectors } from "../../../src/embed/index.js";

/** "Récolter un produit à maturité et selon les consignes de calibrage": no word of it in "le glanage". */
const HARVEST = "122853";
/** "Faire preuve d'autonomie". */
const AUTONOMY = "300460";

const TEXT = [
  "Vos missions :",
  "- la taille des arbres fruitiers",
  "- l'éclaircissage des fruits",
  "- le glanage",
  "- le traitement phytosanitaire des vergers",
  "Profil :",
  "- Sérieux",
].join("\n");

/** Tiny domain word vectors: "glanage" near every word of the harvest label, "sérieux" near "preuve", "autonomie". */
function modelRows(): [string, number[]][] {
  const key = (w: string) => statedStems(w)[0]!;
  const near = [0.9, 0.436, 0];
  return [
    [key("glanage"), [1, 0, 0]],
    ...["récolter", "maturité", "consignes", "calibrage"].map((w): [string, number[]] => [key(w), near]),
    [key("sérieux"), [0, 0, 1]],
    [key("autonomie"), [0, 0.1, 0.995]],
    [key("preuve"), [0, 0.1, 0.995]],
  ];
}

/**
 * `modelRows` in the format `npm run build-indexes` writes (manifest with today's `build`, int8 rows) where it writes
 * it: an index folder of its own, the real HNSW indexes linked into it.
 */
function writeModel(): string {
  const rows = modelRows();
  const config = loadConfig();
  const root = mkdtempSync(path.join(os.tmpdir(), "indexes-"));
  for (const d of readdirSync(config.indexRoot))
    if (!d.endsWith("-word-vectors")) symlinkSync(path.join(config.indexRoot, d), path.join(root, d));
  const version = loadReferential(config.romeDir).version;
  const file = builtWordVectorsFile(root, version);
  const dir = path.dirname(file);
  mkdirSync(dir);
  const bin = Buffer.from(Int8Array.from(rows.flatMap(([, v]) => v.map((x) => Math.round(x * 127)))).buffer);
  writeFileSync(path.join(dir, "word-vectors.bin"), bin);
  const manifest = {
    fitted: { date: "2026-12-03", command: "test" },
    settings: {},
    dim: 3,
    bin: { file: "word-vectors.bin", sha256: createHash("sha256").update(bin).digest("hex"), scale: 127 },
    vocabulary: rows.map(([w]) => w),
    build: defaultWordVectorBuild(version),
  };
  writeFileSync(file, JSON.stringify(manifest));
  return root;
}

let withVectors: Engine;
let without: Engine;
beforeAll(async () => {
  // The default configuration (WORD_VECTORS unset) reads the model it finds current in the index folder.
  const config = { ...loadConfig({ ...process.env, WORD_VECTORS: undefined }), indexRoot: writeModel() };
  withVectors = await createEngine(config);
  without = await createEngine(loadConfig({ ...process.env, WORD_VECTORS: "none" }));
}, 120_000);

describe("a soft reading (softReading)", () => {
  const rows = modelRows();
  const ref = loadReferential(loadConfig().romeDir);
  const words = new WordVectors(
    rows.map(([w]) => w),
    3,
    Float32Array.from(rows.flatMap(([, v]) => v)),
  );
  const x = createStatedExtractor(ref, createExtractionContext(buildSkillLexicon(ref), null), words, null);
  // The orchard fiche (A1405) lists both the harvest compétence and the autonomy savoir-être.
  const domain = [x.ficheTerms.get("A1405")!];
  const read = (s: string) => softReading(x, statementQuery(x, statedStems(s), null, null, new Set()), domain);

  it("reads a domain item through word neighbours, and one word never as a savoir-être", () => {
    expect(read("le glanage")?.code).toBe(HARVEST);
    expect(read("Sérieux")).toBeNull();
    // Two words may: the rule is for a lone quality.
    expect(read("sérieux et ponctuel")?.code).toBe(AUTONOMY);
  });
});

describe("soft readings through domain word vectors (built at set-up, read by default)", () => {
  it("read, in /v1/skills/extract, a statement no label reads: 'le glanage' in an orchard offer is harvesting", async () => {
    const skills = await withVectors.extractSkills(TEXT);
    expect(skills.find((s) => s.code === HARVEST)?.evidence.map((e) => e.text)).toEqual(["le glanage"]);
    expect((await without.extractSkills(TEXT)).map((s) => s.code)).not.toContain(HARVEST);
  });

  it("leave a match's ranking features as they are without them", async () => {
    const a = await withVectors.featuresFor(TEXT, undefined);
    const b = await without.featuresFor(TEXT, undefined);
    expect(a).toEqual(b);
  });
});
