import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEV_OFFERS, loadConfig, REPO_ROOT } from "../../../src/config.js";
import type { Engine } from "../../../src/match/index.js";
import { loadReferential } from "../../../src/rome/index.js";
import {
  buildSkillLexicon,
  createExtractionContext,
  createStatedExtractor,
  paraphraseReading,
  ParaphraseModelFile,
  readParaphrases,
  scoreStatement,
  statedStems,
  type ParaphraseModel,
  type StatedExtractor,
} from "../../../src/skills/index.js";
import { statementQuery } from "../../../src/skills/scoring.js";
import { readOffers } from "../../../src/sources/index.js";
import { GoldText, repostKey, sha256, trainingOffers } from "../../../src/tuning/index.js";
import { testEngine } from "../../helpers.js";

const MODEL = path.join(REPO_ROOT, "models", "paraphrases.json");
const GOLD = path.join(REPO_ROOT, "eval", "skills-gold-dev.jsonl");
/** "Collecter des déchets ménagers ou industriels": no word of it in "Ramassage des ordures". */
const COLLECT = "117475";

let model: ParaphraseModel;
let x: StatedExtractor;
let engine: Engine;
beforeAll(async () => {
  model = readParaphrases(MODEL);
  const ref = loadReferential(loadConfig().romeDir);
  x = createStatedExtractor(ref, createExtractionContext(buildSkillLexicon(ref), null), null, model);
  engine = await testEngine();
});

const keysOf = (s: string) => statedStems(s).map((t) => x.families.key(t));

describe("the paraphrase model file", () => {
  it("loads, and a file with a field out of range stops with the file and the field named", () => {
    expect(model.size).toBeGreaterThan(1000);
    const json = JSON.parse(readFileSync(MODEL, "utf8")) as ParaphraseModelFile;
    const [feature] = Object.keys(json.features);
    json.features[feature!]![0]![1] = 1.5;
    const bad = path.join(mkdtempSync(path.join(os.tmpdir(), "para-")), "paraphrases.json");
    writeFileSync(bad, JSON.stringify(json));
    expect(() => readParaphrases(bad)).toThrow(new RegExp(`${bad}.*features\\.${feature}`));
  });

  it("reads a paraphrase the labels cannot: 'Ramassage des ordures' is collecting waste", () => {
    const q = statementQuery(x, statedStems("Ramassage des ordures"), null, null, new Set());
    expect(scoreStatement(x, q, 0).map((c) => c.code)).not.toContain(COLLECT);
    const r = paraphraseReading(x, model, keysOf("Ramassage des ordures"), 0.4);
    expect(r?.code).toBe(COLLECT);
    // Items outside the allowed rows (the text's domain) are never read.
    expect(paraphraseReading(x, model, keysOf("Ramassage des ordures"), 0.4, () => false)).toBeNull();
    // A statement of none of its words reads nothing.
    expect(paraphraseReading(x, model, keysOf("zzz qqq"), 0.4)).toBeNull();
  });

  it("is read by extraction in a text about waste collection", async () => {
    const text = `Vos missions :
- Collecte des déchets ménagers et des encombrants en tournée
- Conduite et entretien du camion benne
- Ramassage des ordures`;
    const skills = await engine.extractSkills(text);
    const collect = skills.find((s) => s.code === COLLECT);
    expect(collect?.evidence.map((e) => e.text)).toContain("Ramassage des ordures");
  });
});

describe("the paraphrase model's training set", () => {
  const gold = readFileSync(GOLD, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => GoldText.parse(JSON.parse(l)));

  it("never holds a gold id nor a repost of a gold text, and is the set the committed model was trained on", () => {
    const { offers } = trainingOffers(readOffers(DEV_OFFERS), gold);
    const goldIds = new Set(gold.map((g) => g.id));
    const goldKeys = new Set(gold.map((g) => repostKey(g.title, g.text)));
    expect(offers.length).toBeGreaterThan(500);
    for (const o of offers) {
      expect(goldIds.has(o.id)).toBe(false);
      expect(goldKeys.has(repostKey(o.intitule, o.description))).toBe(false);
    }
    const manifest = ParaphraseModelFile.parse(JSON.parse(readFileSync(MODEL, "utf8"))).fitted;
    expect(manifest.trainIds).toBe(
      sha256(
        offers
          .map((o) => o.id)
          .sort()
          .join("\n"),
      ),
    );
    expect(manifest.excludedIds).toBe(
      sha256(
        gold
          .map((g) => g.id)
          .sort()
          .join("\n"),
      ),
    );
  });

  it("leaves out a repost of a gold offer under another id (case and punctuation aside)", () => {
    const competences = [{ code: COLLECT }];
    const g = { id: "g1", title: "Agent de collecte H/F", text: "Vous collectez les déchets." };
    const offers = [
      { id: "g1", intitule: "x", description: "y", competences },
      { id: "o2", intitule: "AGENT DE COLLECTE (H/F)", description: "vous collectez les déchets", competences },
      { id: "o3", intitule: "Agent de collecte H/F", description: "Vous triez les déchets.", competences },
      { id: "o4", intitule: "x", description: "y", competences },
    ];
    const { offers: kept, reposts } = trainingOffers(offers, [g]);
    // o4 repeats the dev copy of the gold id g1.
    expect(kept.map((o) => o.id)).toEqual(["o3"]);
    expect(reposts).toBe(2);
  });
});
