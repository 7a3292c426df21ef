import type { StatedTrendDocument } from "../../../src/trends/index.js";

/** An offer of one source saying `phrases`, with the optional stated / whole lists a test needs. */
export const trendDoc = (
  id: string,
  source: string,
  phrases: string[],
  lists: Pick<StatedTrendDocument, "statedPhrases" | "wholePhrases"> = {},
): StatedTrendDocument => ({
  id,
  kind: "offer",
  source,
  documentDate: new Date("2025-03-10"),
  metiers: ["M1203"],
  competences: [],
  phrases,
  text: "",
  ...lists,
});
