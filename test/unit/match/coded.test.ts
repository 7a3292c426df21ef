import { describe, expect, it } from "vitest";
import { CodedError } from "../../../src/errors.js";
import {
  appellationsThen,
  codedToday,
  codesFor,
  earlierCodes,
  historicalCodes,
  mergeInForce,
  withOlder,
} from "../../../src/match/coded.js";
import { sharesOf } from "../../../src/match/rank.js";

// Today's fiches: A1 (not split), B1 with B2 (created since) and B3 (older child), C1 with C2 (created since).
const codes = ["A1", "B1", "B2", "B3", "C1", "C2"];
const parentRow = Int32Array.from([0, 1, 1, 1, 4, 4]);
const earlier = earlierCodes(
  { version: "v1", until: "2025-06-01", codes: new Set(["A1", "B1", "B3", "C1"]) },
  codes,
  parentRow,
);

describe("codes in force: the rows of the earlier referential", () => {
  it("sends fiches created since to their parent and keeps the others, older children included", () => {
    expect([...earlier.rowThen]).toEqual([0, 1, 1, 3, 4, 4]);
    expect(earlier.created).toBe(2);
  });

  it("keeps a created fiche whose parent was not a code then either", () => {
    const e = earlierCodes(
      { version: "v1", until: "2025-06-01", codes: new Set(["A1"]) },
      ["A1", "X2", "X1"],
      Int32Array.from([0, 2, 2]),
    );
    expect([...e.rowThen]).toEqual([0, 1, 2]);
  });
});

describe("mergeInForce", () => {
  const totals = Float64Array.from([1.0, 0.2, 2.0, 0.5, -1, 1.5]);

  it("merges a created fiche into its code, the merged confidence the sum of theirs", () => {
    const order = [2, 5, 0, 3, 1];
    const m = mergeInForce(order, totals, earlier.rowThen, 0.5);
    expect(m.order).toEqual([1, 4, 0, 3]);
    expect(m.members.get(1)).toEqual([2]);
    expect(m.members.get(4)).toEqual([5]);
    expect(m.members.has(0)).toBe(false);
    // Softmax over the merged list = the undated softmax with each code's members' probabilities summed.
    const softmax = (s: number[]) => sharesOf(s, s, 0.5);
    const before = softmax(order.map((i) => totals[i]!));
    const after = softmax(m.order.map((i) => m.scores[i]!));
    expect(after[0]).toBeCloseTo(before[0]! + before[4]!, 10);
    expect(after[1]).toBeCloseTo(before[1]!, 10); // C1 itself was not listed: C2's probability alone
    expect(after[2]).toBeCloseTo(before[2]!, 10);
    // The input scores are left as they were.
    expect(totals[1]).toBe(0.2);
  });

  it("changes nothing when no listed fiche was created since", () => {
    const m = mergeInForce([0, 3, 1], totals, earlier.rowThen, 1);
    expect(m.order).toEqual([0, 3, 1]);
    expect(m.members.size).toBe(0);
    expect([...m.scores]).toEqual([...totals]);
  });
});

describe("codedToday", () => {
  it("says a text was coded with today's codes from the earlier referential's end on, or when its version is named", () => {
    expect(codedToday({ codedAt: "2025-06-01" }, "v2", earlier)).toBe(true);
    expect(codedToday({ codedAt: "2026-01-15T08:00:00Z" }, "v2", earlier)).toBe(true);
    expect(codedToday({ codedAt: "2025-05-31T23:10:00Z" }, "v2", earlier)).toBe(false);
    expect(codedToday({ romeVersion: "v2", codedAt: "2020-01-01" }, "v2", earlier)).toBe(true);
    expect(codedToday({ romeVersion: "v1", codedAt: "2026-01-01" }, "v2", earlier)).toBe(false);
  });

  it("does not know it for an undated text, nor for a date when no earlier referential says where today's began", () => {
    expect(codedToday({}, "v2", earlier)).toBe(false);
    expect(codedToday({ codedAt: "2026-01-15" }, "v2", null)).toBe(false);
    expect(codedToday({ romeVersion: "v2" }, "v2", null)).toBe(true);
  });
});

describe("codesFor", () => {
  it("lists the earlier codes for a date before its end, today's from that day on", () => {
    expect(codesFor({ codedAt: "2024-03-01" }, "v2", earlier)).toBe(earlier);
    expect(codesFor({ codedAt: "2025-05-31T23:10:00Z" }, "v2", earlier)).toBe(earlier);
    expect(codesFor({ codedAt: "2025-06-01" }, "v2", earlier)).toBeNull();
    expect(codesFor({}, "v2", earlier)).toBeNull();
    expect(codesFor({ codedAt: "2024-03-01" }, "v2", null)).toBeNull();
  });

  it("follows romeVersion over the date, and refuses a version it does not know", () => {
    expect(codesFor({ romeVersion: "v1" }, "v2", earlier)).toBe(earlier);
    expect(codesFor({ romeVersion: "v2", codedAt: "2020-01-01" }, "v2", earlier)).toBeNull();
    expect(() => codesFor({ romeVersion: "v0" }, "v2", earlier)).toThrow(CodedError);
    expect(() => codesFor({ romeVersion: "v1" }, "v2", null)).toThrow(/v2/);
  });
});

describe("historical codes before the earlier referential", () => {
  const historical = historicalCodes("2024-01-01", parentRow);
  const chain = withOlder(earlier, historical);

  it("sends every fiche to its code_rome_parent, older children included", () => {
    expect([...historical.rowThen]).toEqual([0, 1, 1, 1, 4, 4]);
    expect(historical.created).toBe(3);
    expect(historical.version).toBe("v3");
  });

  it("lists the oldest referential in force on the day", () => {
    expect(codesFor({ codedAt: "2023-11-29" }, "v2", chain)).toBe(historical);
    expect(codesFor({ codedAt: "2024-01-01" }, "v2", chain)).toBe(chain);
    expect(codesFor({ codedAt: "2025-06-01" }, "v2", chain)).toBeNull();
    expect(codesFor({ codedAt: "2023-11-29" }, "v2", earlier)).toBe(earlier);
  });

  it("names each referential by its version, and lists them when refusing one", () => {
    expect(codesFor({ romeVersion: "v3", codedAt: "2025-01-01" }, "v2", chain)).toBe(historical);
    expect(codesFor({ romeVersion: "v1", codedAt: "2020-01-01" }, "v2", chain)).toBe(chain);
    expect(() => codesFor({ romeVersion: "v0" }, "v2", chain)).toThrow(/v2, v1, v3/);
  });

  it("refuses an older referential that ends after the newer one", () => {
    expect(() => withOlder(historicalCodes("2024-01-01", parentRow), earlier)).toThrow(/ends after/);
  });
});

describe("appellations where the earlier referential had them", () => {
  // Today: a1 under A1, b2 under B2 (created since; under B1 then), c1 under C1 but under A1 then, "x" unknown then.
  const today = [
    { code: "a1", row: 0, key: "a" },
    { code: "b2", row: 2, key: "b" },
    { code: "c1", row: 4, key: "c" },
    { code: "x", row: 5, key: "c" },
  ];
  const then = new Map([
    ["a1", "A1"],
    ["b2", "B1"],
    ["c1", "A1"],
  ]);
  const rowOf = (c: string) => codes.indexOf(c);

  it("moves only an appellation whose code then is another code of the era", () => {
    const placed = appellationsThen(today, ["x", "c1", "b2", "a1"], rowOf, then, earlier.rowThen)!;
    expect(placed.moved).toBe(1);
    expect([...placed.docRow]).toEqual([5, 0, 2, 0]);
    expect(placed.byCode.get("c1")).toBe(0);
    expect(placed.keyRows.get("c")).toEqual([0, 5]);
    expect(placed.keyRows.get("b")).toEqual([2]);
  });

  it("gives null when nothing moved, and refuses an index row that is no appellation", () => {
    expect(appellationsThen(today, ["a1"], rowOf, new Map([["b2", "B1"]]), earlier.rowThen)).toBeNull();
    expect(() => appellationsThen(today, ["zz"], rowOf, then, earlier.rowThen)).toThrow(/not an appellation/);
  });
});
