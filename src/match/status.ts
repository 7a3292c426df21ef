/** Whether a match is confident, and why not (DESIGN "Confidence and abstention"). */

/**
 * Confidence rules, tuned on the dev offers (5-fold CV): the first candidate's confidence is calibrated (0.65 → 66 %
 * right, 0.83 → 88 %, 0.97 → 96 %), and at these thresholds 67 % of offers are "confident", 86 % of those right
 * (0.5: 75 %, 82 % right; 0.7: 57 %, 89 % right).
 */
export const CONFIDENCE = {
  /** "confident" needs the first candidate's confidence at least this… */
  minTop: 0.6,
  /** …and this margin over the second. */
  minMargin: 0.2,
} as const;

/**
 * Labelled offers can put first a fiche the text itself argues against: FT's automatic coding filed 50 dev offers
 * titled "Serveur H/F" (restaurant waiters) under M1843 "Administrateur de serveurs", so the memory votes M1843 for
 * any waiter. Calibrated against the labels that is right (~80 % of "Serveur" titles carry M1843), so confidences
 * cannot show it; this rule does. It fires when another listed fiche of another grand domaine has at least `ratio`
 * times the first's ROME evidence (title + body parts of the breakdown) and at least `minEvidence`. Within one grand
 * domaine such conflicts are mostly ROME 4.0 parents and children (labels coded before a split), not errors, so
 * they do not count. On the dev offers (CV) it fires for 79 (2.1 %), 46 of them the waiters; the first is the
 * label for 68 % of them, against 86 % for the other confident ones.
 */
export const EVIDENCE_CONFLICT = { ratio: 2, minEvidence: 0.8 } as const;

export type MatchStatus = "confident" | "uncertain" | "empty";
/** Why a match is not confident: the first's confidence, its margin, or labelled offers against the text (`EVIDENCE_CONFLICT`). */
export type StatusReason = "low_confidence" | "small_margin" | "labelled_offers_against_text";

export interface RankedCandidate {
  code: string;
  confidence: number;
  /** The text's own ROME evidence for the fiche: title part + body part of its score (0..2). */
  evidence: number;
}

/**
 * The status of a ranked list (best first), its reason when not confident, and the fiche the text's evidence
 * favours when labelled offers put another first against it.
 */
export function matchStatus(ranked: readonly RankedCandidate[]): {
  status: MatchStatus;
  statusReason: StatusReason | null;
  margin: number;
  evidenceLeader: string | null;
} {
  const first = ranked[0];
  if (!first) return { status: "empty", statusReason: null, margin: 0, evidenceLeader: null };
  const margin = ranked.length > 1 ? first.confidence - ranked[1]!.confidence : 1;
  const leader = evidenceAgainstFirst(ranked);
  const statusReason: StatusReason | null =
    first.confidence < CONFIDENCE.minTop
      ? "low_confidence"
      : margin < CONFIDENCE.minMargin
        ? "small_margin"
        : leader
          ? "labelled_offers_against_text"
          : null;
  return { status: statusReason ? "uncertain" : "confident", statusReason, margin, evidenceLeader: leader };
}

/** The listed fiche of another grand domaine whose ROME evidence outweighs the first's by `EVIDENCE_CONFLICT`, if any. */
export function evidenceAgainstFirst(ranked: readonly RankedCandidate[]): string | null {
  const first = ranked[0];
  if (!first) return null;
  let best: RankedCandidate | null = null;
  for (const c of ranked.slice(1)) if (!best || c.evidence > best.evidence) best = c;
  if (!best || best.code[0] === first.code[0]) return null;
  return best.evidence >= EVIDENCE_CONFLICT.minEvidence && best.evidence >= EVIDENCE_CONFLICT.ratio * first.evidence
    ? best.code
    : null;
}
