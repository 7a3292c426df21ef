import type { Referential } from "../rome/index.js";
import { AllTermsIndex, candidatePhrases, contentStems, type TextUnit } from "../text/index.js";

export interface UncoveredPhrase {
  /** Stemmed content words in order: the grouping key for trends ("gestion des donnees" → "gestion don"). */
  key: string;
  /** Normalised surface form, as first seen in this document. */
  text: string;
}

/**
 * Word-level noise that recurs in offers but is never a skill (contract, pay, boilerplate). Kept
 * short on purpose: the trend analysis also drops phrases too far from any ROME item by vector,
 * so this list only has to remove what would otherwise flood every period equally.
 */
const NOISE_STEMS = new Set(
  contentStems(
    `cdi cdd interim alternance stage contrat temps plein partiel heure heures semaine mois an ans annee annees jour jours
     salaire remuneration euros brut net prime primes ticket tickets restaurant mutuelle avantage avantages poste postes
     h f hf candidat candidate candidature profil recherchons recrute recrutons rejoindre rejoignez entreprise societe
     groupe client clients equipe equipes mission missions experience experiences souhaitee exigee minimum debutant
     accepte formation niveau bac diplome lundi mardi mercredi jeudi vendredi samedi dimanche matin soir
     france travail pole emploi www http https com fr mail email cv lettre motivation offre offres
     rtt cse conge conges paye payes cp teletravail cheque cheques vacances cadeau epargne salariale interessement
     participation anciennete 13eme 35h 39h horaire horaires taux statut cadre nbsp pourvoir postuler postulez interesse
     interessee passion passionne passionnee description profil similaire principal principale principales premiere
     significative reussie moins suivantes suivants incluront futur environnement challenge croissance impatient ambitieux
     aventure date debut fin annuelle annuel possible possibilite base mot mots quelques job vrai vraie bel belle beau
     superbe rejoindre integrer integrez dot dote situe situee proche offrons accord donc deja jusqu aucun
     euro k€ smic fixe variable selon lieu site agence siege ville region`,
  ),
);

/**
 * Builds the lexical vocabulary of the referential once (stems of compétence, savoir, MC, appellation and
 * contexte labels) and returns a fast, synchronous checker. A phrase is "covered" when
 *   - it lies inside an evidence span of an extracted ROME skill, or
 *   - all its content stems occur together in one ROME label (word-bag inclusion: "gestion projet" is
 *     covered by "Gestion de projet" and by "Projet: gestion et suivi"), or
 *   - it is made only of noise stems.
 * Vector proximity to ROME labels is checked later, once per aggregated candidate (see src/trends/),
 * because doing it per phrase per document would cost an embedding call on the match path.
 */
export function createCoverageChecker(
  referential: Pick<Referential, "competences" | "savoirs" | "macroCompetences" | "appellations" | "contextes">,
): (units: TextUnit[], coveredSpans: { start: number; end: number }[]) => UncoveredPhrase[] {
  const labelStems: string[][] = [];
  const addLabel = (label: string) => {
    const s = contentStems(label);
    if (s.length > 0) labelStems.push(s);
  };
  for (const c of referential.competences.values()) addLabel(c.libelle);
  for (const s of referential.savoirs.values()) addLabel(s.libelle);
  for (const m of referential.macroCompetences.values()) addLabel(m.libelle);
  for (const a of referential.appellations.values()) addLabel(a.libelle);
  for (const c of referential.contextes.values()) addLabel(c.libelle);

  const labels = new AllTermsIndex(labelStems);

  const memo = new Map<string, boolean>();
  /** True when the key is covered by words or is noise only; memoised because keys recur across documents. */
  const keyCovered = (key: string): boolean => {
    let v = memo.get(key);
    if (v !== undefined) return v;
    const stems = key.split(" ");
    v = stems.every((s) => NOISE_STEMS.has(s) || /^[0-9]+$/.test(s) || s.length < 2) || labels.anyHoldsAll(stems);
    if (memo.size < 500_000) memo.set(key, v);
    return v;
  };

  return (units, coveredSpans) => {
    const out: UncoveredPhrase[] = [];
    const seen = new Set<string>();
    const inside = insideAnyOf(coveredSpans);
    for (const unit of units) {
      // A unit inside an evidence span (extraction quotes whole units) has nothing uncovered: skip its n-grams.
      if (inside(unit.start, unit.end)) continue;
      const phrases = candidatePhrases(unit);
      const covered = coveredFlags(phrases, keyCovered);
      for (let j = 0; j < phrases.length; j++) {
        const p = phrases[j]!;
        if (!p.key || covered[j] || seen.has(p.key) || inside(p.start, p.end)) continue;
        seen.add(p.key);
        out.push({ key: p.key, text: p.text });
      }
    }
    return out;
  };
}

/**
 * Which of a unit's phrases (`candidatePhrases` order: by first word, then by length) are covered, testing few of
 * them: a phrase holds the stems of every phrase nested in it, so once one is uncovered (a stem no label shares with
 * the others, not noise) so is every phrase around it. Starts are read from the last, so that each start knows the
 * shortest uncovered phrase that begins after it; only phrases shorter than that are tested.
 */
export function coveredFlags(
  phrases: readonly { key: string; first: number; last: number }[],
  keyCovered: (key: string) => boolean,
): Uint8Array {
  const covered = new Uint8Array(phrases.length);
  // The smallest last word of an uncovered phrase starting after the current start.
  let laterBound = Infinity;
  let end = phrases.length;
  while (end > 0) {
    let begin = end - 1;
    while (begin > 0 && phrases[begin - 1]!.first === phrases[end - 1]!.first) begin--;
    let bound = laterBound;
    for (let j = begin; j < end; j++) {
      const p = phrases[j]!;
      const ok = p.last < bound && keyCovered(p.key);
      covered[j] = ok ? 1 : 0;
      if (!ok && p.last < bound) bound = p.last;
    }
    laterBound = bound;
    end = begin;
  }
  return covered;
}

/**
 * Whether [start, end] lies inside one of `spans` (not merely inside their union): the spans sorted by start with
 * the furthest end reached so far, so that each test is a binary search, not a walk over every span (a match
 * tests each of its phrases against every evidence span).
 */
function insideAnyOf(spans: readonly { start: number; end: number }[]): (start: number, end: number) => boolean {
  if (spans.length === 0) return () => false;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const starts = Float64Array.from(sorted, (s) => s.start);
  const reach = new Float64Array(sorted.length);
  sorted.forEach((s, i) => (reach[i] = Math.max(s.end, i > 0 ? reach[i - 1]! : -Infinity)));
  return (start, end) => {
    // The last span starting at or before `start`: of those, one ends at or after `end` iff the furthest does.
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && reach[lo - 1]! >= end;
  };
}
