import { z } from "zod";
import { CodedError } from "../../errors.js";
import { notFound } from "../errors.js";
import { CodeParams, queryInt } from "../input.js";
import { defineRoute, routes } from "../route.js";
import { ESCO_RELATIONS, ESCO_URI, escoOfFiche, fichesOfEsco, searchAppellations } from "../../rome/index.js";
import { chosenItems, NO_ITEM_CHOICES } from "../../match/index.js";
import { round } from "../../numbers.js";

/** A fiche as advisors read it, ESCO ↔ ROME, and appellation autocomplete: lookups that run no match. */
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

export const ficheRoutes = routes(
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
          weight: round(ref.mcIdf(m.code), 3),
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
          items: chosenItems(ref, f, choices).map((i) => ({ ...i, share: round(i.share, 3) })),
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
