import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, REPO_ROOT } from "../../../src/config.js";
import { loadReferential } from "../../../src/rome/index.js";
import { addedMobilites } from "../../../src/tuning/index.js";

describe("addedMobilites (the forward test's strict right answers)", () => {
  const now = loadReferential(loadConfig().romeDir);
  const before = loadReferential(path.resolve(REPO_ROOT, "..", "shared", "rome", "v458"));

  it("lists only moves the newer version has and the older one lacks, between fiches of both", () => {
    const added = addedMobilites(before, now);
    let count = 0;
    for (const [s, ts] of added)
      for (const t of ts) {
        count++;
        expect(s).not.toBe(t);
        expect(before.fiches.has(s) && before.fiches.has(t), `${s} → ${t}: both in the older version`).toBe(true);
        expect(now.fiches.get(s)!.mobilites.some((m) => m.cible === t)).toBe(true);
        expect(before.fiches.get(s)!.mobilites.some((m) => m.cible === t)).toBe(false);
      }
    expect(count).toBeGreaterThan(0);
    // Every such move is found: recount from the raw lists.
    let expected = 0;
    for (const f of now.fiches.values()) {
      const old = before.fiches.get(f.code);
      if (old)
        expected += new Set(
          f.mobilites
            .map((m) => m.cible)
            .filter((c) => c !== f.code && before.fiches.has(c) && !old.mobilites.some((m) => m.cible === c)),
        ).size;
    }
    expect(count).toBe(expected);
  });

  it("is empty between a version and itself", () => {
    expect(addedMobilites(now, now).size).toBe(0);
  });
});
