import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { buildSiblingTerms, siblingEvidence } from "../../../src/match/siblings.js";
import { loadReferential } from "../../../src/rome/index.js";
import { cleanTitle, contentStems } from "../../../src/text/index.js";

describe("what tells a fiche from its siblings (v460)", () => {
  const ref = loadReferential(loadConfig().romeDir);
  const codes = [...ref.fiches.keys()].sort();
  const row = new Map(codes.map((c, i) => [c, i]));
  const terms = buildSiblingTerms(ref, codes);
  const evidence = (title: string, body = "") => {
    const out = new Float64Array(codes.length);
    siblingEvidence(terms, contentStems(cleanTitle(title)), contentStems(body), out);
    return out;
  };

  it("puts a split fiche's children and parent in one family, and no fiche without siblings in any", () => {
    const fam = terms.familyOf[row.get("M1855")!]!;
    expect(fam).toBeGreaterThanOrEqual(0);
    expect(terms.familyOf[row.get("M1805")!]).toBe(fam);
    expect(terms.families[fam]!.length).toBe([...ref.fiches.values()].filter((f) => f.parent === "M1805").length);
    const alone = codes.find(
      (c) => ![...ref.fiches.values()].some((f) => f.parent === c && f.code !== c) && ref.fiches.get(c)!.parent === c,
    );
    expect(alone).toBeDefined();
    expect(terms.familyOf[row.get(alone!)!]).toBe(-1);
  });

  it("singles out the sibling a title names among M1805's children", () => {
    const soc = evidence("Analyste SOC H/F");
    expect(soc[row.get("M1883")!]!).toBeGreaterThan(soc[row.get("M1855")!]!);
    const games = evidence("Développeur jeux vidéo Unity");
    expect(games[row.get("M1831")!]!).toBeGreaterThan(games[row.get("M1855")!]!);
    expect(Math.max(...games)).toBe(1);
  });

  it("gives nothing for a text without ROME words", () => {
    const out = evidence("zzzz qqqq");
    expect(out.every((x) => x === 0)).toBe(true);
  });
});
