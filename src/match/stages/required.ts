import type { CoeurMetier } from "../../rome/index.js";
import { cmpCode } from "../../skills/index.js";
import type { EngineContext } from "../context.js";
import { NO_ITEM_CHOICES, type ExemplarMemory } from "../exemplars.js";
import { REQUIRED_MODEL, REQUIRED_MODEL_UNCODED } from "../required-model.js";
import {
  requiredFeatures,
  requiredProbability,
  type CodedNeighbour,
  type ItemHolder,
  type RequiredFeatures,
  type RequiredModel,
} from "../required.js";
import type { ExtractedSkill, RequiredSkill } from "../types.js";
import { titleAndBodyCounts, type Prepared } from "./prepare.js";
import type { Ranking } from "./rank.js";

/**
 * Labelled offers with items like an offer whose choices `requiredSkills` reads. In cross-validation 5, 10 and 20
 * give the same F1 (0.529, 0.527, 0.529 at 0.3); their items as extra candidates (beyond the fiches'): no gain.
 */
const CODED_NEIGHBOURS = 10;

/** An item of the best-ranked fiches as the offer-coding model scored it. */
export interface RequiredCandidate extends RequiredSkill {
  features: RequiredFeatures;
}

/** How a caller (fitting the offer-coding model) sees and changes the required stage. */
export interface RequiredOptions {
  /** Called with every candidate of `requiredSkills`, reported or not, and its features (fitting the model). */
  onRequiredCandidates?: (candidates: readonly RequiredCandidate[]) => void;
  /** The offer-coding model to use instead of REQUIRED_MODEL / REQUIRED_MODEL_UNCODED (fitting it). */
  requiredModel?: RequiredModel;
}

/**
 * Stage 5 (offers): the items of the best fiches a recruiter would attach, most probable first, with the model's
 * probability. `shown`: the skills of the per-unit search and the targeted pass (their scores and spans) among the
 * given candidate items (asked once the candidates are known: most of a text's units cannot show any of them).
 */
export function required(
  ctx: EngineContext,
  p: Prepared,
  ranking: Ranking,
  shown: (candidates: ReadonlySet<string>) => readonly ExtractedSkill[],
  memory: ExemplarMemory | null,
  options: RequiredOptions,
): RequiredSkill[] {
  const codes = ctx.lexicon.ficheCodes;
  const rm = options.requiredModel ?? (memory?.codedOffers ? REQUIRED_MODEL : REQUIRED_MODEL_UNCODED);
  const fiches = ranking.pool
    .slice(0, rm.fiches)
    .map(({ row }, k) => ({ code: codes[row]!, row, confidence: ranking.conf[k]! }));
  const neighbours = memory?.codedOffers ? memory.codedNeighbours(titleAndBodyCounts(p), CODED_NEIGHBOURS) : [];
  const candidates = requiredCandidates(ctx, fiches, shown, memory, rm, neighbours);
  options.onRequiredCandidates?.(candidates);
  return candidates
    .filter((c) => c.probability >= rm.minProbability)
    .slice(0, rm.max)
    .map(({ features: _, ...c }) => c);
}

/**
 * Every compétence and savoir the best-ranked `fiches` list or their labelled offers chose, with the offer-coding
 * model's features and probability, most probable first (ties by code). `shown`: the text's extracted skills among
 * the candidates, targeted pass included (their raw scores and spans); `memory`: the labelled offers whose choices of
 * items count; `neighbours`: the labelled offers with items most like the text.
 */
function requiredCandidates(
  ctx: EngineContext,
  fiches: readonly { code: string; row: number; confidence: number }[],
  shown: (candidates: ReadonlySet<string>) => readonly ExtractedSkill[],
  memory: ExemplarMemory | null,
  model: RequiredModel,
  neighbours: readonly CodedNeighbour[],
): RequiredCandidate[] {
  const ref = ctx.referential;
  const total = (c: string) => memory?.itemTotal(c) ?? 0;
  const holders = new Map<string, { kind: "competence" | "savoir"; list: ItemHolder[] }>();
  for (const { code, row, confidence } of fiches) {
    const fiche = ref.fiches.get(code)!;
    const choices = memory?.itemChoicesOf(row) ?? NO_ITEM_CHOICES;
    const links = [
      ...fiche.competences.map((l) => ({ l, kind: "competence" as const })),
      ...fiche.savoirs.map((l) => ({ l, kind: "savoir" as const })),
    ];
    const hold = (item: string, kind: "competence" | "savoir", listed: boolean, coeurMetier: CoeurMetier) => {
      const h = holders.get(item) ?? { kind, list: [] };
      h.list.push({ confidence, listed, coeurMetier, choices });
      holders.set(item, h);
    };
    const listed = new Set<string>();
    for (const { l, kind } of links) (hold(l.code, kind, true, l.coeurMetier), listed.add(l.code));
    // Items the fiche's labelled offers chose beyond its list (macro-compétences chosen as such count through
    // their compétences' shares).
    for (const item of choices.chosen.keys()) {
      const kind = listed.has(item) ? undefined : ref.itemKind(item);
      if (kind === "competence" || kind === "savoir") hold(item, kind, false, null);
    }
  }
  const best = new Map<string, ExtractedSkill>();
  for (const s of shown(new Set(holders.keys()))) if ((best.get(s.code)?.score ?? -1) < s.score) best.set(s.code, s);
  const candidates: RequiredCandidate[] = [];
  for (const [code, { kind, list }] of holders) {
    const comp = kind === "competence" ? ref.competences.get(code) : undefined;
    const libelle = comp?.libelle ?? ref.savoirs.get(code)?.libelle;
    if (libelle === undefined) continue;
    const macroCompetence = comp?.macroCompetence ?? null;
    const s = best.get(code);
    const item = { code, kind, macroCompetence, evidence: s?.score ?? 0 };
    const features = requiredFeatures(item, list, total, neighbours);
    const probability = requiredProbability(features, model);
    candidates.push({ code, kind, libelle, macroCompetence, probability, evidence: s?.evidence ?? [], features });
  }
  return candidates.sort((a, b) => b.probability - a.probability || cmpCode(a.code, b.code));
}
