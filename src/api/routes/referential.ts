import { z } from "zod";
import { CodedError } from "../../errors.js";
import type { Referential } from "../../rome/index.js";
import {
  competenceDetail,
  competenceTree,
  contextesByType,
  macroCompetenceDetail,
  TREE_DEPTHS,
  type TreeNode,
} from "../../rome/index.js";
import { romeSearch, SEARCH_KINDS, type SearchKind } from "../../rome/index.js";
import { notFound } from "../errors.js";
import { queryInt } from "../input.js";
import { defineRoute, routes } from "../route.js";
import type { ReferentialContext } from "./passerelles.js";
import { round } from "../../numbers.js";

/** Documented limits of keyword search. */
export const SEARCH_LIMITS = { maxQueryChars: 200, maxLimit: 50 } as const;

const Item = z.object({ code: z.string(), libelle: z.string() });
const Counts = z.object({ macroCompetences: z.number().int(), competences: z.number().int() });
const TreeMc = z.object({
  code: z.string(),
  codeArbo: z.string(),
  libelle: z.string(),
  categorie: z.string(),
  fiches: z.number().int(),
  counts: z.object({ competences: z.number().int() }),
  competences: z.array(Item).optional(),
});
const TreeNodeSchema: z.ZodType<TreeNode> = z.lazy(() =>
  z.object({
    code: z.string(),
    libelle: z.string(),
    counts: Counts,
    children: z.array(TreeNodeSchema).optional(),
    macroCompetences: z.array(TreeMc).optional(),
  }),
);
const TreeQuery = z.object({
  depth: z
    .enum(TREE_DEPTHS)
    .default("macro-competence")
    .describe("deepest level returned; 'competence' lists every compétence (large)"),
  root: z
    .string()
    .regex(/^[1-6]([A-Z](\d)?)?$/, "a domaine (1), enjeu (1A) or objectif (1A1) code")
    .optional()
    .describe("restrict to one branch"),
});
const TreeResponse = z.object({
  romeVersion: z.string(),
  depth: z.enum(TREE_DEPTHS),
  totals: Counts,
  domaines: z.array(TreeNodeSchema),
});

const OgrParams = z.object({ code: z.string().regex(/^\d{1,9}$/, "a code_ogr is numeric, e.g. 100023") });
const Path = z.object({ domaine: Item, enjeu: Item, objectif: Item });
const CompetenceResponse = z.object({
  romeVersion: z.string(),
  code: z.string(),
  libelle: z.string(),
  definition: z.string(),
  categorie: z.string(),
  sousCategorie: z.string(),
  macroCompetence: Item,
  path: Path,
  fiches: z.array(Item.extend({ coeurMetier: z.boolean() })),
});
const McResponse = z.object({
  romeVersion: z.string(),
  code: z.string(),
  codeArbo: z.string(),
  libelle: z.string(),
  categorie: z.string(),
  idf: z.number(),
  path: Path,
  competences: z.array(Item),
  fiches: z.array(Item.extend({ coeurMetier: z.boolean(), competences: z.number().int() })),
});
const ContextesResponse = z.object({
  romeVersion: z.string(),
  types: z.array(
    z.object({
      typeCode: z.string(),
      typeLibelle: z.string(),
      contextes: z.array(Item.extend({ fiches: z.number().int() })),
    }),
  ),
});
const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1, "q must not be empty")
    .max(SEARCH_LIMITS.maxQueryChars, `at most ${SEARCH_LIMITS.maxQueryChars} characters`),
  type: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(SEARCH_KINDS)).min(1))
    .optional()
    .describe(`comma-separated kinds among ${SEARCH_KINDS.join(", ")} (default: all)`),
  limit: queryInt(1, SEARCH_LIMITS.maxLimit).default(20),
});
const SearchResponse = z.object({
  romeVersion: z.string(),
  query: z.string(),
  corrections: z.array(z.object({ from: z.string(), to: z.string() })),
  hits: z.array(
    z.object({
      kind: z.enum(SEARCH_KINDS),
      code: z.string(),
      libelle: z.string(),
      score: z.number(),
      matched: z.string().optional(),
    }),
  ),
});

function treeTotals(nodes: TreeNode[]) {
  return nodes.reduce(
    (t, n) => ({
      macroCompetences: t.macroCompetences + n.counts.macroCompetences,
      competences: t.competences + n.counts.competences,
    }),
    { macroCompetences: 0, competences: 0 },
  );
}

/** Browse the compétences tree, compétences, macro-compétences, contextes; keyword search over fiches and items. */
export const referentialRoutes = routes(
  defineRoute(
    {
      method: "get",
      path: "/v1/competences/tree",
      summary: "The compétences tree: domaine → enjeu → objectif → macro-compétence → compétences, with counts",
      tags: ["referential"],
      query: TreeQuery,
      responses: { 200: TreeResponse },
      errors: ["not_found"],
    },
    ({ query: q }, { engine: { referential: ref } }: ReferentialContext) => {
      if (q.root && !ref.levels.has(q.root)) throw notFound("tree node", q.root);
      const domaines = competenceTree(ref, q.depth, q.root);
      return { romeVersion: ref.version, depth: q.depth, totals: treeTotals(domaines), domaines };
    },
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/competences/:code",
      summary: "One compétence: its macro-compétence, its place in the tree, the fiches that list it",
      tags: ["referential"],
      params: OgrParams,
      responses: { 200: CompetenceResponse },
      errors: ["not_found"],
    },
    ({ params: { code } }, { engine: { referential: ref } }: ReferentialContext) => {
      const d = competenceDetail(ref, code);
      if (!d) throw unknownItem(ref, code, "compétence");
      return { romeVersion: ref.version, ...d };
    },
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/macro-competences/:code",
      summary: "One macro-compétence: its compétences and the fiches that mobilise it (coeur de métier first)",
      tags: ["referential"],
      params: OgrParams,
      responses: { 200: McResponse },
      errors: ["not_found"],
    },
    ({ params: { code } }, { engine: { referential: ref } }: ReferentialContext) => {
      const d = macroCompetenceDetail(ref, code);
      if (!d) throw unknownItem(ref, code, "macro-compétence");
      return { romeVersion: ref.version, ...d };
    },
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/contextes",
      summary: "Contextes de travail by type, with how many fiches carry each (codes for the contextes filters)",
      tags: ["referential"],
      responses: { 200: ContextesResponse },
    },
    (_input, { engine: { referential: ref } }: ReferentialContext) => ({
      romeVersion: ref.version,
      types: contextesByType(ref),
    }),
  ),

  defineRoute(
    {
      method: "get",
      path: "/v1/search",
      summary:
        "Keyword search (French stemming, typo-tolerant) over fiches (libellé + appellations), compétences, macro-compétences and savoirs",
      tags: ["referential"],
      query: SearchQuery,
      responses: { 200: SearchResponse },
    },
    ({ query: q }, { engine: { referential: ref } }: ReferentialContext) => {
      const kinds: readonly SearchKind[] = q.type ?? SEARCH_KINDS;
      const out = romeSearch(ref).search(q.q, kinds, q.limit);
      return {
        romeVersion: ref.version,
        query: out.query,
        corrections: out.corrections,
        hits: out.hits.map((h) => ({ ...h, score: round(h.score, 3) })),
      };
    },
  ),
);

/** A 404 that says what the code is when it exists under another kind (e.g. a savoir asked as a compétence). */
function unknownItem(ref: Referential, code: string, expected: string): CodedError {
  const kind = ref.itemKind(code);
  if (kind) return new CodedError("not_found", `${code} is a ${kind} (${ref.itemLabel(code)}), not a ${expected}`);
  return notFound(expected, code);
}
