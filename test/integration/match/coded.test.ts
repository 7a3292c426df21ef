import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, REPO_ROOT } from "../../../src/config.js";
import { inForce } from "../../../src/match/index.js";
import { loadReferential } from "../../../src/rome/index.js";

describe("codes in force when an offer was coded", () => {
  it("maps fiches the earlier referential lacks to their parent, repeats merged, order kept", () => {
    const parent = (c: string) => ({ B2: "B1", B3: "B1" })[c] ?? c;
    expect(inForce(["B2", "A1", "B1", "B3", "C1"], new Set(["A1", "B1", "C1"]), parent)).toEqual(["B1", "A1", "C1"]);
    expect(inForce([], new Set(), parent)).toEqual([]);
  });

  it("gives v458's codes for v460's June 2025 children (Data analyst → Chargé d'études socio-économiques)", () => {
    const now = loadReferential(loadConfig().romeDir);
    const before = new Set(loadReferential(path.resolve(REPO_ROOT, "..", "shared", "rome", "v458")).fiches.keys());
    const parent = (c: string) => now.fiches.get(c)!.parent;
    expect(before.has("M1419")).toBe(false);
    expect(inForce(["M1419", "M1403", "D1214"], before, parent)).toEqual(["M1403", "D1214"]);
    // Children that existed before the split keep their code.
    expect(before.has("M1854")).toBe(true);
    expect(inForce(["M1854"], before, parent)).toEqual(["M1854"]);
  });
});
