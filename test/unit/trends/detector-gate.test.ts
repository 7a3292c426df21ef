import { describe, expect, it } from "vitest";
import { countCells, detectEmerging, trendOptions, type TrendDocument } from "../../../src/trends/index.js";

const doc = (i: number, source: string, metier: string, phrases: string[]): TrendDocument => ({
  id: `${source}-${i}`,
  kind: "offer",
  source,
  documentDate: new Date(Date.UTC(2025, i % 6, 3)),
  metiers: [metier],
  competences: [],
  phrases,
  text: "",
});

// Two sources of 200 documents; "sen detail" in 5 domaines, 16 documents in one source and 4 in the other (about 1.6
// effective sources), "esprit equip" evenly (2 effective sources).
const DOCS = ["a", "b"].flatMap((source) =>
  Array.from({ length: 200 }, (_, i) => {
    const metier = ["M1203", "D1214", "K2204", "H1502", "J1501"][i % 5]!;
    const phrases = [...(i < (source === "a" ? 16 : 4) ? ["sen detail"] : []), ...(i < 10 ? ["esprit equip"] : [])];
    return doc(i, source, metier, phrases);
  }),
);

describe("the widespread gate on effective sources", () => {
  const counts = countCells(DOCS, "month", 5);
  const signal = (minEffectiveSources?: number) =>
    detectEmerging(counts.phrases, counts.totals, {
      ...trendOptions({ minSupport: 10 }),
      ...(minEffectiveSources !== undefined ? { minEffectiveSources } : {}),
    });
  it("needs 2 effective sources by default, the option's value when set", () => {
    const by = (s: ReturnType<typeof signal>) => new Map(s.map((x) => [x.key, x]));
    const strict = by(signal());
    expect(strict.get("sen detail")!.effectiveSources).toBeGreaterThan(1.5);
    expect(strict.get("sen detail")!.effectiveSources).toBeLessThan(2);
    expect(strict.get("sen detail")!.widespread).toBe(false);
    expect(strict.get("esprit equip")!.widespread).toBe(true);
    const loose = by(signal(1.5));
    expect(loose.get("sen detail")!.widespread).toBe(true);
    expect(loose.get("sen detail")!.salience).toBe(strict.get("sen detail")!.salience);
  });
});
