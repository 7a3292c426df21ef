import { readFileSync, writeFileSync } from "node:fs";
import type { z } from "zod";
import { loadConfig } from "../../config.js";
import { loadReferential } from "../../rome/index.js";
import {
  GoldText,
  goldProblems,
  referentialProblems,
  scoreText,
  skillsEvalFigures,
  TextLine,
  textDetails,
  textOf,
  type TextCounts,
} from "../../tuning/index.js";
import { defineCommand } from "../command.js";
import { engineWithProgress } from "./core.js";

/** Reads a JSONL file line by line with a zod schema; a bad line is an error naming it. */
function readJsonl<S extends z.ZodType>(file: string, schema: S): z.output<S>[] {
  const out: z.output<S>[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${i + 1}: not valid JSON`);
      }
      const r = schema.safeParse(json);
      if (!r.success) {
        const issues = r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ");
        throw new Error(`${file}:${i + 1}: ${issues}`);
      }
      out.push(r.data);
    });
  return out;
}

/** Gold lines with their texts (from the line or from `--texts` by id); throws when a text is missing. */
function goldWithTexts(goldFile: string, textsFile: string | undefined): { gold: GoldText; text: string }[] {
  const texts = new Map(textsFile ? readJsonl(textsFile, TextLine).map((t) => [t.id, t] as const) : []);
  return readJsonl(goldFile, GoldText).map((gold) => {
    const text = textOf(gold, texts);
    if (text === null) throw new Error(`${gold.id}: no text (neither in the gold line nor in --texts)`);
    return { gold, text };
  });
}

export const skillsEvalCommand = defineCommand({
  name: "eval-skills",
  summary: "stated skills (POST /v1/skills/extract) scored on a gold set; last stdout line is one JSON object",
  usage: "eval-skills --gold FILE.jsonl [--texts FILE.jsonl] [--check] [--details OUT.jsonl]",
  async run({ flags, required }) {
    const goldFile = required("gold", "--gold FILE.jsonl is required");
    const lines = goldWithTexts(goldFile, flags.get("texts"));
    // The guide's checks first: a gold line with a span not in its text cannot be scored as the guide says.
    const problems = lines.flatMap(({ gold, text }) => goldProblems(gold, text));
    if (flags.has("check")) {
      const rome = loadReferential(loadConfig().romeDir);
      problems.push(...lines.flatMap(({ gold }) => referentialProblems(gold, rome)));
    }
    for (const p of problems) console.error(p);
    if (problems.length) {
      console.error(`eval-skills: ${problems.length} problem(s) in ${goldFile}`);
      return 1;
    }
    if (flags.has("check")) {
      const items = lines.reduce((s, l) => s + l.gold.items.length, 0);
      console.log(JSON.stringify({ n: lines.length, items, problems: 0 }));
      return 0;
    }
    const engine = await engineWithProgress();
    const scored: { kind: "offer" | "cv"; counts: TextCounts }[] = [];
    const details: string[] = [];
    for (const { gold, text } of lines) {
      // The canonical extraction: the function POST /v1/skills/extract answers with (the text alone, no title).
      const predicted = await engine.extractSkills(text);
      const counts = scoreText(text, gold.items, predicted);
      scored.push({ kind: gold.kind, counts });
      const { missed, wrong } = textDetails(text, gold.items, predicted);
      details.push(JSON.stringify({ id: gold.id, kind: gold.kind, counts, missed, wrong }));
    }
    const detailsFile = flags.get("details");
    if (detailsFile) writeFileSync(detailsFile, details.join("\n") + "\n");
    console.log(JSON.stringify(skillsEvalFigures(scored)));
  },
});
