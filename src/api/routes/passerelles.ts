import { z } from "zod";
import type { Referential } from "../../rome/index.js";
import type { StatedExtractor } from "../../skills/index.js";
import { TRANSITIONS, validateFilter } from "../../passerelles/index.js";
import { ProximityIndex, RANKERS, VIABILITY } from "../../passerelles/index.js";
import { ACCESS_RULE, PROFILE_LIMITS, ProfileMatcher } from "../../passerelles/index.js";
import { notFound } from "../errors.js";
import { LIMITS } from "../limits.js";
import { CodeParams, queryInt } from "../input.js";
import { defineRoute, routes } from "../route.js";

/** What these routes need from the app context (AppContext satisfies it; tests pass just a referential). */
export interface ReferentialContext {
  /** `stated`: the engine's stated-skills extractor, which profile labels are read with (absent: see `ProfileMatcher`). */
  engine: { referential: Referential; stated?: StatedExtractor };
}

// ---- filters, shared by GET (comma-separated query values) and POST (JSON arrays) ----
const csv = (what: string) =>
  z
    .string()
    .max(2000)
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .describe(`comma-separated ${what}`);
const boolParam = z.enum(["true", "false"]).transform((v) => v === "true");

export const FilterQuery = z.object({
  contextesRequired: csv("contexte de travail codes the fiche must carry (GET /v1/contextes)").optional(),
  contextesExcluded: csv(
    "contexte de travail codes the fiche must not carry, e.g. 300803 = travail de nuit",
  ).optional(),
  transitions: csv(`transition tags, each one of ${TRANSITIONS.join(", ")}`)
    .pipe(z.array(z.enum(TRANSITIONS)))
    .optional(),
  emploiCadre: boolParam.optional(),
  emploiReglemente: boolParam.optional(),
  grandDomaines: csv("grand domaine letters A–N").optional(),
});

export const FilterBody = z
  .object({
    contextesRequired: z.array(z.string()).max(50).optional(),
    contextesExcluded: z.array(z.string()).max(50).optional(),
    transitions: z.array(z.enum(TRANSITIONS)).max(3).optional(),
    emploiCadre: z.boolean().optional(),
    emploiReglemente: z.boolean().optional(),
    grandDomaines: z.array(z.string()).max(14).optional(),
  })
  .strict();

// ---- proximity ----
const ProximityQuery = FilterQuery.extend({
  topK: queryInt(1, LIMITS.maxTopK).default(10),
  ranker: z
    .enum(RANKERS)
    .optional()
    .describe("learned (default: fitted on ROME's own mobilités) or fixed (the skill-overlap blend, for comparison)"),
});

const Item = z.object({ code: z.string(), libelle: z.string() });
const ItemCoeur = Item.extend({ coeurMetier: z.boolean() });
const Shared = z.object({
  code: z.string(),
  libelle: z.string(),
  weight: z.number(),
  coeurMetierInTarget: z.boolean(),
  sharedCompetences: z.array(Item),
  targetOnlyCompetences: z.array(ItemCoeur),
});
const McToAcquire = z.object({
  code: z.string(),
  libelle: z.string(),
  weight: z.number(),
  coeurMetier: z.boolean(),
  competences: z.array(ItemCoeur),
});
const CompToAcquire = ItemCoeur.extend({ macroCompetence: z.string(), macroCompetenceCovered: z.boolean() });
const Passerelle = z.object({
  code: z.string(),
  libelle: z.string(),
  rank: z.number().int(),
  score: z.object({
    mcCoverage: z.number(),
    coreCoverage: z.number(),
    competenceCoverage: z.number(),
    savoirCoverage: z.number(),
    titleSim: z.number(),
    definitionSim: z.number(),
    total: z.number(),
  }),
  reasons: z
    .array(
      z.object({
        kind: z.enum(["shared_skills", "career_pattern", "work_context"]),
        reason: z.string(),
        contribution: z.number(),
        text: z.string(),
      }),
    )
    .describe(
      "why it ranks here, largest share of the score first: shared skills, career patterns of ROME's mobilités (souvent vers…, same domaine, entry route), work context",
    ),
  viability: z.enum(["highly_viable", "viable", "stretch"]),
  officialMobilite: z.object({ listed: z.boolean(), rang: z.number().int().nullable() }),
  shared: z.array(Shared),
  toAcquire: z.object({ macroCompetences: z.array(McToAcquire), competences: z.array(CompToAcquire) }),
});
export const ProximityResponse = z.object({
  romeVersion: z.string(),
  source: z.object({ code: z.string(), libelle: z.string() }),
  ranker: z.enum(RANKERS),
  viabilityRule: z.string(),
  filters: z.record(z.string(), z.unknown()),
  passerelles: z.array(Passerelle),
});

// ---- profile ----
const ProfileRequest = z
  .object({
    competences: z
      .array(z.string().max(20))
      .max(PROFILE_LIMITS.maxCodes, `at most ${PROFILE_LIMITS.maxCodes} codes`)
      .default([])
      .describe("code_ogr of compétences, macro-compétences or savoirs"),
    labels: z
      .array(z.string().max(PROFILE_LIMITS.maxLabelChars, `at most ${PROFILE_LIMITS.maxLabelChars} characters`))
      .max(PROFILE_LIMITS.maxLabels, `at most ${PROFILE_LIMITS.maxLabels} labels`)
      .default([])
      .describe("free-text skill labels, resolved to codes"),
    topK: z.number().int().min(1).max(LIMITS.maxTopK).default(10),
    filters: FilterBody.default({}),
    ranker: z.enum(RANKERS).optional().describe("learned (default) or fixed (coverage only)"),
  })
  .strict();
const Resolved = z.object({
  input: z.string(),
  via: z.enum(["code", "exact-label", "search"]),
  code: z.string(),
  kind: z.enum(["competence", "macro-competence", "savoir"]),
  libelle: z.string(),
  score: z.number(),
  macroCompetence: z.string().nullable(),
});
const Unresolved = z.object({
  input: z.string(),
  reason: z.string(),
  suggestions: z.array(
    z.object({
      code: z.string(),
      kind: z.enum(["competence", "macro-competence", "savoir"]),
      libelle: z.string(),
      score: z.number(),
    }),
  ),
});
const ProfileMetier = z.object({
  code: z.string(),
  libelle: z.string(),
  rank: z.number().int(),
  access: z.enum(["now", "training"]),
  reason: z.string(),
  emploiReglemente: z.boolean(),
  score: z.object({
    coverage: z.number(),
    mcCoverage: z.number(),
    coreCoverage: z.number(),
    savoirCoverage: z.number().nullable(),
    competenceCoverage: z.number(),
    reverseMcCoverage: z.number().describe("share of the profile's macro-compétences (IDF-weighted) the fiche uses"),
    total: z
      .number()
      .describe(
        "the ranking score: the learned passerelles ranker's features that apply to a profile (coverage, the fiche's in-degree in ROME's mobilités, cadre, réglementé, open entry), or coverage with ranker=fixed",
      ),
  }),
  shared: z.array(Shared),
  gap: z.object({
    macroCompetences: z.array(McToAcquire),
    competences: z.array(CompToAcquire),
    savoirs: z.array(ItemCoeur),
  }),
});
export const ProfileResponse = z.object({
  romeVersion: z.string(),
  status: z.enum(["ok", "nothing_to_match"]),
  message: z.string().optional(),
  accessRule: z.string(),
  resolution: z.object({ resolved: z.array(Resolved), unresolved: z.array(Unresolved) }),
  profile: z.object({ macroCompetences: z.number().int(), competences: z.number().int(), savoirs: z.number().int() }),
  accessibleNow: z.array(ProfileMetier),
  accessibleWithTraining: z.array(ProfileMetier),
  belowThreshold: z.number().int(),
});

export const VIABILITY_RULE = `highly_viable: the source covers ≥ ${VIABILITY.highlyViable.mcCoverage * 100} % of the target's IDF-weighted macro-compétences and ≥ ${VIABILITY.highlyViable.coreCoverage * 100} % of its coeur-de-métier ones; viable: ≥ ${VIABILITY.viable.mcCoverage * 100} % of its macro-compétences; stretch: below`;
export const ACCESS_RULE_TEXT = `now: ≥ ${ACCESS_RULE.now.coreCoverage * 100} % of the coeur-de-métier macro-compétences and ≥ ${ACCESS_RULE.now.mcCoverage * 100} % of all (IDF-weighted), and not an emploi réglementé; training: ≥ ${ACCESS_RULE.training.mcCoverage * 100} % of all or ≥ ${ACCESS_RULE.training.coreCoverage * 100} % of the coeur, or a regulated fiche meeting the "now" bar; below: not listed`;

const indexes = new WeakMap<Referential, { proximity: ProximityIndex; profile: ProfileMatcher }>();
/**
 * Built on first use per referential (~2 s, ~5 s with the text similarities), then shared by every request; the
 * server builds them at start. `stated`: the engine's stated-skills extractor, for profile labels (the first call's is
 * kept); without it, the first profile with labels builds one (~5 s, ~90 MB).
 */
export function passerellesIndexes(
  ref: Referential,
  stated?: StatedExtractor,
): { proximity: ProximityIndex; profile: ProfileMatcher } {
  let x = indexes.get(ref);
  if (!x) indexes.set(ref, (x = { proximity: new ProximityIndex(ref), profile: new ProfileMatcher(ref, { stated }) }));
  return x;
}

// validateFilter's FilterError and the profile matcher's ProfileError carry catalogue codes (invalid_filter,
// empty_profile, invalid_request, not_found): the error handler answers them as they are.
export const passerellesRoutes = routes(
  defineRoute(
    {
      method: "get",
      path: "/v1/metiers/:code/proximity",
      summary:
        "Passerelles: the fiches a fiche leads to, ranked by a model fitted on ROME's own mobilités (skill coverage both ways, same domaine, level, where similar fiches lead; ranker=fixed: the skill-overlap blend), with reasons, shared skills, skills to acquire and the official mobilité flag",
      tags: ["passerelles"],
      params: CodeParams,
      query: ProximityQuery,
      responses: { 200: ProximityResponse },
      errors: ["not_found", "invalid_filter"],
    },
    ({ params: { code }, query: q }, ctx: ReferentialContext) => {
      const ref = ctx.engine.referential;
      const { topK, ranker: asked, ...f } = q;
      const fiche = ref.fiche(code);
      if (!fiche) throw notFound("fiche métier", code.toUpperCase());
      const filter = validateFilter(ref, f);
      const { proximity } = passerellesIndexes(ref);
      const ranker = asked ?? proximity.defaultRanker;
      return {
        romeVersion: ref.version,
        source: { code: fiche.code, libelle: fiche.libelle },
        ranker,
        viabilityRule: VIABILITY_RULE,
        filters: filter as Record<string, unknown>,
        passerelles: proximity.passerelles(fiche.code, topK, filter, ranker),
      };
    },
  ),

  defineRoute(
    {
      method: "post",
      path: "/v1/profile/match",
      summary:
        "Profile → métiers: compétence/savoir codes and/or skill labels (resolved and shown back), métiers ranked by the learned passerelles signals that apply to a profile (coverage first), split into accessible now / with training",
      tags: ["passerelles"],
      body: ProfileRequest,
      responses: { 200: ProfileResponse },
      errors: ["invalid_filter", "empty_profile", "not_found"],
    },
    ({ body: p }, ctx: ReferentialContext) => {
      const ref = ctx.engine.referential;
      const filter = validateFilter(ref, p.filters);
      const out = passerellesIndexes(ref, ctx.engine.stated).profile.match(
        { codes: p.competences, labels: p.labels },
        { topK: p.topK, filter, ranker: p.ranker },
      );
      return { romeVersion: ref.version, accessRule: ACCESS_RULE_TEXT, ...out };
    },
  ),
);
