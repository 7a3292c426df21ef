import type { Referential } from "../rome/index.js";
import type { EmergingPhrase, TrendReport } from "./types.js";

/** A ROME evolution proposal for one emerging phrase, in the shape a referential editor can review. */
export interface RomeEvolutionProposal {
  type: "rome-evolution-proposal";
  romeVersion: string;
  generatedAt: string;
  proposal: {
    action: "add-competence";
    competence: { libelle: string; key: string; variants: string[] };
    underMacroCompetence: {
      code: string;
      libelle: string;
      codeArbo: string;
      attachedBy: EmergingPhrase["attachment"]["attachedBy"];
    } | null;
    toFiches: { code: string; libelle: string; documents: number }[];
    nearestExistingCompetences: { code: string; libelle: string; similarity: number }[];
  };
  evidence: {
    window: TrendReport["window"];
    documents: TrendReport["documents"];
    figures: EmergingPhrase["figures"];
    series: EmergingPhrase["series"];
    cooccurring: EmergingPhrase["cooccurring"];
    /** Offer excerpts only. */
    snippets: EmergingPhrase["evidence"];
  };
  settings: TrendReport["settings"];
}

/** Builds the JSON proposal for the phrase `key` (stemmed key or label) of a report; null when it is not in the report. */
export function buildProposal(
  report: TrendReport,
  keyOrLabel: string,
  ref: Referential,
  now: Date = new Date(),
): RomeEvolutionProposal | null {
  const p = report.emerging.find((e) => e.key === keyOrLabel || e.label === keyOrLabel);
  if (!p) return null;
  const mc = p.attachment.macroCompetence;
  return {
    type: "rome-evolution-proposal",
    romeVersion: ref.version,
    generatedAt: now.toISOString(),
    proposal: {
      action: "add-competence",
      competence: { libelle: p.label, key: p.key, variants: p.variants },
      underMacroCompetence: mc
        ? { code: mc.code, libelle: mc.libelle, codeArbo: mc.codeArbo, attachedBy: p.attachment.attachedBy }
        : null,
      // Fiches whose offers use it; when the MC is known, those that already mobilise the MC come first.
      toFiches: [...p.metiers].sort(
        (a, b) =>
          Number(hasMc(ref, b.code, mc?.code)) - Number(hasMc(ref, a.code, mc?.code)) || b.documents - a.documents,
      ),
      nearestExistingCompetences: p.attachment.competences.map(({ code, libelle, similarity }) => ({
        code,
        libelle,
        similarity,
      })),
    },
    evidence: {
      window: report.window,
      documents: report.documents,
      figures: p.figures,
      series: p.series,
      cooccurring: p.cooccurring,
      snippets: p.evidence,
    },
    settings: report.settings,
  };
}

function hasMc(ref: Referential, fiche: string, mc: string | undefined): boolean {
  return mc !== undefined && ref.ficheMacroCompetences(fiche).has(mc);
}
