/**
 * Label audit of a labelled-offer memory: offers whose recruiter's code the text itself argues against, grouped so
 * that systematic coding errors stand out (the dev offers' 46 waiters coded M1843 "Administrateur de serveurs").
 * Each offer is matched on its own ROME evidence (no labelled offers), so its label cannot vote for itself.
 */
import { titleKey, contentStems } from "../text/index.js";
import type { Engine } from "../match/index.js";
import { ExemplarMemory, type Exemplar } from "../match/index.js";

/**
 * An offer is suspect when, on its text's evidence alone, its code gets < `maxLabelConfidence` while a fiche of
 * another grand domaine gets ≥ `minEvidenceConfidence` (within a grand domaine, disagreements are mostly ROME 4.0
 * parents and children, as in `EVIDENCE_CONFLICT`). Dev offers: 106 of 3,760 (2.8 %), 46 of them the waiters.
 */
export const LABEL_AUDIT = { maxLabelConfidence: 0.02, minEvidenceConfidence: 0.5 } as const;

export interface LabelSuspect {
  id: string;
  title: string;
  code: string;
  labelConfidence: number;
  evidence: { code: string; confidence: number };
}

export interface LabelGroup {
  /** The offers' title as the memory's same-title vote keys it (content stems, sorted). */
  titleKey: string;
  /** One of the group's titles as written. */
  title: string;
  code: string;
  libelle: string;
  evidence: { code: string; libelle: string };
  offers: number;
  ids: string[];
}

export interface LabelAudit {
  offers: number;
  suspects: number;
  /** Suspects grouped by (title key, code, evidence fiche), largest first: systematic errors first. */
  groups: LabelGroup[];
  suspectIds: string[];
}

/** Whether one offer's label is suspect, from its code's confidence and the best fiche's on the text alone. */
export function isSuspect(
  code: string,
  labelConfidence: number,
  best: { code: string; confidence: number } | undefined,
): boolean {
  return (
    !!best &&
    best.code !== code &&
    best.code[0] !== code[0] &&
    labelConfidence < LABEL_AUDIT.maxLabelConfidence &&
    best.confidence >= LABEL_AUDIT.minEvidenceConfidence
  );
}

export async function auditLabels(
  engine: Engine,
  offers: readonly Exemplar[],
  onProgress?: (done: number) => void,
): Promise<LabelAudit> {
  const none = ExemplarMemory.build([], engine.lexicon.ficheRow).memory;
  const suspects: LabelSuspect[] = [];
  for (const [n, o] of offers.entries()) {
    const r = await engine.match(
      { title: o.title || undefined, text: o.text, kind: "offer", topK: 50, explain: false },
      { exemplars: none },
    );
    const labelConfidence = r.metiers.find((m) => m.code === o.romeCode)?.confidence ?? 0;
    const best = r.metiers[0];
    if (isSuspect(o.romeCode, labelConfidence, best))
      suspects.push({
        id: o.id,
        title: o.title,
        code: o.romeCode,
        labelConfidence,
        evidence: { code: best!.code, confidence: best!.confidence },
      });
    onProgress?.(n + 1);
  }
  const groups = new Map<string, LabelGroup>();
  const libelle = (code: string) => engine.referential.fiches.get(code)?.libelle ?? code;
  for (const s of suspects) {
    const key = titleKey(contentStems(s.title));
    const k = `${key}\u0000${s.code}\u0000${s.evidence.code}`;
    let g = groups.get(k);
    if (!g)
      groups.set(
        k,
        (g = {
          titleKey: key,
          title: s.title,
          code: s.code,
          libelle: libelle(s.code),
          evidence: { code: s.evidence.code, libelle: libelle(s.evidence.code) },
          offers: 0,
          ids: [],
        }),
      );
    g.offers++;
    g.ids.push(s.id);
  }
  return {
    offers: offers.length,
    suspects: suspects.length,
    groups: [...groups.values()].sort(
      (a, b) => b.offers - a.offers || (a.titleKey < b.titleKey ? -1 : a.titleKey > b.titleKey ? 1 : 0),
    ),
    suspectIds: suspects.map((s) => s.id),
  };
}
