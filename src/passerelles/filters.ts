import type { Fiche } from "../rome/index.js";
import type { Referential } from "../rome/index.js";
import { CodedError } from "../errors.js";

/** The three ROME transition tags a user can ask for. */
export type Transition = "ecologique" | "numerique" | "demographique";
export const TRANSITIONS: readonly Transition[] = ["ecologique", "numerique", "demographique"];

/**
 * Filters on candidate fiches, as "Changer de métier" / MétierScope users expect them.
 * Every list is AND-ed: a fiche must carry every required contexte, none of the excluded ones,
 * every requested transition tag, and sit in one of the listed grands domaines (when any are listed).
 */
export interface FicheFilter {
  contextesRequired?: readonly string[];
  contextesExcluded?: readonly string[];
  transitions?: readonly Transition[];
  emploiCadre?: boolean;
  emploiReglemente?: boolean;
  /** Grand domaine letters (A … N). */
  grandDomaines?: readonly string[];
}

/** A filter that cannot be applied: contradictory or naming things that do not exist. Maps to HTTP 400. */
export class FilterError extends CodedError {
  constructor(
    message: string,
    override readonly details: { field: string; message: string }[],
  ) {
    super("invalid_filter", message, { details });
  }
}

/** Checks codes and contradictions once, before ranking; returns the filter with grand domaine letters upper-cased. */
export function validateFilter(ref: Referential, f: FicheFilter): FicheFilter {
  const problems: { field: string; message: string }[] = [];
  const req = new Set(f.contextesRequired ?? []);
  const exc = new Set(f.contextesExcluded ?? []);
  for (const [field, codes] of [
    ["contextesRequired", req],
    ["contextesExcluded", exc],
  ] as const) {
    for (const c of codes)
      if (!ref.contextes.has(c))
        problems.push({
          field,
          message: `contexte de travail ${c} does not exist in ROME ${ref.version} (see GET /v1/contextes)`,
        });
  }
  for (const c of req)
    if (exc.has(c))
      problems.push({ field: "contextesRequired", message: `contexte ${c} is both required and excluded` });
  const domaines = new Set([...ref.fiches.values()].map((x) => x.grandDomaine.code));
  const gds = (f.grandDomaines ?? []).map((g) => g.toUpperCase());
  for (const g of gds)
    if (!domaines.has(g))
      problems.push({
        field: "grandDomaines",
        message: `grand domaine ${g} does not exist (expected one of ${[...domaines].sort().join(", ")})`,
      });
  // "Emploi cadre" and "emploi réglementé" are booleans, so they cannot contradict themselves; a filter that
  // requires a transition tag while excluding every fiche is not detectable here and simply returns nothing.
  if (problems.length)
    throw new FilterError(
      problems.length === 1 ? problems[0]!.message : `${problems.length} problems in filters`,
      problems,
    );
  return { ...f, grandDomaines: gds.length ? gds : undefined };
}

/**
 * Écologique means ROME's "Emploi Vert" or "Emploi stratégique pour la Transition écologique"
 * (not "Emploi Blanc", nor "Emploi Brun", which the transition reduces).
 */
export function hasTransition(fiche: Fiche, t: Transition): boolean {
  switch (t) {
    case "ecologique":
      return (
        fiche.tags.transitionEcologique === "Emploi Vert" ||
        fiche.tags.transitionEcologique === "Emploi stratégique pour la Transition écologique"
      );
    case "numerique":
      return fiche.tags.transitionNumerique === true;
    case "demographique":
      return fiche.tags.transitionDemographique === true;
  }
}

/** True when the fiche passes every part of a validated filter. */
export function matchesFilter(fiche: Fiche, f: FicheFilter): boolean {
  if (f.grandDomaines?.length && !f.grandDomaines.includes(fiche.grandDomaine.code)) return false;
  if (f.emploiCadre !== undefined && (fiche.tags.emploiCadre ?? false) !== f.emploiCadre) return false;
  if (f.emploiReglemente !== undefined && (fiche.tags.emploiReglemente ?? false) !== f.emploiReglemente) return false;
  for (const t of f.transitions ?? []) if (!hasTransition(fiche, t)) return false;
  if (f.contextesRequired?.length || f.contextesExcluded?.length) {
    const has = new Set(fiche.contextes);
    for (const c of f.contextesRequired ?? []) if (!has.has(c)) return false;
    for (const c of f.contextesExcluded ?? []) if (has.has(c)) return false;
  }
  return true;
}

export function isEmptyFilter(f: FicheFilter): boolean {
  return (
    !f.contextesRequired?.length &&
    !f.contextesExcluded?.length &&
    !f.transitions?.length &&
    f.emploiCadre === undefined &&
    f.emploiReglemente === undefined &&
    !f.grandDomaines?.length
  );
}
