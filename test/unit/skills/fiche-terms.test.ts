import { describe, expect, it } from "vitest";
import { FicheTermRows } from "../../../src/skills/fiche-terms.js";
import { CoverageIndex } from "../../../src/text/index.js";

describe("FicheTermRows", () => {
  // Labels (rows) by term; a fiche lists some of them in its own order (not the rows' order).
  const labels = [
    ["soin", "hygien", "confort"],
    ["accueil", "patient"],
    ["soin", "patient", "repas"],
    ["gestion", "stock"],
    ["accompagn", "patient", "repas", "soin"],
  ];
  const idx = new CoverageIndex(labels, () => 1);
  const items = [4, 0, 2, 1];

  /** The per-fiche map it replaces: term id → rows holding it, in the fiche's item order. */
  function bruteForce(rows: readonly number[]): Map<number, number[]> {
    const byTerm = new Map<number, number[]>();
    for (const row of rows)
      for (const t of labels[row]!) {
        const id = idx.idOf(t);
        byTerm.set(id, [...(byTerm.get(id) ?? []), row]);
      }
    return byTerm;
  }

  it("gives each term's rows in the fiche's item order, as the per-fiche map did", () => {
    const table = FicheTermRows.of(idx, items);
    const expected = bruteForce(items);
    for (const t of new Set(labels.flat())) {
      const got = new Set<number>();
      table.addRows(idx.idOf(t), got);
      expect([...got]).toEqual(expected.get(idx.idOf(t)) ?? []);
    }
    expect([...bruteForce(items).get(idx.idOf("patient"))!]).toEqual([4, 2, 1]);
  });

  it("adds after what the set holds, and nothing for a term no item has or an unknown id", () => {
    const table = FicheTermRows.of(idx, items);
    const got = new Set([9]);
    table.addRows(idx.idOf("soin"), got);
    table.addRows(idx.idOf("repas"), got);
    expect([...got]).toEqual([9, 4, 0, 2]);
    const none = new Set<number>();
    table.addRows(idx.idOf("stock"), none);
    table.addRows(-1, none);
    table.addRows(1000, none);
    FicheTermRows.EMPTY.addRows(idx.idOf("soin"), none);
    expect(none.size).toBe(0);
  });
});
