import { z } from "zod";
import { loadConfig } from "../../config.js";
import { loadReferential } from "../../rome/index.js";
import type { Referential } from "../../rome/index.js";
import {
  competenceDetail,
  competenceTree,
  contextesByType,
  macroCompetenceDetail,
  TREE_DEPTHS,
} from "../../rome/index.js";
import { romeSearch, SEARCH_KINDS } from "../../rome/index.js";
import { FilterError, type FicheFilter, validateFilter } from "../../passerelles/index.js";
import { ProfileError, RANKERS } from "../../passerelles/index.js";
import { FilterQuery, passerellesIndexes } from "../../api/index.js";
import { LIMITS } from "../../api/index.js";
import type { Command } from "../command.js";
import { parseFlags, UsageError } from "../command.js";

/** These commands need only the referential (no model, no indexes on disk): ~3 s to start. */
const referential = async (): Promise<Referential> => loadReferential(loadConfig().romeDir);

/** Same filter flags as the API's query parameters: --contextesExcluded 300803 --transitions ecologique … */
const FILTER_USAGE =
  "[--contextesRequired C,..] [--contextesExcluded C,..] [--transitions ecologique,numerique,demographique] [--emploiCadre true|false] [--emploiReglemente true|false] [--grandDomaines M,N]";

function filterFromFlags(ref: Referential, flags: Map<string, string>): FicheFilter {
  const raw = Object.fromEntries(
    ["contextesRequired", "contextesExcluded", "transitions", "emploiCadre", "emploiReglemente", "grandDomaines"]
      .filter((k) => flags.has(k))
      .map((k) => [k, flags.get(k)]),
  );
  const parsed = FilterQuery.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
  return validateFilter(ref, parsed.data);
}

function topKFrom(flags: Map<string, string>): number {
  const k = z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.maxTopK)
    .safeParse(flags.get("topK") ?? flags.get("top-k") ?? "10");
  if (!k.success) throw new UsageError(`--topK must be an integer from 1 to ${LIMITS.maxTopK}`);
  return k.data;
}

/** Runs a command body, turning input errors into a message on stderr and exit code 2 (usage) or 1 (not found). */
async function guarded(name: string, body: () => Promise<unknown>): Promise<number> {
  try {
    console.log(JSON.stringify(await body(), null, 2));
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof FilterError) {
      console.error(
        `${name}: ${e.message}${e instanceof FilterError && e.details.length > 1 ? "\n  " + e.details.map((d) => d.message).join("\n  ") : ""}`,
      );
      return 2;
    }
    if (e instanceof ProfileError) {
      console.error(`${name}: ${e.message}`);
      return e.status === 404 ? 1 : 2;
    }
    throw e;
  }
}

export const proximityCommand: Command = {
  name: "proximity",
  summary: "passerelles from a fiche: closest fiches with shared skills and skills to acquire",
  usage: `proximity CODE [--topK N] [--ranker learned|fixed] ${FILTER_USAGE}`,
  run: (args) =>
    guarded("proximity", async () => {
      const { flags, positional } = parseFlags(args);
      const code = positional[0]?.toUpperCase();
      if (!code) throw new UsageError("a fiche code is required, e.g. proximity M1805");
      const ref = await referential();
      if (!ref.fiche(code))
        throw new ProfileError("not_found", `fiche métier ${code} does not exist in ROME ${ref.version}`);
      const filter = filterFromFlags(ref, flags);
      const ranker = z.enum(RANKERS).optional().safeParse(flags.get("ranker"));
      if (!ranker.success) throw new UsageError(`--ranker: one of ${RANKERS.join(", ")}`);
      const { proximity } = passerellesIndexes(ref);
      const used = ranker.data ?? proximity.defaultRanker;
      return {
        romeVersion: ref.version,
        source: { code, libelle: ref.fiche(code)!.libelle },
        ranker: used,
        passerelles: proximity.passerelles(code, topKFrom(flags), filter, used),
      };
    }),
};

export const profileCommand: Command = {
  name: "profile",
  summary: "métiers for a profile of compétence/savoir codes and/or skill labels (accessible now / with training)",
  usage: `profile [--codes 100023,..] [--labels "souder;lire un plan"] [--topK N] ${FILTER_USAGE}`,
  run: (args) =>
    guarded("profile", async () => {
      const { flags } = parseFlags(args);
      const codes = (flags.get("codes") ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      // Labels are separated by ";" because skill labels contain commas.
      const labels = (flags.get("labels") ?? "")
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean);
      const ref = await referential();
      const filter = filterFromFlags(ref, flags);
      return {
        romeVersion: ref.version,
        ...passerellesIndexes(ref).profile.match({ codes, labels }, { topK: topKFrom(flags), filter }),
      };
    }),
};

export const searchCommand: Command = {
  name: "search",
  summary: "keyword search over fiches, compétences, macro-compétences and savoirs",
  usage: `search QUERY [--type ${SEARCH_KINDS.join(",")}] [--limit N]`,
  run: (args) =>
    guarded("search", async () => {
      const { flags, positional } = parseFlags(args);
      const q = positional.join(" ").trim();
      if (!q) throw new UsageError('a query is required, e.g. search "soudure" --type competence');
      const kinds = z
        .array(z.enum(SEARCH_KINDS))
        .min(1)
        .safeParse((flags.get("type") ?? SEARCH_KINDS.join(",")).split(","));
      if (!kinds.success) throw new UsageError(`--type: each of ${SEARCH_KINDS.join(", ")}`);
      const limit = z.coerce
        .number()
        .int()
        .min(1)
        .max(50)
        .safeParse(flags.get("limit") ?? "20");
      if (!limit.success) throw new UsageError("--limit must be an integer from 1 to 50");
      const ref = await referential();
      return { romeVersion: ref.version, ...romeSearch(ref).search(q, kinds.data, limit.data) };
    }),
};

export const browseCommand: Command = {
  name: "browse",
  summary: "the compétences tree, one compétence / macro-compétence, or the contextes de travail",
  usage: `browse tree [--depth ${TREE_DEPTHS.join("|")}] [--root 1A] | browse competence CODE | browse macro-competence CODE | browse contextes`,
  run: (args) =>
    guarded("browse", async () => {
      const { flags, positional } = parseFlags(args);
      const [what, code] = positional;
      const ref = await referential();
      const notFound = (kind: string) =>
        new ProfileError("not_found", `${kind} ${code} does not exist in ROME ${ref.version}`);
      switch (what) {
        case "tree": {
          const depth = z.enum(TREE_DEPTHS).safeParse(flags.get("depth") ?? "objectif");
          if (!depth.success) throw new UsageError(`--depth: one of ${TREE_DEPTHS.join(", ")}`);
          const root = flags.get("root");
          if (root && !ref.levels.has(root)) throw notFound("tree node");
          return { romeVersion: ref.version, domaines: competenceTree(ref, depth.data, root) };
        }
        case "competence":
          return competenceDetail(ref, code ?? "") ?? Promise.reject(notFound("compétence"));
        case "macro-competence":
          return macroCompetenceDetail(ref, code ?? "") ?? Promise.reject(notFound("macro-compétence"));
        case "contextes":
          return contextesByType(ref);
        default:
          throw new UsageError(`usage: ${browseCommand.usage}`);
      }
    }),
};
