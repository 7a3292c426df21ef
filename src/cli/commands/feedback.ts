/**
 * `feedback-export`: the offers whose right code the lake's feedback gives, as labelled offers (JSONL in the
 * LABELLED_OFFERS format), so that the engine learns from what its users corrected:
 *   npm run cli -- feedback-export --out data/feedback-offers.jsonl
 *   LABELLED_OFFERS=../shared/eval/offers-dev.jsonl,data/feedback-offers.jsonl npm start
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { defineCommand } from "../command.js";
import { withAdminLake } from "./ingest.js";

export const feedbackExportCommand = defineCommand({
  name: "feedback-export",
  summary: "write the offers feedback labels (right code known) as LABELLED_OFFERS JSONL",
  usage: "feedback-export [--out FILE.jsonl]   (default: standard output)",
  async run({ value }) {
    const file = value("out");
    const out = file ? createWriteStream(file) : process.stdout;
    // A file that cannot be created is an error here, before the lake is opened.
    if (file) await once(out, "open");
    const n = await withAdminLake(async (lake) => {
      let count = 0;
      for await (const o of lake.labelledOffers()) {
        if (!out.write(`${JSON.stringify(o)}\n`)) await once(out, "drain");
        count++;
      }
      return count;
    });
    if (file) {
      out.end();
      await once(out, "finish");
    }
    console.error(`feedback-export: ${n} labelled offers${file ? ` written to ${file}` : ""}`);
  },
});
