import { topK } from "../../text/index.js";
import type { FicheFeatures } from "../rank.js";

/**
 * Fixed weights of the text's own ROME evidence (title words, vector and appellation, appellations named in the
 * body, the title against whole fiches): which fiches the text itself names, before any labelled offer votes.
 */
const ROME_EVIDENCE = [
  ["titleLex", 0.3],
  ["titleVec", 0.1],
  ["titleAppellation", 0.1],
  ["bodyTitle", 0.05],
  ["titleFiche", 0.1],
] as const satisfies readonly (readonly [keyof FicheFeatures, number])[];

/** The votes count in `votesAgreed` for the fiches the text's own evidence ranks this high. */
export const AGREED_TOP = 5;

/** The nearest-offer votes whose agreement is read (the pooled-code votes follow the same offers). */
const VOTES = ["exemplarTitle", "exemplarBody", "exemplarSameTitle"] as const;

/**
 * The labelled offers' strongest vote for a fiche, kept only where the text's own ROME evidence ranks that fiche
 * among its best AGREED_TOP: on a source whose conventions the memory never saw, votes that the text does not
 * support mislead, and the fit can trust these more than the raw votes.
 */
export function votesAgreed(f: FicheFeatures): void {
  const n = f.titleLex.length;
  const rome = new Float64Array(n);
  for (const [k, w] of ROME_EVIDENCE) {
    const x = f[k];
    for (let i = 0; i < n; i++) rome[i]! += w * x[i]!;
  }
  const withEvidence = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (rome[i]! > 0) withEvidence[m++] = i;
  for (const i of topK(withEvidence, rome, AGREED_TOP, m)) {
    let v = 0;
    for (const k of VOTES) v = Math.max(v, f[k][i]!);
    f.votesAgreed[i] = v;
  }
}
