/** The match request's wire schema: what a caller may send (src/api/routes/match-schemas.ts). */
import { describe, expect, it } from "vitest";
import { MatchRequest } from "../../../src/api/routes/match-schemas.js";

const offer = { kind: "offer", text: "Nous recherchons un boulanger pour la fabrication du pain." };
const codedAt = (codedAt: string) => MatchRequest.safeParse({ ...offer, codedAt }).success;

describe("MatchRequest codedAt", () => {
  it("takes an ISO day, a date-time with or without its zone", () => {
    for (const d of ["2024-11-05", "2024-11-05T10:00:00Z", "2024-11-05T10:00:00.000Z", "2024-11-05T10:00:00+01:00"])
      expect(codedAt(d), d).toBe(true);
    expect(codedAt("2024-02-29"), "a leap day").toBe(true);
    expect(codedAt("1970-01-01")).toBe(true);
    expect(codedAt("2100-12-31")).toBe(true);
  });
  it("refuses a day the calendar lacks, a time that is none, and days outside 1970 … 2100 (docs/api.md)", () => {
    for (const d of ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-11-05T25:00:00Z", "2024-11-05T::"])
      expect(codedAt(d), d).toBe(false);
    for (const d of ["1969-12-31", "0001-01-01", "2101-01-01", "9999-12-31"]) expect(codedAt(d), d).toBe(false);
    expect(codedAt("05/11/2024")).toBe(false);
  });
});
