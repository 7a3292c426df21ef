/**
 * What changed between two ROME referentials (France Travail publishes one a quarter): fiches, appellations,
 * compétences, savoirs, macro-compétences, each fiche's items and the mobilités. A removed fiche comes with its
 * successors (the fiches its appellations went to, and its children), so that stored codes can be mapped forward.
 */
import type { Referential } from "./referential.js";

export interface Labelled {
  code: string;
  libelle: string;
}

export interface Renamed {
  code: string;
  from: string;
  to: string;
}

export interface EntityDiff {
  added: Labelled[];
  removed: Labelled[];
  renamed: Renamed[];
}

export interface ReferentialDiff {
  from: string;
  to: string;
  fiches: EntityDiff & {
    /** Each removed fiche's successors: where its appellations went (most first), then its new children. */
    successors: { code: string; successors: { code: string; appellations: number }[] }[];
    /** Fiches whose `code_rome_parent` changed (a split or a merge). */
    reparented: Renamed[];
  };
  appellations: EntityDiff & { moved: { code: string; libelle: string; from: string; to: string }[] };
  competences: EntityDiff & { movedMacroCompetence: Renamed[] };
  savoirs: EntityDiff;
  macroCompetences: EntityDiff;
  /** Fiches kept in both whose linked compétences, savoirs and macro-compétences changed. */
  ficheItems: { code: string; added: string[]; removed: string[] }[];
  mobilites: { added: number; removed: number };
  summary: Record<string, number>;
}

function entityDiff<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>, label: (x: T) => string): EntityDiff {
  const added: Labelled[] = [];
  const removed: Labelled[] = [];
  const renamed: Renamed[] = [];
  for (const [code, x] of a) {
    const y = b.get(code);
    if (!y) removed.push({ code, libelle: label(x) });
    else if (label(x) !== label(y)) renamed.push({ code, from: label(x), to: label(y) });
  }
  for (const [code, y] of b) if (!a.has(code)) added.push({ code, libelle: label(y) });
  return { added: added.sort(byCode), removed: removed.sort(byCode), renamed: renamed.sort(byCode) };
}

const byCode = (x: { code: string }, y: { code: string }) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0);

const ficheItemCodes = (r: Referential, code: string): Set<string> => {
  const f = r.fiches.get(code)!;
  return new Set([...f.competences, ...f.savoirs, ...f.macroCompetences].map((l) => l.code));
};

/** The changes from referential `a` (older) to `b` (newer). Pure: both are read, neither is changed. */
export function diffReferentials(a: Referential, b: Referential): ReferentialDiff {
  const fiches = entityDiff(a.fiches, b.fiches, (f) => f.libelle);
  const successors = fiches.removed.map(({ code }) => {
    const counts = new Map<string, number>();
    for (const app of a.fiches.get(code)!.appellations) {
      const to = b.appellations.get(app)?.ficheCode;
      if (to) counts.set(to, (counts.get(to) ?? 0) + 1);
    }
    for (const f of b.fiches.values())
      if (f.parent === code && f.code !== code && !counts.has(f.code)) counts.set(f.code, 0);
    return {
      code,
      successors: [...counts]
        .map(([c, n]) => ({ code: c, appellations: n }))
        .sort((x, y) => y.appellations - x.appellations || byCode(x, y)),
    };
  });
  const reparented: Renamed[] = [];
  for (const [code, f] of a.fiches) {
    const g = b.fiches.get(code);
    if (g && g.parent !== f.parent) reparented.push({ code, from: f.parent, to: g.parent });
  }
  const appellations = entityDiff(a.appellations, b.appellations, (x) => x.libelle);
  const moved: ReferentialDiff["appellations"]["moved"] = [];
  for (const [code, x] of a.appellations) {
    const y = b.appellations.get(code);
    if (y && y.ficheCode !== x.ficheCode) moved.push({ code, libelle: y.libelle, from: x.ficheCode, to: y.ficheCode });
  }
  const competences = entityDiff(a.competences, b.competences, (x) => x.libelle);
  const movedMacroCompetence: Renamed[] = [];
  for (const [code, x] of a.competences) {
    const y = b.competences.get(code);
    if (y && y.macroCompetence !== x.macroCompetence)
      movedMacroCompetence.push({ code, from: x.macroCompetence, to: y.macroCompetence });
  }
  const ficheItems: ReferentialDiff["ficheItems"] = [];
  for (const code of a.fiches.keys()) {
    if (!b.fiches.has(code)) continue;
    const x = ficheItemCodes(a, code);
    const y = ficheItemCodes(b, code);
    const added = [...y].filter((c) => !x.has(c)).sort();
    const removed = [...x].filter((c) => !y.has(c)).sort();
    if (added.length || removed.length) ficheItems.push({ code, added, removed });
  }
  const mobilites = (r: Referential) =>
    new Set([...r.fiches.values()].flatMap((f) => f.mobilites.map((m) => `${f.code}>${m.cible}`)));
  const ma = mobilites(a);
  const mb = mobilites(b);
  const diff: Omit<ReferentialDiff, "summary"> = {
    from: a.version,
    to: b.version,
    fiches: { ...fiches, successors, reparented: reparented.sort(byCode) },
    appellations: { ...appellations, moved: moved.sort(byCode) },
    competences: { ...competences, movedMacroCompetence: movedMacroCompetence.sort(byCode) },
    savoirs: entityDiff(a.savoirs, b.savoirs, (x) => x.libelle),
    macroCompetences: entityDiff(a.macroCompetences, b.macroCompetences, (x) => x.libelle),
    ficheItems: ficheItems.sort(byCode),
    mobilites: { added: [...mb].filter((m) => !ma.has(m)).length, removed: [...ma].filter((m) => !mb.has(m)).length },
  };
  return { ...diff, summary: summarise(diff) };
}

function summarise(d: Omit<ReferentialDiff, "summary">): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of ["fiches", "appellations", "competences", "savoirs", "macroCompetences"] as const) {
    const e = d[key];
    out[`${key}Added`] = e.added.length;
    out[`${key}Removed`] = e.removed.length;
    out[`${key}Renamed`] = e.renamed.length;
  }
  out.fichesReparented = d.fiches.reparented.length;
  out.appellationsMoved = d.appellations.moved.length;
  out.competencesMovedMacroCompetence = d.competences.movedMacroCompetence.length;
  out.fichesWithItemChanges = d.ficheItems.length;
  out.mobilitesAdded = d.mobilites.added;
  out.mobilitesRemoved = d.mobilites.removed;
  return out;
}

/**
 * A stored code read with referential `b`: itself when `b` has it, else its successors from `diff` (best first),
 * else nothing (a code neither referential knows).
 */
export function mapForward(
  diff: ReferentialDiff,
  b: Referential,
  code: string,
): { code: string; status: "kept" | "replaced" | "unknown"; successors: string[] } {
  if (b.fiches.has(code)) return { code, status: "kept", successors: [code] };
  const s = diff.fiches.successors.find((x) => x.code === code);
  return s && s.successors.length
    ? { code, status: "replaced", successors: s.successors.map((x) => x.code) }
    : { code, status: "unknown", successors: [] };
}
