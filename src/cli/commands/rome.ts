/**
 * `rome-diff OLD_DIR [--to NEW_DIR] [--map CODE,…]`: what changed between two ROME exports (a quarterly update),
 * as one JSON object; with --map, how stored codes read in the new referential (kept, replaced by successors, unknown).
 * The new referential defaults to the configured one (ROME_DIR).
 */
import { loadConfig } from "../../config.js";
import { diffReferentials, loadReferential, mapForward, RomeLoadError } from "../../rome/index.js";
import { defineCommand, UsageError } from "../command.js";

export const romeDiffCommand = defineCommand({
  name: "rome-diff",
  summary:
    "what changed between two ROME exports (fiches, appellations, items, mobilités); --map reads old codes forward",
  usage: "rome-diff OLD_DIR [--to NEW_DIR] [--map M1805,K2303] [--summary]",
  async run({ flags, positional, value }) {
    const from = positional[0];
    const to = value("to");
    const mapped = value("map");
    if (!from) throw new UsageError();
    try {
      const a = loadReferential(from);
      const b = loadReferential(to ?? loadConfig().romeDir);
      const diff = diffReferentials(a, b);
      const map = mapped
        ?.split(",")
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean);
      const out = flags.has("summary")
        ? { from: diff.from, to: diff.to, summary: diff.summary, successors: diff.fiches.successors }
        : diff;
      console.log(JSON.stringify(map ? { ...out, mapped: map.map((c) => mapForward(diff, b, c)) } : out, null, 2));
      return 0;
    } catch (e) {
      if (!(e instanceof RomeLoadError)) throw e;
      console.error(`rome-diff: ${e.message}`);
      return 1;
    }
  },
});
