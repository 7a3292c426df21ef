/**
 * Fit of the profile ranker's compétence-coverage weight (PROFILE_COMPETENCE_WEIGHT, docs/passerelles.md session 30)
 * on bench:proximity's fiche-derived profiles, fitted and measured on disjoint halves of the fiches (seeded split):
 * for each weight of the grid, the share of profiles whose own fiche is among the 20 shown and the share of its
 * official mobilités shown; the best weight on one half (own fiche + mobilités shown, counted together) is measured on
 * the other. `npx tsx benchmarks/profile-fit.ts [--seed 30]`. Prints ONE JSON object.
 */
import "../src/text/quiet.js";
import { loadConfig } from "../src/config.js";
import { loadReferential } from "../src/rome/index.js";
import { loadPasserellesModel, PROFILE_COMPETENCE_WEIGHT, ProfileMatcher } from "../src/passerelles/index.js";
import { seededRandom } from "../src/tuning/random.js";
import { parseFlags } from "../src/cli/command.js";
import { round } from "../src/numbers.js";
import { benchProfile, profileHits } from "./profile-sample.js";

const GRID = [0, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 10];
const { flags } = parseFlags(process.argv.slice(2));
const seed = Number(flags.get("seed") ?? 30);
const ref = await loadReferential(loadConfig().romeDir);
const model = loadPasserellesModel();
const codes = [...ref.fiches.keys()].sort();
const rnd = seededRandom(seed);
const order = codes.map((_, i) => ({ i, r: rnd() })).sort((a, b) => a.r - b.r);
const halves = [order.slice(0, codes.length >> 1), order.slice(codes.length >> 1)].map((h) => h.map((x) => x.i));

/** Per half: profiles whose fiche is shown, mobilités shown, mobilités in all. */
function measure(weight: number): { self: number; mobilites: number; edges: number; profiles: number }[] {
  const matcher = new ProfileMatcher(ref, { model, competenceWeight: weight });
  return halves.map((h) => {
    const sum = { self: 0, mobilites: 0, edges: 0, profiles: h.length };
    for (const i of h) {
      const f = ref.fiches.get(codes[i]!)!;
      const out = matcher.match({ codes: benchProfile(ref, codes, i), labels: [] }, { topK: 10 });
      const targets = new Set(f.mobilites.map((m) => m.cible));
      const hits = profileHits(
        [...out.accessibleNow, ...out.accessibleWithTraining].map((x) => x.code),
        f.code,
        targets,
      );
      sum.self += hits.self;
      sum.mobilites += hits.mobilites;
      sum.edges += targets.size;
    }
    return sum;
  });
}
const rows = GRID.map((weight) => ({ weight, halves: measure(weight) }));
const figures = (x: { self: number; mobilites: number; edges: number; profiles: number }) => ({
  ficheShown: round(x.self / x.profiles, 4),
  officialMobilitesShown: round(x.mobilites / x.edges, 4),
});
const best = (h: number) =>
  rows.reduce((a, b) =>
    b.halves[h]!.self + b.halves[h]!.mobilites > a.halves[h]!.self + a.halves[h]!.mobilites ? b : a,
  );
const crossFit = [0, 1].map((h) => ({
  fittedOnHalf: h,
  weight: best(h).weight,
  otherHalf: figures(best(h).halves[1 - h]!),
}));
console.log(
  JSON.stringify({
    seed,
    served: PROFILE_COMPETENCE_WEIGHT,
    crossFit,
    grid: rows.map((r) => ({ weight: r.weight, halves: r.halves.map(figures) })),
  }),
);
