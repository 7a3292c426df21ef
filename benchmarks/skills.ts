/**
 * Stated-skill extraction time in-process, for ~300-word offers (250–350 words of the dev offers), warm:
 *   npm run bench:skills -- [--n 300] [--rounds 3]
 * `extractSkills` (POST /v1/skills/extract: segmentation, embedding, statements, scoring) per text, wall and CPU
 * time (CPU time is steadier on a shared machine), and the share of a match that extraction takes
 * (`timings.extractMs`). Prints one JSON object on stdout.
 */
import "../src/text/quiet.js";
import { loadConfig } from "../src/config.js";
import { createEngine } from "../src/match/index.js";
import { offersOf300Words } from "./corpus.js";
import { parseFlags } from "../src/cli/command.js";
import { quantile } from "./quantile.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const n = Number(flags.get("n") ?? 300);
const rounds = Math.max(1, Number(flags.get("rounds") ?? 3));
const offers = offersOf300Words().slice(0, n);
const engine = await createEngine(loadConfig());
// One warm-up pass: caches (stems, word forms) and the JIT settle as in a serving process.
for (const o of offers) await engine.extractSkills(o.description ?? "");
const extract: number[] = [];
const extractCpu: number[] = [];
const inMatch: number[] = [];
let skills = 0;
for (let r = 0; r < rounds; r++) {
  // Extraction alone first (as POST /v1/skills/extract serves it), then the matches: a match's garbage would
  // otherwise be collected inside the extraction timings.
  for (const o of offers) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const s = await engine.extractSkills(o.description ?? "");
    extract.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    extractCpu.push((c.user + c.system) / 1000);
    if (r === 0) skills += s.length;
  }
  for (const o of offers) {
    const m = await engine.match({
      text: o.description ?? "",
      title: o.intitule ?? undefined,
      kind: "offer",
      topK: 10,
    });
    inMatch.push(m.timings.extractMs);
  }
}
const r3 = (x: number) => round(x, 3);
console.log(
  JSON.stringify({
    benchmark: "skills-extraction",
    offers: offers.length,
    words: "250-350",
    rounds,
    skillsPerText: r3(skills / offers.length),
    extractSkillsMs: { p50: r3(quantile(extract, 0.5)), p90: r3(quantile(extract, 0.9)) },
    extractSkillsCpuMs: { p50: r3(quantile(extractCpu, 0.5)), p90: r3(quantile(extractCpu, 0.9)) },
    matchExtractMs: { p50: r3(quantile(inMatch, 0.5)), p90: r3(quantile(inMatch, 0.9)) },
  }),
);
