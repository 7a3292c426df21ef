import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig, REPO_ROOT } from "../../../src/config.js";
import { loadReferential, type Referential } from "../../../src/rome/index.js";
import { GoldText, goldProblems, referentialProblems } from "../../../src/tuning/index.js";

// The project's gold set passes the guide's checks: spans in their texts, codes, labels and macros as ROME has them.
const lines = readFileSync(path.join(REPO_ROOT, "eval", "skills-gold-dev.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => GoldText.parse(JSON.parse(l)));

describe("eval/skills-gold-dev.jsonl", () => {
  let rome: Referential;
  beforeAll(() => {
    rome = loadReferential(loadConfig().romeDir);
  });

  it("has unique ids, at least 40 offers and 20 CVs, each with its text", () => {
    expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
    expect(lines.filter((l) => l.kind === "offer").length).toBeGreaterThanOrEqual(40);
    expect(lines.filter((l) => l.kind === "cv").length).toBeGreaterThanOrEqual(20);
    for (const l of lines) expect(l.text?.trim().length, l.id).toBeGreaterThan(0);
  });

  it("has every span in its text, each code once, compétences with their macro", () => {
    expect(lines.flatMap((l) => goldProblems(l, l.text ?? ""))).toEqual([]);
  });

  it("names ROME items with their exact labels and macro-compétences", () => {
    expect(rome.version).toBe("v460");
    expect(lines.flatMap((l) => referentialProblems(l, rome))).toEqual([]);
  });
});
