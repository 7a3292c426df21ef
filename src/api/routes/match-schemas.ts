/** Wire schemas of the match routes: what a caller sends and gets back (validated, and listed in OpenAPI). */
import { z } from "zod";
import { LIMITS } from "../limits.js";
import { readableTextField } from "../../text/index.js";
import { DATE_RANGE, inDateRange } from "../../lake/index.js";
import { CONFIDENCE, EVIDENCE_CONFLICT, REQUIRED_MODEL, REQUIRED_MODEL_UNCODED } from "../../match/index.js";

const textField = readableTextField;

/** A day that exists (zod's ISO date checks the calendar), a time that parses, within the lake's date range. */
const realDate = (s: string) =>
  z.iso.date().safeParse(s.slice(0, 10)).success &&
  !Number.isNaN(Date.parse(s.replace(" ", "T"))) &&
  inDateRange(s.slice(0, 10));

export const MatchRequest = z
  .object({
    text: textField(LIMITS.maxTextChars),
    title: z.string().max(LIMITS.maxTitleChars, `at most ${LIMITS.maxTitleChars} characters`).optional(),
    kind: z.enum(["offer", "cv"]).default("offer"),
    topK: z.number().int().min(1).max(LIMITS.maxTopK).default(10),
    codedAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, "an ISO date, YYYY-MM-DD[THH:MM:SSZ]")
      // The pattern alone let 2024-02-30, 2024-13-01, T25:00 and year 0001 through (read as some other day).
      .refine(realDate, `a calendar date from ${DATE_RANGE.from} to ${DATE_RANGE.to}`)
      .optional()
      .describe(
        "when the text was coded or posted: before the earlier referential's end (ROME_EARLIER_UNTIL, June 2025 for v458; ROME_HISTORICAL_UNTIL, 2024, for the 532 historical codes, v3) the métiers are the codes in force then, fiches created since merged into the code they came from (codedWith, mergedFrom)",
      ),
    romeVersion: z
      .string()
      .regex(/^v\d+$/, "a ROME version such as v458")
      .optional()
      .describe(
        "the ROME version whose codes to list: the server's (romeVersion of the answer), its earlier one, or v3 (the 532 historical codes)",
      ),
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
export const Skill = z.object({
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
export const BatchRequest = z
  .object({
    items: z
      .array(MatchRequest)
      .min(1, "items must not be empty")
      .max(LIMITS.maxBatch, `at most ${LIMITS.maxBatch} items per batch`),
  })
  .strict();
export const ExtractRequest = z.object({ text: textField(LIMITS.maxTextChars) }).strict();
