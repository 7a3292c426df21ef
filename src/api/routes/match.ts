import { z } from "zod";
import { CodedError } from "../../errors.js";
import { admissionOf, type AppContext } from "../context.js";
import { ClientGoneError, clientGone } from "../admission.js";
import { LIMITS } from "../limits.js";
import { notFound } from "../errors.js";
import { CodeParams, queryInt } from "../input.js";
import { defineRoute, routes } from "../route.js";
import { searchAppellations } from "../../rome/index.js";
import { ESCO_RELATIONS, ESCO_URI, escoOfFiche, fichesOfEsco } from "../../rome/index.js";
import {
  chosenItems,
  CONFIDENCE,
  EVIDENCE_CONFLICT,
  NO_ITEM_CHOICES,
  REQUIRED_MODEL,
  REQUIRED_MODEL_UNCODED,
} from "../../match/index.js";

// Control characters other than tab/newline, and U+FFFD from undecodable bytes, mark binary garbage.
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/g;
const textField = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((s) => s.trim().length > 0, "must not be empty")
    .refine((s) => (s.match(BINARY)?.length ?? 0) <= Math.max(2, s.length * 0.01), "looks like binary data, not text");

export const MatchRequest = z
  .object({
    text: textField(LIMITS.maxTextChars),
    title: z.string().max(LIMITS.maxTitleChars, `at most ${LIMITS.maxTitleChars} characters`).optional(),
    kind: z.enum(["offer", "cv"]).default("offer"),
    topK: z.number().int().min(1).max(LIMITS.maxTopK).default(10),
    codedAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, "an ISO date, YYYY-MM-DD[THH:MM:SSZ]")
      .optional()
      .describe(
        "when the text was coded or posted: before the earlier referential's end (ROME_EARLIER_UNTIL, June 2025 for v458) the métiers are the codes in force then, fiches created since merged into the code they came from (codedWith, mergedFrom)",
      ),
    romeVersion: z
      .string()
      .regex(/^v\d+$/, "a ROME version such as v458")
      .optional()
      .describe("the ROME version whose codes to list: the server's (romeVersion of the answer) or its earlier one"),
    explain: z
      .boolean()
      .default(true)
      .describe(
        "false: métiers without their explanations (best appellation, shared and missing MCs, unused skills), for systems that only need codes, scores and skills: about a quarter of the bytes of a 300-word offer's answer",
      ),
  })
  .strict();

export const Span = z.object({ start: z.number().int(), end: z.number().int(), text: z.string() });
/** Explanation shapes shared with the lake's similar-document answers. */
export const SharedMacroCompetence = z.object({
  code: z.string(),
  libelle: z.string(),
  weight: z.number(),
  coeurMetier: z.boolean(),
  competences: z.array(z.object({ code: z.string(), libelle: z.string(), score: z.number() })),
  evidence: z.array(Span),
});
export const MissingMacroCompetence = z.object({
  code: z.string(),
  libelle: z.string(),
  weight: z.number(),
  coeurMetier: z.boolean(),
});
const Skill = z.object({
  code: z.string(),
  kind: z
    .enum(["competence", "savoir", "macro-competence"])
    .describe("macro-competence: a savoir-être or broad skill ROME 4.0 has only as a macro-compétence"),
  libelle: z.string(),
  macroCompetence: z.string().nullable(),
  score: z.number(),
  evidence: z.array(Span),
});
const RequiredSkill = z.object({
  code: z.string(),
  kind: z.enum(["competence", "savoir"]),
  libelle: z.string(),
  macroCompetence: z.string().nullable(),
  probability: z
    .number()
    .describe("fitted probability that a recruiter attaches this item (or its macro-compétence) to the offer"),
  evidence: z
    .array(Span)
    .describe("the text that shows the item; empty when the fiche and the labelled offers alone imply it"),
});
const Metier = z.object({
  code: z.string(),
  libelle: z.string(),
  parentOf: z
    .string()
    .nullable()
    .describe(
      "set when a better-ranked split fiche lifted this fiche, its code_rome_parent, into the list (to at least a fifth of the child's confidence): that child's code; with codedWith, also the best fiche it absorbed (mergedFrom) when that one outscores its own",
    ),
  mergedFrom: z
    .array(z.string())
    .optional()
    .describe(
      "lists of earlier codes only (codedWith): today's fiches created since that this code stood for, whose confidences its own includes",
    ),
  confidence: z.number(),
  score: z.object({
    title: z.number().describe("title ↔ appellations: words, vector, and the title being one of them"),
    body: z.number(),
    mcOverlap: z.number(),
    exemplars: z
      .number()
      .describe(
        "votes of the most similar labelled offers, of those with the same title and of each code's offers pooled (LABELLED_OFFERS)",
      ),
    interactions: z
      .number()
      .describe(
        "the ranking model's pairwise terms (products of two features): positive where signals agree beyond their sum, negative where they repeat each other",
      ),
    total: z.number().describe("the ranking score: the features' weighted sum plus interactions"),
  }),
  appellation: z.object({ code: z.string(), libelle: z.string(), score: z.number() }).nullable(),
  sharedMacroCompetences: z.array(SharedMacroCompetence),
  missingMacroCompetences: z.array(MissingMacroCompetence),
  unusedSkills: z.array(z.object({ code: z.string(), libelle: z.string() })),
});
export const MatchResponse = z.object({
  romeVersion: z.string(),
  codedWith: z
    .string()
    .optional()
    .describe(
      "set when codedAt or romeVersion asked for an earlier referential: the version whose codes metiers lists",
    ),
  model: z.string(),
  kind: z.enum(["offer", "cv"]),
  status: z.enum(["confident", "uncertain", "empty"]),
  statusReason: z
    .enum(["low_confidence", "small_margin", "labelled_offers_against_text"])
    .nullable()
    .describe(
      `why uncertain: the first's confidence < ${CONFIDENCE.minTop}, its margin < ${CONFIDENCE.minMargin}, or labelled offers put first a fiche against the text's own ROME evidence (another listed fiche, of another grand domaine, has ≥ ${EVIDENCE_CONFLICT.ratio}× its title + body evidence)`,
    ),
  evidenceLeader: z
    .string()
    .nullable()
    .describe("with labelled_offers_against_text: the fiche the text's own ROME evidence favours"),
  margin: z.number(),
  metiers: z.array(Metier),
  skills: z
    .array(Skill)
    .describe(
      "ROME compétences and savoirs the text shows, with the spans that show them (re-scored in the context of the best fiche)",
    ),
  experiences: z
    .array(
      z.object({
        title: z.string(),
        employer: z.string().nullable(),
        start: z.number().nullable().describe("year, a month as a twelfth (2019.167 is March 2019)"),
        end: z.number().nullable().describe("null for a job that goes on"),
        current: z.boolean(),
        durationMonths: z.number().int().nullable(),
        weight: z
          .number()
          .describe("0..1: how much the job counts in ranking (longer and more recent: more); the heaviest 1"),
        span: Span.describe("the job's header line"),
        titleSpan: Span,
        appellation: z
          .object({ code: z.string(), libelle: z.string(), ficheCode: z.string(), score: z.number() })
          .nullable()
          .describe("the appellation the title names, null when none scores ≥ 0.5"),
      }),
    )
    .describe(
      "CVs only (empty for an offer): the jobs the CV lists, read from its lines with dates; a CV without a title is ranked on them",
    ),
  requiredSkills: z
    .array(RequiredSkill)
    .describe(
      `offers only (empty for a CV): the items of the ${REQUIRED_MODEL.fiches} best fiches a recruiter would attach to the offer (France Travail's offers carry such items), whether or not the text states them, most probable first; at least ${REQUIRED_MODEL.minProbability} (${REQUIRED_MODEL_UNCODED.minProbability} when no labelled offer carries items), at most ${REQUIRED_MODEL.max}`,
    ),
  uncoveredPhrases: z.array(z.string()),
  timings: z
    .object({
      totalMs: z.number(),
      embedMs: z.number(),
      extractMs: z.number(),
      rankMs: z.number(),
      explainMs: z.number(),
    })
    .describe("Milliseconds: segmentation, stemming and embedding; skill extraction; ranking; explanations"),
});
const BatchRequest = z
  .object({
    items: z
      .array(MatchRequest)
      .min(1, "items must not be empty")
      .max(LIMITS.maxBatch, `at most ${LIMITS.maxBatch} items per batch`),
  })
  .strict();
const ExtractRequest = z.object({ text: textField(LIMITS.maxTextChars) }).strict();
const EscoRelationSchema = z.enum(ESCO_RELATIONS);
const SearchQuery = z.object({
  q: z.string().trim().min(1, "q must not be empty").max(100),
  limit: queryInt(1, 50).default(10),
});

const FicheResponse = z.object({
  romeVersion: z.string(),
  code: z.string(),
  libelle: z.string(),
  definition: z.string(),
  accesMetier: z.string(),
  grandDomaine: z.object({ code: z.string(), libelle: z.string() }),
  domaineProfessionnel: z.object({ code: z.string(), libelle: z.string() }),
  tags: z.object({
    transitionEcologique: z.string().nullable(),
    transitionNumerique: z.boolean().nullable(),
    transitionDemographique: z.boolean().nullable(),
    emploiReglemente: z.boolean().nullable(),
    emploiCadre: z.boolean().nullable(),
  }),
  appellations: z.array(z.object({ code: z.string(), libelle: z.string(), principale: z.boolean() })),
  enjeux: z.array(
    z.object({
      code: z.string(),
      libelle: z.string(),
      macroCompetences: z.array(
        z.object({
          code: z.string(),
          libelle: z.string(),
          coeurMetier: z.boolean(),
          weight: z.number(),
          competences: z.array(z.object({ code: z.string(), libelle: z.string() })),
        }),
      ),
    }),
  ),
  savoirs: z.array(z.object({ code: z.string(), libelle: z.string(), coeurMetier: z.boolean() })),
  contextes: z.array(z.object({ code: z.string(), libelle: z.string(), type: z.string() })),
  mobilites: z.array(z.object({ code: z.string(), libelle: z.string(), rang: z.number() })),
  recruiterChoices: z
    .object({
      offers: z
        .number()
        .int()
        .describe("labelled offers of this fiche that carry the recruiter's ROME items (LABELLED_OFFERS)"),
      items: z.array(
        z.object({
          code: z.string(),
          kind: z.enum(["competence", "savoir", "macroCompetence"]),
          libelle: z.string(),
          listed: z.boolean().describe("the fiche lists it"),
          share: z.number().describe("share of those offers that chose it"),
        }),
      ),
    })
    .describe(
      "what recruiters chose for this fiche's offers, most chosen first (at most 20): ROME in practice, listed by the fiche or not",
    ),
  esco: z
    .object({
      version: z.string(),
      occupations: z.array(
        z.object({
          uri: z.string(),
          label: z.string(),
          relation: EscoRelationSchema.describe("the strongest over the fiche's appellations"),
          appellations: z.array(z.object({ code: z.string(), libelle: z.string(), relation: EscoRelationSchema })),
        }),
      ),
    })
    .nullable()
    .describe(
      "ESCO occupations mapped to the fiche's appellations (France Travail's crosswalk), strongest relation first; null without ESCO_CROSSWALK",
    ),
});
const EscoQuery = z
  .object({
    uri: z.string().trim().regex(ESCO_URI, "an ESCO occupation URI, e.g. http://data.europa.eu/esco/occupation/<uuid>"),
  })
  .strict();
const EscoResponse = z.object({
  romeVersion: z.string(),
  version: z.string(),
  uri: z.string(),
  label: z.string(),
  fiches: z.array(
    z.object({
      code: z.string(),
      libelle: z.string(),
      relation: EscoRelationSchema,
      appellations: z.array(z.object({ code: z.string(), libelle: z.string(), relation: EscoRelationSchema })),
    }),
  ),
});

const chars = (i: { text: string; title?: string }) => i.text.length + (i.title?.length ?? 0);
const matcherOf = (ctx: AppContext) => ctx.matcher ?? ctx.engine;

export const matchRoutes = routes(
  defineRoute(
    {
      method: "post",
      path: "/v1/match",
      summary: "Rank ROME métiers for an offer or CV, with explanations and extracted skills",
      tags: ["match"],
      body: MatchRequest,
      responses: { 200: MatchResponse },
      errors: ["overloaded"],
      send: "computed",
    },
    ({ body, res }, ctx) => admissionOf(ctx).run(chars(body), () => matcherOf(ctx).match(body), clientGone(res)),
  ),

  defineRoute(
    {
      method: "post",
      path: "/v1/match/batch",
      summary: `Match up to ${LIMITS.maxBatch} texts in one call`,
      tags: ["match"],
      body: BatchRequest,
      responses: { 200: z.object({ results: z.array(MatchResponse) }) },
      errors: ["overloaded"],
      send: "computed",
    },
    async ({ body, res }, ctx) => {
      // One job for the batch: admitted whole or refused whole; items not started when the client leaves are dropped.
      const gone = clientGone(res);
      const matcher = matcherOf(ctx);
      const results = await admissionOf(ctx).run(
        body.items.reduce((n, i) => n + chars(i), 0),
        () =>
          Promise.all(body.items.map((i) => (gone.aborted ? Promise.reject(new ClientGoneError()) : matcher.match(i)))),
        gone,
      );
      return { results };
    },
  ),

  defineRoute(
    {
      method: "post",
      path: "/v1/skills/extract",
      summary: "ROME compétences and savoirs shown by a text, with evidence spans",
      tags: ["match"],
      body: ExtractRequest,
      responses: { 200: z.object({ romeVersion: z.string(), skills: z.array(Skill) }) },
      errors: ["overloaded"],
      send: "computed",
    },
    async ({ body, res }, ctx) => ({
      romeVersion: ctx.engine.referential.version,
      skills: await admissionOf(ctx).run(
        body.text.length,
        () => matcherOf(ctx).extractSkills(body.text),
        clientGone(res),
      ),
    }),
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/metiers/:code",
      summary: "A fiche métier: appellations, MCs grouped by enjeu, savoirs, contextes, tags",
      tags: ["referential"],
      params: CodeParams,
      responses: { 200: FicheResponse },
      errors: ["not_found"],
    },
    ({ params: { code } }, { engine }) => {
      const ref = engine.referential;
      const f = ref.fiche(code);
      if (!f) throw notFound("fiche", code.toUpperCase());
      const choices = engine.exemplars?.itemChoicesOf(engine.lexicon.ficheRow.get(f.code)!) ?? NO_ITEM_CHOICES;
      const enjeux = new Map<string, z.infer<typeof FicheResponse>["enjeux"][number]>();
      for (const mc of ref.ficheMacroCompetences(f.code).values()) {
        const m = ref.macroCompetences.get(mc.code)!;
        let e = enjeux.get(m.enjeu.code);
        if (!e) enjeux.set(m.enjeu.code, (e = { code: m.enjeu.code, libelle: m.enjeu.libelle, macroCompetences: [] }));
        e.macroCompetences.push({
          code: m.code,
          libelle: m.libelle,
          coeurMetier: mc.coeur,
          weight: Math.round(ref.mcIdf(m.code) * 1000) / 1000,
          competences: mc.competences.map((c) => ({ code: c, libelle: ref.competences.get(c)!.libelle })),
        });
      }
      return {
        romeVersion: ref.version,
        code: f.code,
        libelle: f.libelle,
        definition: f.definition,
        accesMetier: f.accesMetier,
        grandDomaine: f.grandDomaine,
        domaineProfessionnel: f.domaineProfessionnel,
        tags: f.tags,
        appellations: f.appellations
          .map((a) => ref.appellations.get(a)!)
          .map((a) => ({ code: a.code, libelle: a.libelle, principale: a.principale })),
        enjeux: [...enjeux.values()]
          .sort((a, b) => a.code.localeCompare(b.code))
          .map((e) => ({
            ...e,
            macroCompetences: e.macroCompetences.sort(
              (a, b) => Number(b.coeurMetier) - Number(a.coeurMetier) || b.weight - a.weight,
            ),
          })),
        savoirs: f.savoirs.map((s) => ({
          code: s.code,
          libelle: ref.savoirs.get(s.code)!.libelle,
          coeurMetier: s.coeurMetier === "principale",
        })),
        contextes: f.contextes
          .map((c) => ref.contextes.get(c)!)
          .map((c) => ({ code: c.code, libelle: c.libelle, type: c.typeLibelle })),
        mobilites: f.mobilites.map((m) => ({ code: m.cible, libelle: ref.fiches.get(m.cible)!.libelle, rang: m.rang })),
        recruiterChoices: {
          offers: choices.offers,
          items: chosenItems(ref, f, choices).map((i) => ({ ...i, share: Math.round(i.share * 1000) / 1000 })),
        },
        esco: engine.esco
          ? {
              version: engine.esco.version,
              occupations: escoOfFiche(engine.esco, ref, f.code).map((o) => ({
                ...o,
                appellations: o.appellations.map((a) => ({ ...a, libelle: ref.appellations.get(a.code)!.libelle })),
              })),
            }
          : null,
      };
    },
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/esco/occupation",
      summary:
        "ESCO → ROME: the fiches and appellations an ESCO occupation maps to (France Travail's crosswalk), strongest relation first",
      tags: ["referential"],
      query: EscoQuery,
      responses: { 200: EscoResponse },
      errors: ["not_found", "esco_disabled"],
    },
    ({ query: { uri } }, { engine }) => {
      const ref = engine.referential;
      if (!engine.esco) throw new CodedError("esco_disabled");
      const fiches = fichesOfEsco(engine.esco, ref, uri);
      if (!fiches)
        throw new CodedError("not_found", `ESCO occupation ${uri} is not in the crosswalk (${engine.esco.version})`);
      return {
        romeVersion: ref.version,
        version: engine.esco.version,
        uri,
        label: engine.esco.labels.get(uri)!,
        fiches: fiches.map((f) => ({
          code: f.code,
          libelle: ref.fiches.get(f.code)!.libelle,
          relation: f.relation,
          appellations: f.appellations.map((a) => ({ ...a, libelle: ref.appellations.get(a.code)!.libelle })),
        })),
      };
    },
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/appellations/search",
      summary: "Typo-tolerant autocomplete over the 13,120 appellations",
      tags: ["referential"],
      query: SearchQuery,
      responses: {
        200: z.object({
          romeVersion: z.string(),
          results: z.array(
            z.object({
              code: z.string(),
              libelle: z.string(),
              ficheCode: z.string(),
              ficheLibelle: z.string(),
              score: z.number(),
            }),
          ),
        }),
      },
    },
    ({ query: q }, { engine }) => {
      // eslint-disable-next-line no-control-regex -- refusing control characters is the point
      if (/[\u0000-\u001F]/.test(q.q)) throw new CodedError("invalid_request", "q contains control characters");
      return {
        romeVersion: engine.referential.version,
        results: searchAppellations(engine.appellationSearch, q.q, q.limit),
      };
    },
  ),
);
