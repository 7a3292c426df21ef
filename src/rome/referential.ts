import type { Appellation, Competence, Contexte, Fiche, MacroCompetence, Savoir, TreeLevel } from "./types.js";

export type ItemKind = "competence" | "macro-competence" | "savoir" | "contexte" | "appellation";

/** One macro-compétence as a fiche mobilises it. */
export interface FicheMacroCompetence {
  code: string;
  /** True when ROME marks the MC, or one of its compétences, as coeur de métier (Principale) for this fiche. */
  coeur: boolean;
  /** The fiche's own compétences under this MC (may be empty when the MC is linked directly). */
  competences: string[];
}

interface ReferentialData {
  version: string;
  fiches: Map<string, Fiche>;
  appellations: Map<string, Appellation>;
  competences: Map<string, Competence>;
  macroCompetences: Map<string, MacroCompetence>;
  savoirs: Map<string, Savoir>;
  contextes: Map<string, Contexte>;
  levels: Map<string, TreeLevel>;
}

/** The in-memory, read-only ROME referential with the lookups the engine needs. */
export class Referential {
  readonly version: string;
  readonly fiches: ReadonlyMap<string, Fiche>;
  readonly appellations: ReadonlyMap<string, Appellation>;
  readonly competences: ReadonlyMap<string, Competence>;
  readonly macroCompetences: ReadonlyMap<string, MacroCompetence>;
  readonly savoirs: ReadonlyMap<string, Savoir>;
  readonly contextes: ReadonlyMap<string, Contexte>;
  readonly levels: ReadonlyMap<string, TreeLevel>;
  private readonly ficheMcs = new Map<string, Map<string, FicheMacroCompetence>>();
  private readonly mcFiches = new Map<string, string[]>();
  private readonly itemFiches = new Map<string, string[]>();
  private readonly idf = new Map<string, number>();

  constructor(d: ReferentialData) {
    this.version = d.version;
    this.fiches = d.fiches;
    this.appellations = d.appellations;
    this.competences = d.competences;
    this.macroCompetences = d.macroCompetences;
    this.savoirs = d.savoirs;
    this.contextes = d.contextes;
    this.levels = d.levels;
    for (const f of d.fiches.values()) {
      const mcs = new Map<string, FicheMacroCompetence>();
      const touch = (mc: string) => {
        let e = mcs.get(mc);
        if (!e) mcs.set(mc, (e = { code: mc, coeur: false, competences: [] }));
        return e;
      };
      for (const l of f.macroCompetences) touch(l.code).coeur ||= l.coeurMetier === "principale";
      for (const l of f.competences) {
        const c = d.competences.get(l.code)!;
        const e = touch(c.macroCompetence);
        e.competences.push(l.code);
        e.coeur ||= l.coeurMetier === "principale";
      }
      this.ficheMcs.set(f.code, mcs);
      for (const mc of mcs.keys()) push(this.mcFiches, mc, f.code);
      for (const l of [...f.competences, ...f.savoirs, ...f.macroCompetences]) push(this.itemFiches, l.code, f.code);
    }
    const n = d.fiches.size;
    for (const [mc, fs] of this.mcFiches) this.idf.set(mc, Math.log((n + 1) / (fs.length + 0.5)));
  }

  fiche(code: string): Fiche | undefined {
    return this.fiches.get(code.toUpperCase());
  }

  /** The fiche's macro-compétences (directly linked or through its compétences). */
  ficheMacroCompetences(code: string): ReadonlyMap<string, FicheMacroCompetence> {
    return this.ficheMcs.get(code) ?? new Map();
  }

  /** Inverse document frequency of an MC across fiches: rare MCs say more about a métier. */
  mcIdf(mc: string): number {
    return this.idf.get(mc) ?? 0;
  }

  fichesForMacroCompetence(mc: string): readonly string[] {
    return this.mcFiches.get(mc) ?? [];
  }

  /** Fiches linking a compétence, savoir or macro-compétence directly. */
  fichesForItem(code: string): readonly string[] {
    return this.itemFiches.get(code) ?? [];
  }

  /** What kind of ROME item a code_ogr names, if any. */
  itemKind(code: string): ItemKind | undefined {
    if (this.competences.has(code)) return "competence";
    if (this.macroCompetences.has(code)) return "macro-competence";
    if (this.savoirs.has(code)) return "savoir";
    if (this.contextes.has(code)) return "contexte";
    if (this.appellations.has(code)) return "appellation";
    return undefined;
  }

  itemLabel(code: string): string | undefined {
    return (
      this.competences.get(code)?.libelle ??
      this.macroCompetences.get(code)?.libelle ??
      this.savoirs.get(code)?.libelle ??
      this.contextes.get(code)?.libelle ??
      this.appellations.get(code)?.libelle
    );
  }

  stats() {
    return {
      version: this.version,
      fiches: this.fiches.size,
      appellations: this.appellations.size,
      competences: this.competences.size,
      macroCompetences: this.macroCompetences.size,
      savoirs: this.savoirs.size,
      contextes: this.contextes.size,
    };
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
