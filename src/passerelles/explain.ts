import type { Fiche, Referential } from "../rome/index.js";
import { mcWeight, type ProximityScore, type Viability } from "./blend.js";
import { TEXT_VECTOR_FEATURES, type MobiliteGraph, type PairFeature } from "./features.js";
import { round } from "../numbers.js";

/**
 * What a passerelle says about itself: the reasons it ranks where it does (feature groups of the ranker, worded),
 * what the source shares with the target and what it must acquire (coeur de métier first).
 */
export interface SharedMacroCompetence {
  code: string;
  libelle: string;
  weight: number;
  coeurMetierInTarget: boolean;
  /** Compétences under this MC that both sides list. */
  sharedCompetences: { code: string; libelle: string }[];
  /** Compétences of the target under this MC that the source does not list (detail below a covered MC). */
  targetOnlyCompetences: { code: string; libelle: string; coeurMetier: boolean }[];
}

export interface MacroCompetenceToAcquire {
  code: string;
  libelle: string;
  weight: number;
  coeurMetier: boolean;
  competences: { code: string; libelle: string; coeurMetier: boolean }[];
}

/** How a passerelle is ranked: the model fitted on ROME's mobilités, or the fixed blend of skill overlap. */
export type Ranker = "learned" | "fixed";
export const RANKERS: readonly Ranker[] = ["learned", "fixed"];

/**
 * One reason a passerelle ranks where it does: a feature group's share of the score (log-odds units of the ranker),
 * and whether it is shared skills, a career pattern of ROME's mobilités (same domaine, level, entry route, where
 * similar fiches lead) or the work context.
 */
export interface PasserelleReason {
  kind: "shared_skills" | "career_pattern" | "work_context";
  reason: string;
  contribution: number;
  text: string;
}

export interface Passerelle {
  code: string;
  libelle: string;
  rank: number;
  score: ProximityScore;
  /** Positive reasons, largest share of the score first. */
  reasons: PasserelleReason[];
  viability: Viability;
  /** Whether ROME's own mobilités list this target from the source, and at which rank. */
  officialMobilite: { listed: boolean; rang: number | null };
  shared: SharedMacroCompetence[];
  toAcquire: {
    /** Target MCs the source does not mobilise: coeur de métier first, then by IDF weight. */
    macroCompetences: MacroCompetenceToAcquire[];
    /** Every target compétence the source does not list: coeur first, then those under uncovered MCs, then MC weight. */
    competences: {
      code: string;
      libelle: string;
      coeurMetier: boolean;
      macroCompetence: string;
      macroCompetenceCovered: boolean;
    }[];
  };
}
/** What the reasons of a pair read from the index: fiches by position, entry levels, split families, the graph. */
export interface ReasonContext {
  codes: readonly string[];
  fiches: readonly Fiche[];
  level: readonly (number | null)[];
  family: readonly Int32Array[];
  graph: MobiliteGraph;
}

/** Reasons of one pair from its features' contributions, grouped and worded (those adding ≥ 0.05 to the score). */
export function explainReasons(
  ctx: ReasonContext,
  s: number,
  t: number,
  x: ReadonlyMap<PairFeature, number>,
  contrib: ReadonlyMap<PairFeature, number>,
  sim: (u: number) => number,
): PasserelleReason[] {
  const S = ctx.fiches[s]!;
  const T = ctx.fiches[t]!;
  const g = ctx.graph;
  const pct = (k: PairFeature) => `${Math.round((x.get(k) ?? 0) * 100)} %`;
  const out: PasserelleReason[] = [];
  for (const group of REASON_GROUPS) {
    const c = group.features.reduce((a, k) => a + (contrib.get(k) ?? 0), 0);
    if (c < 0.05 || group.features.every((k) => !x.get(k))) continue;
    let text = "";
    switch (group.reason) {
      case "macro_competences":
        text = `covers ${pct("mcCoverage")} of the target's macro-compétences and ${pct("coreCoverage")} of its coeur de métier (IDF-weighted)`;
        break;
      case "reverse_coverage":
        text = `the target uses ${pct("reverseMcCoverage")} of the source's macro-compétences (${pct("reverseCoreCoverage")} of its coeur de métier)`;
        break;
      case "competences_savoirs":
        text = `shares compétences (${pct("competenceCoverage")} of the target's) and savoirs (${pct("savoirCoverage")})`;
        break;
      case "text":
        text = `close appellations and definitions (similarity ${(x.get("titleSim") ?? 0).toFixed(2)} and ${(x.get("definitionSim") ?? 0).toFixed(2)})`;
        break;
      case "same_domaine":
        text = x.get("sameDomainePro")
          ? `same domaine professionnel: ${T.domaineProfessionnel.libelle || T.domaineProfessionnel.code}`
          : `same grand domaine: ${T.grandDomaine.libelle || T.grandDomaine.code}`;
        break;
      case "domaine_flow":
        text = `fiches of ${S.domaineProfessionnel.libelle || S.domaineProfessionnel.code} often lead to ${T.domaineProfessionnel.libelle || T.domaineProfessionnel.code}`;
        break;
      case "secteurs_interets":
        text = "listed under the same secteurs d'activité or centres d'intérêt";
        break;
      case "riasec":
        text = `same interests profile (RIASEC ${S.riasec?.majeur ?? "?"}${S.riasec?.mineur ?? ""} → ${T.riasec?.majeur ?? "?"}${T.riasec?.mineur ?? ""})`;
        break;
      case "status":
        text = x.get("cadreUp")
          ? "a step up to an emploi cadre"
          : x.get("targetCadre")
            ? "an emploi cadre, like the source"
            : "an emploi réglementé";
        break;
      case "entry_route": {
        const ls = ctx.level[s]!;
        const lt = ctx.level[t]!;
        const parts: string[] = [];
        if (x.get("targetOpenEntry")) parts.push("open without a diploma or through VAE");
        if (ls !== null && lt !== null && ls !== lt)
          parts.push(`entered at ${levelName(lt)} (the source at ${levelName(ls)})`);
        else if (ls !== null && ls === lt) parts.push(`entered at the same level (${levelName(lt)})`);
        text = `entry route: ${parts.join("; ") || "comparable"}`;
        break;
      }
      case "split":
        text = x.get("splitSibling")
          ? `both come from fiche ${S.parent}, split in 2025`
          : `${S.parent === T.code ? S.code : T.code} was split from ${S.parent === T.code ? T.code : S.code} in 2025`;
        break;
      case "family_goes": {
        const k = [...ctx.family[s]!].filter((u) => g.has(u, t)).length;
        text = k
          ? `${k} fiche${k > 1 ? "s" : ""} of the source's split family (${S.parent}) lead${k > 1 ? "" : "s"} here`
          : `the source's split family (${S.parent}) leads to fiches of this one's family`;
        break;
      }
      case "own_targets":
        text = x.get("ownTargetsGo")
          ? "fiches the source already leads to lead here"
          : "it leads to the fiches the source already leads to";
        break;
      case "leads_near_source":
        text = "its own mobilités lead to fiches close to the source";
        break;
      case "frequent_target":
        text = `souvent vers: ${g.inDegree[t]! - Number(g.has(s, t))} other fiches list it among their mobilités`;
        break;
      case "reverse_mobilite":
        text = `ROME lists the move the other way (${T.code} → ${S.code})`;
        break;
      case "co_cited": {
        const k = [...g.in[s]!].filter((u) => g.has(u, t)).length;
        text = k
          ? `${k} fiche${k > 1 ? "s" : ""} leading to the source also lead${k > 1 ? "" : "s"} here`
          : "fiches reached from the same places as the source lead here";
        break;
      }
      case "similar_sources": {
        let like: number | undefined;
        for (const u of g.in[t]!) if (u !== s && (like === undefined || sim(u) > sim(like))) like = u;
        text =
          like === undefined
            ? "fiches close to the source lead here"
            : `fiches close to the source lead here, e.g. ${ctx.fiches[like]!.libelle} (${ctx.codes[like]})`;
        break;
      }
      case "contextes":
        text = `similar work context (${pct("contextesShared")} of contextes de travail in common)`;
        break;
    }
    out.push({ kind: group.kind, reason: group.reason, contribution: round(c, 3), text });
  }
  return out.sort((a, b) => b.contribution - a.contribution);
}

/** Feature groups worded as one reason each. */
const REASON_GROUPS: { reason: string; kind: PasserelleReason["kind"]; features: PairFeature[] }[] = [
  { reason: "macro_competences", kind: "shared_skills", features: ["mcCoverage", "coreCoverage"] },
  { reason: "reverse_coverage", kind: "shared_skills", features: ["reverseMcCoverage", "reverseCoreCoverage"] },
  { reason: "competences_savoirs", kind: "shared_skills", features: ["competenceCoverage", "savoirCoverage"] },
  {
    reason: "text",
    kind: "shared_skills",
    features: ["titleSim", "definitionSim", "appellationMaxSim", ...TEXT_VECTOR_FEATURES],
  },
  { reason: "same_domaine", kind: "career_pattern", features: ["sameGrandDomaine", "sameDomainePro"] },
  { reason: "domaine_flow", kind: "career_pattern", features: ["domaineFlow"] },
  { reason: "secteurs_interets", kind: "career_pattern", features: ["secteursShared", "centresInteretShared"] },
  { reason: "riasec", kind: "career_pattern", features: ["riasecMajeur", "riasecShared"] },
  {
    reason: "status",
    kind: "career_pattern",
    features: ["targetCadre", "cadreUp", "targetReglemente", "reglementeUp"],
  },
  { reason: "entry_route", kind: "career_pattern", features: ["levelUp", "levelDown", "targetOpenEntry"] },
  { reason: "split", kind: "career_pattern", features: ["splitSibling", "parentOrChild"] },
  { reason: "family_goes", kind: "career_pattern", features: ["familyGo", "familyGoFamily"] },
  { reason: "frequent_target", kind: "career_pattern", features: ["targetInDegree"] },
  { reason: "reverse_mobilite", kind: "career_pattern", features: ["reverseMobilite"] },
  { reason: "co_cited", kind: "career_pattern", features: ["coCited", "coCitedAdamicAdar", "inNeighboursGo"] },
  { reason: "own_targets", kind: "career_pattern", features: ["ownTargetsGo", "ownTargetsShared"] },
  { reason: "leads_near_source", kind: "career_pattern", features: ["reverseNeighboursGo"] },
  {
    reason: "similar_sources",
    kind: "career_pattern",
    features: [
      "similarSourcesGo",
      "similarSourcesGoMax",
      "neighboursGo",
      "neighboursGoNear",
      "neighboursWalk",
      "neighboursGoLearned",
    ],
  },
  { reason: "contextes", kind: "work_context", features: ["contextesShared"] },
];

const LEVEL_NAMES: Record<number, string> = {
  0: "no diploma",
  3: "CAP/BEP",
  4: "Bac",
  5: "Bac+2",
  6: "Bac+3",
  7: "Bac+5",
  8: "doctorat",
};
const levelName = (l: number): string => LEVEL_NAMES[l] ?? `level ${l}`;

/** What someone (a source fiche, a profile) already has, at MC level and at compétence level. */
export interface HeldSkills {
  macroCompetences: ReadonlySet<string>;
  competences: ReadonlySet<string>;
}

export function heldBy(ref: Referential, fiche: string): HeldSkills {
  return {
    macroCompetences: new Set(ref.ficheMacroCompetences(fiche).keys()),
    competences: new Set(ref.fiches.get(fiche)!.competences.map((c) => c.code)),
  };
}

/** A target fiche's macro-compétences as explainGap reads them: labelled and weighted once per referential. */
interface TargetMacroCompetence {
  code: string;
  libelle: string;
  weight: number;
  coeur: boolean;
  competences: { code: string; libelle: string; coeurMetier: boolean }[];
}
const targetCache = new WeakMap<Referential, Map<string, TargetMacroCompetence[]>>();
function targetMacroCompetences(ref: Referential, target: string, coeurBoost: number): TargetMacroCompetence[] {
  let byTarget = targetCache.get(ref);
  if (!byTarget) targetCache.set(ref, (byTarget = new Map()));
  const key = `${coeurBoost}:${target}`;
  let mcs = byTarget.get(key);
  if (!mcs) {
    const tFiche = ref.fiches.get(target)!;
    const tCoeur = new Set(tFiche.competences.filter((c) => c.coeurMetier === "principale").map((c) => c.code));
    const lab = (c: string) => ref.itemLabel(c) ?? c;
    mcs = [...ref.ficheMacroCompetences(target).values()].map((m) => ({
      code: m.code,
      libelle: lab(m.code),
      weight: round(mcWeight(ref.mcIdf(m.code), m.coeur, coeurBoost), 3),
      coeur: m.coeur,
      competences: m.competences.map((c) => ({ code: c, libelle: lab(c), coeurMetier: tCoeur.has(c) })),
    }));
    byTarget.set(key, mcs);
  }
  return mcs;
}

/**
 * What the holder shares with the target and what it must acquire. Everything listed comes from the
 * target fiche's own MCs and compétences; the holder only decides what is "shared" versus "to acquire".
 */
export function explainGap(
  ref: Referential,
  held: HeldSkills,
  target: string,
  coeurBoost: number,
): Pick<Passerelle, "shared" | "toAcquire"> {
  const sMcs = held.macroCompetences;
  const sComps = held.competences;
  const shared: SharedMacroCompetence[] = [];
  const missing: MacroCompetenceToAcquire[] = [];
  const compsToAcquire: Passerelle["toAcquire"]["competences"] = [];
  const order: { coeur: boolean; weight: number; code: string; comps: Passerelle["toAcquire"]["competences"] }[] = [];
  for (const m of targetMacroCompetences(ref, target, coeurBoost)) {
    const { weight } = m;
    const covered = sMcs.has(m.code);
    const comps = m.competences
      .filter((c) => !sComps.has(c.code))
      .map((c) => ({
        code: c.code,
        libelle: c.libelle,
        coeurMetier: c.coeurMetier,
        macroCompetence: m.code,
        macroCompetenceCovered: covered,
      }));
    order.push({ coeur: m.coeur, weight, code: m.code, comps });
    if (covered) {
      shared.push({
        code: m.code,
        libelle: m.libelle,
        weight,
        coeurMetierInTarget: m.coeur,
        sharedCompetences: m.competences
          .filter((c) => sComps.has(c.code))
          .map((c) => ({ code: c.code, libelle: c.libelle })),
        targetOnlyCompetences: comps.map(({ code, libelle, coeurMetier }) => ({ code, libelle, coeurMetier })),
      });
    } else {
      missing.push({
        code: m.code,
        libelle: m.libelle,
        weight,
        coeurMetier: m.coeur,
        competences: comps.map(({ code, libelle, coeurMetier }) => ({ code, libelle, coeurMetier })),
      });
    }
  }
  const byImportance = (a: { coeur?: boolean; coeurMetier?: boolean; weight: number; code: string }, b: typeof a) =>
    Number(b.coeur ?? b.coeurMetier) - Number(a.coeur ?? a.coeurMetier) ||
    b.weight - a.weight ||
    a.code.localeCompare(b.code);
  shared.sort(
    (a, b) =>
      Number(b.coeurMetierInTarget) - Number(a.coeurMetierInTarget) ||
      b.weight - a.weight ||
      a.code.localeCompare(b.code),
  );
  missing.sort(byImportance);
  // Compétences: coeur-de-métier compétences first, then those under uncovered MCs (a whole MC to learn), then by MC weight.
  order.sort(byImportance);
  for (const o of order) compsToAcquire.push(...o.comps);
  compsToAcquire.sort(
    (a, b) =>
      Number(b.coeurMetier) - Number(a.coeurMetier) ||
      Number(a.macroCompetenceCovered) - Number(b.macroCompetenceCovered),
  );
  return { shared, toAcquire: { macroCompetences: missing, competences: compsToAcquire } };
}
