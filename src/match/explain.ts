import type { Referential } from "../rome/index.js";
import { cmpCode } from "../skills/index.js";
import type { ExtractedSkill, MacroCompetenceEvidence, MetierMatch, MissingMacroCompetence } from "./types.js";
import { round } from "../numbers.js";

/** How many missing MCs an explanation lists (coeur de métier first, then by IDF weight). */
export const MAX_MISSING = 8;

/**
 * Why a fiche matches: the MCs it shares with the text (with the compétences and spans behind them),
 * its most important MCs the text does not show, and the text's skills this fiche does not use. `shown`: MCs the
 * answer's other skills show (the targeted pass's), never listed as missing though not shared.
 */
export function explainFiche(
  ref: Referential,
  ficheCode: string,
  skills: readonly ExtractedSkill[],
  shown: ReadonlySet<string> = new Set(),
): Pick<MetierMatch, "sharedMacroCompetences" | "missingMacroCompetences" | "unusedSkills"> {
  const ficheMcs = ref.ficheMacroCompetences(ficheCode);
  const { items: ficheItems, byImportance } = ficheIndex(ref, ficheCode);
  const shared = new Map<string, MacroCompetenceEvidence>();
  const unused: { code: string; libelle: string }[] = [];
  for (const s of skills) {
    const own = s.kind === "macro-competence" ? s.code : s.macroCompetence;
    const mc = own ? ficheMcs.get(own) : undefined;
    if (!mc) {
      if (!ficheItems.has(s.code)) unused.push({ code: s.code, libelle: s.libelle });
      continue;
    }
    let e = shared.get(mc.code);
    if (!e) {
      e = {
        code: mc.code,
        libelle: ref.macroCompetences.get(mc.code)!.libelle,
        weight: round(ref.mcIdf(mc.code), 3),
        coeurMetier: mc.coeur,
        competences: [],
        evidence: [],
      };
      shared.set(mc.code, e);
    }
    e.competences.push({ code: s.code, libelle: s.libelle, score: s.score });
    for (const span of s.evidence)
      if (e.evidence.length < 3 && !e.evidence.some((x) => x.start === span.start)) e.evidence.push(span);
  }
  const missing: MissingMacroCompetence[] = [];
  for (const mc of byImportance) {
    if (missing.length === MAX_MISSING) break;
    if (!shared.has(mc.code) && !shown.has(mc.code)) missing.push({ ...mc });
  }
  return {
    sharedMacroCompetences: [...shared.values()].sort(
      (a, b) => Number(b.coeurMetier) - Number(a.coeurMetier) || b.weight - a.weight,
    ),
    missingMacroCompetences: missing,
    unusedSkills: unused.slice(0, 10),
  };
}

/** What explanations need of a fiche, computed once per fiche: ten fiches are explained per match. */
interface FicheExplainIndex {
  /** Codes of the fiche's compétences and savoirs. */
  items: ReadonlySet<string>;
  /** The fiche's MCs, coeur de métier first, then by IDF weight, then by code: the order of missing MCs. */
  byImportance: readonly MissingMacroCompetence[];
}

const explainIndexes = new WeakMap<Referential, Map<string, FicheExplainIndex>>();

function ficheIndex(ref: Referential, code: string): FicheExplainIndex {
  let perFiche = explainIndexes.get(ref);
  if (!perFiche) explainIndexes.set(ref, (perFiche = new Map()));
  let x = perFiche.get(code);
  if (!x) {
    const fiche = ref.fiches.get(code)!;
    x = {
      items: new Set([...fiche.competences, ...fiche.savoirs].map((l) => l.code)),
      byImportance: [...ref.ficheMacroCompetences(code).values()]
        .map((mc) => ({
          code: mc.code,
          libelle: ref.macroCompetences.get(mc.code)!.libelle,
          weight: round(ref.mcIdf(mc.code), 3),
          coeurMetier: mc.coeur,
        }))
        .sort(
          (a, b) => Number(b.coeurMetier) - Number(a.coeurMetier) || b.weight - a.weight || cmpCode(a.code, b.code),
        ),
    };
    perFiche.set(code, x);
  }
  return x;
}
