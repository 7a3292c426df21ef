import { round } from "../numbers.js";
import type { EngineContext } from "./context.js";
import type { FicheFeatures } from "./rank.js";
import type { Explained } from "./stages/explain.js";
import type { Ranking } from "./stages/rank.js";
import type { status } from "./stages/status.js";
import type {
  CvExperienceMatch,
  DocumentKind,
  ExtractedSkill,
  MatchResult,
  MetierMatch,
  RequiredSkill,
} from "./types.js";

/** What the stages found for one text, before it is put in the wire format. */
export interface Found {
  kind: DocumentKind;
  topK: number;
  features: FicheFeatures;
  ranking: Ranking;
  explained: Explained;
  status: ReturnType<typeof status>;
  skills: ExtractedSkill[];
  experiences: CvExperienceMatch[];
  requiredSkills: RequiredSkill[];
  timings: MatchResult["timings"];
}

/** The answer as the API returns it: codes with labels, figures rounded to 3 decimals. */
export function present(ctx: EngineContext, modelId: string, x: Found): MatchResult {
  const codes = ctx.lexicon.ficheCodes;
  const { pool, conf, totals, interactions } = x.ranking;
  const metiers: MetierMatch[] = pool.slice(0, x.topK).map(({ row, parentOf, merged }, rank) => {
    const code = codes[row]!;
    const { exemplars, ...explanation } = x.explained.metiers[rank]!;
    const evidence = x.explained.evidence[rank]!;
    return {
      code,
      libelle: ctx.referential.fiches.get(code)!.libelle,
      parentOf: parentOf === null ? null : codes[parentOf]!,
      confidence: round(conf[rank]!, 3),
      score: {
        title: round(evidence.title, 3),
        body: round(evidence.body, 3),
        mcOverlap: round(x.features.mc[row]!, 3),
        exemplars: round(exemplars, 3),
        interactions: round(interactions[row]!, 3),
        total: round(totals[row]!, 3),
      },
      ...(x.ranking.then ? { mergedFrom: (merged ?? []).map((r) => codes[r]!) } : {}),
      ...explanation,
    };
  });
  return {
    romeVersion: ctx.referential.version,
    ...(x.ranking.then ? { codedWith: x.ranking.then.version } : {}),
    model: modelId,
    kind: x.kind,
    status: x.status.status,
    statusReason: x.status.statusReason,
    evidenceLeader: x.status.evidenceLeader,
    margin: round(x.status.margin, 3),
    metiers,
    skills: x.skills,
    experiences: x.experiences,
    requiredSkills: x.requiredSkills.map((s) => ({ ...s, probability: round(s.probability, 3) })),
    uncoveredPhrases: x.explained.uncoveredPhrases,
    timings: x.timings,
  };
}
