/**
 * `labels-audit [--offers FILE] [--out CLEAN.jsonl]`: which labelled offers' codes their own text argues against
 * (src/tuning/audit.ts), grouped so that systematic coding errors stand out; --out writes the file without them.
 * Default offers: the LABELLED_OFFERS files.
 */
import { readFileSync, writeFileSync } from "node:fs";
import cliProgress from "cli-progress";
import { loadConfig } from "../../config.js";
import { auditLabels } from "../../tuning/index.js";
import { readLabelledOffers } from "../../sources/index.js";
import { defineCommand, UsageError } from "../command.js";
import { engineWithProgress } from "./core.js";

export const labelsAuditCommand = defineCommand({
  name: "labels-audit",
  summary: "labelled offers whose code their own text argues against, grouped; --out writes the file without them",
  usage: "labels-audit [--offers FILE.jsonl] [--out CLEAN.jsonl]",
  async run({ value }) {
    const file = value("offers");
    const out = value("out");
    const files = file ? [file] : loadConfig().labelledOffers;
    if (!files) throw new UsageError("no labelled offers (LABELLED_OFFERS is none); give --offers FILE.jsonl");
    if (out && files.length !== 1) throw new UsageError("--out needs one file (--offers FILE.jsonl)");
    const offers = readLabelledOffers(files);
    const engine = await engineWithProgress();
    const bar = new cliProgress.SingleBar(
      { format: "  labels-audit [{bar}] {value}/{total}", stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(offers.length, 0);
    const audit = await auditLabels(engine, offers, (n) => bar.update(n));
    bar.stop();
    if (out) {
      // The kept lines as they were (fields the engine does not read included).
      const drop = new Set(audit.suspectIds);
      const kept = readFileSync(files[0]!, "utf8")
        .split("\n")
        .filter((l) => l.trim() && !drop.has((JSON.parse(l) as { id: string }).id));
      writeFileSync(out, `${kept.join("\n")}\n`);
      console.error(`labels-audit: ${kept.length} offers written to ${out}, ${drop.size} left out`);
    }
    const { suspectIds: _, ...report } = audit;
    console.log(JSON.stringify(report));
  },
});
