import { describe, expect, it } from "vitest";
import { AGREED_TOP, votesAgreed } from "../../../src/match/stages/agreement.js";
import { FEATURE_NAMES, type FicheFeatures } from "../../../src/match/rank.js";

const features = (n: number) =>
  Object.fromEntries(FEATURE_NAMES.map((k) => [k, new Float64Array(n)])) as unknown as FicheFeatures;

describe("votes the text's own ROME evidence agrees with", () => {
  it("keeps the strongest vote of a fiche among the text's best and drops votes for the others", () => {
    const n = AGREED_TOP + 3;
    const f = features(n);
    // Fiches 0..AGREED_TOP-1 named by the title, decreasing; fiche n-1 named by nothing but voted for.
    for (let i = 0; i < AGREED_TOP; i++) f.titleLex[i] = 1 - i / 10;
    f.exemplarTitle[0] = 0.4;
    f.exemplarSameTitle[0] = 0.7;
    f.exemplarBody[1] = 0.2;
    f.exemplarTitle[n - 1] = 0.9;
    votesAgreed(f);
    expect(f.votesAgreed[0]).toBe(0.7);
    expect(f.votesAgreed[1]).toBe(0.2);
    expect(f.votesAgreed[n - 1]).toBe(0);
  });

  it("ranks by the title's evidence, not by the votes", () => {
    const n = AGREED_TOP + 2;
    const f = features(n);
    for (let i = 0; i < n; i++) {
      f.titleLex[i] = 1 - i / 10;
      f.exemplarTitle[i] = 0.5;
    }
    votesAgreed(f);
    expect([...f.votesAgreed].filter((x) => x > 0).length).toBe(AGREED_TOP);
    expect(f.votesAgreed[n - 1]).toBe(0);
  });
});
