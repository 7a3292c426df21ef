/**
 * A fingerprint of the engine's answers, to show that a refactoring or a speed-up changes nothing:
 *   npm run bench:answers -- [--offers FILE.jsonl] [--limit 1500] [--kind offer|cv]
 * Matches the first `--limit` offers in-process with the default engine (the labelled-offer memory as served) and
 * hashes the stable parts of each answer (sha256): status, codes, rounded scores and confidences, best appellations,
 * explanations' codes, skills, required skills, experiences, uncovered phrases — never timings. `parts` hashes each
 * part alone, to tell which one moved. Prints one JSON object on the last line of stdout.
 */
import "../src/text/quiet.js";
import { createHash } from "node:crypto";
import path from "node:path";
import { DEV_OFFERS, loadConfig } from "../src/config.js";
import { createEngine, type MatchResult } from "../src/match/index.js";
import { readOffers } from "../src/sources/index.js";
import { parseFlags } from "../src/cli/command.js";
import { quantile } from "./quantile.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const file = flags.get("offers") ?? DEV_OFFERS;
const limit = Number(flags.get("limit") ?? 1500);
const kind = flags.get("kind") === "cv" ? "cv" : "offer";

/** Numbers to 4 decimals: answers round to 3, and a float printed twice must hash the same. */
const r = (x: number) => round(x, 4);

/** The parts of an answer that must not move when only the code's shape or speed changes. */
function stable(a: MatchResult) {
  return {
    status: [a.status, a.statusReason, a.evidenceLeader, r(a.margin)],
    metiers: a.metiers.map((m) => [m.code, m.parentOf, r(m.confidence), Object.values(m.score).map(r)]),
    explanations: a.metiers.map((m) => [
      m.appellation ? [m.appellation.code, r(m.appellation.score)] : null,
      m.sharedMacroCompetences.map((s) => [s.code, s.competences.map((c) => c.code)]),
      m.missingMacroCompetences.map((s) => s.code),
      m.unusedSkills.map((s) => s.code),
    ]),
    skills: a.skills.map((s) => [s.code, r(s.score), s.evidence.map((e) => [e.start, e.end])]),
    requiredSkills: a.requiredSkills.map((s) => [s.code, r(s.probability), s.evidence.length]),
    experiences: a.experiences.map((e) => [e.title, e.weight, e.appellation?.code ?? null]),
    uncoveredPhrases: a.uncoveredPhrases,
  };
}

const engine = await createEngine(loadConfig());
const offers = readOffers(file, limit);
const all = createHash("sha256");
const parts = new Map<string, ReturnType<typeof createHash>>();
const times: number[] = [];
for (const [k, o] of offers.entries()) {
  const t0 = performance.now();
  const answer = await engine.match({ text: o.description ?? "", title: o.intitule ?? undefined, kind, topK: 10 });
  times.push(performance.now() - t0);
  for (const [name, value] of Object.entries(stable(answer))) {
    const line = JSON.stringify(value);
    all.update(`${name}\t${line}\n`);
    if (!parts.has(name)) parts.set(name, createHash("sha256"));
    parts.get(name)!.update(`${line}\n`);
  }
  if ((k + 1) % 500 === 0) console.error(`  ${k + 1}/${offers.length}`);
}
console.log(
  JSON.stringify({
    benchmark: "answers-hash",
    file: path.basename(file),
    kind,
    n: offers.length,
    hash: all.digest("hex"),
    parts: Object.fromEntries([...parts].map(([k, h]) => [k, h.digest("hex").slice(0, 16)])),
    ms_per_offer_p50: r(quantile(times, 0.5)),
    ms_per_offer_p90: r(quantile(times, 0.9)),
  }),
);
