import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { col, readRomeCsv, RomeLoadError } from "./csv.js";
import { Referential } from "./referential.js";
import type {
  Appellation,
  CoeurMetier,
  Competence,
  Contexte,
  Fiche,
  FicheTags,
  MacroCompetence,
  Savoir,
  TreeLevel,
} from "./types.js";

const F = (v: string) => `unix_${v}_utf8.csv`;

/** A code ROME: a grand domaine letter A–N and four digits (M1805). */
export const ROME_CODE = /^[A-N]\d{4}$/;
const codeRome = z.string().regex(ROME_CODE, "expected a ROME code such as M1805");
const ogr = z.string().regex(/^\d+$/, "expected a numeric code_ogr");

/**
 * A fiche with its identity and no texts, items, links or profile yet: the loader fills them file by file (tests
 * build fiches from it too). Not in the `rome` index: only the loader and tests make fiches.
 */
export function emptyFiche(
  head: Pick<Fiche, "code" | "codeOgr" | "libelle" | "parent" | "grandDomaine" | "domaineProfessionnel" | "tags">,
): Fiche {
  return {
    ...head,
    definition: "",
    accesMetier: "",
    appellations: [],
    competences: [],
    macroCompetences: [],
    savoirs: [],
    contextes: [],
    mobilites: [],
    riasec: null,
    secteursActivite: [],
    centresInteret: [],
  };
}

const FicheRow = z.object({
  code_rome: codeRome,
  code_ogr: ogr,
  libelle_rome: z.string().min(1),
  transition_eco: col,
  transition_num: col,
  transition_demo: col,
  emploi_reglemente: col,
  emploi_cadre: col,
  code_rome_parent: col,
});
const DomaineRow = z.object({
  code_rome: codeRome,
  code_grand_domaine: col,
  libelle_grand_domaine: col,
  code_domaine_professionel: col,
  libelle_domaine_professionel: col,
});
const AppellationRow = z.object({
  code_ogr: ogr,
  libelle_appellation_long: z.string().min(1),
  libelle_appellation_court: col,
  code_rome: codeRome,
  emploi_cadre: col,
  classification: col,
  peu_usite: col,
});
const CompetenceRow = z.object({
  code_ogr: ogr,
  nature: z.enum(["Compétence", "Macro-compétence"]),
  libelle_competence: z.string().min(1),
  definition: col,
  code_ogr_macro_comp: col,
  code_macro_comp: col,
  cat_comp: col,
  sous_cat_comp: col,
});
const SavoirRow = z.object({
  code_ogr_savoir: ogr,
  libelle_savoir: z.string().min(1),
  categorie_savoir: col,
  sous_categorie_savoir: col,
});
const ContexteRow = z.object({
  code_ogr: ogr,
  libelle_cont_travail: z.string().min(1),
  code_type_cont_trav: col,
  libelle_type_cont_trav: col,
});
const LienRow = z.object({ code_rome: codeRome, code_compo_bloc: col, code_rubrique: col, code_ogr: ogr });
const CoherenceRow = z.object({ code_rome: codeRome, code_ogr: ogr, coeur_metier: col });
const MobiliteRow = z.object({
  code_rome: codeRome,
  code_rome_cible: codeRome,
  numero_ordre: z.string().regex(/^\d+$/),
});
const TexteRow = z.object({
  code_rome: codeRome,
  libelle_type_texte: col,
  position_phrase: z.string().regex(/^\d+$/),
  libelle_texte: col,
});
const RiasecRow = z.object({ code_rome: codeRome, riasec_majeur: col, riasec_mineur: col });
const SecteurRow = z.object({ code_sect_activite: col, code_ss_sect_activite: col, code_rome: codeRome });
const CentreRow = z.object({ code_centre_interet: col, code_rome: codeRome });
const NiveauRow = z.object({
  niveau: z.enum(["domaine", "enjeu", "objectif"]),
  code: z.string().min(1),
  libelle: z.string().min(1),
  code_parent: col,
});

const yesNo = (v: string): boolean | null => (v === "O" ? true : v === "N" ? false : null);
const coeur = (v: string): CoeurMetier =>
  v === "Principale" ? "principale" : v.startsWith("É") || v.startsWith("E") ? "emergente" : null;

/** `v460` from the folder name, else from version.txt ("Numero de version : 60" → v460). */
export function readRomeVersion(dir: string): string {
  const base = path.basename(path.resolve(dir));
  if (/^v\d+$/.test(base)) return base;
  const vt = path.join(dir, "version.txt");
  if (existsSync(vt)) {
    const m = /Numero de version\s*:\s*(\d+)/i.exec(readFileSync(vt, "utf8"));
    if (m) return `v4${m[1]}`;
  }
  return "unknown";
}

/**
 * The fiche codes of a ROME export (its code_rome file only): what an earlier referential contributes to matching
 * against the codes in force when an offer was coded (src/match/coded.ts).
 */
export function loadFicheCodes(dir: string): {
  version: string;
  codes: Set<string>;
  appellations: Map<string, string>;
} {
  if (!existsSync(dir)) throw new RomeLoadError(dir, null, "ROME folder not found");
  const version = readRomeVersion(dir);
  const rows = readRomeCsv(dir, F(`referentiel_code_rome_${version}`), z.object({ code_rome: codeRome }));
  // Each appellation's code then: ROME moves some appellations between fiches from one release to the next.
  const file = F(`referentiel_appellation_${version}`);
  const appellations = existsSync(path.join(dir, file))
    ? new Map(
        readRomeCsv(dir, file, z.object({ code_ogr: ogr, code_rome: codeRome })).map((r) => [r.code_ogr, r.code_rome]),
      )
    : new Map<string, string>();
  return { version, codes: new Set(rows.map((r) => r.code_rome)), appellations };
}

/** Loads and validates the official ROME 4.0 CSV export from `dir` into an in-memory referential. */
export function loadReferential(dir: string): Referential {
  if (!existsSync(dir)) throw new RomeLoadError(dir, null, "ROME folder not found; set ROME_DIR (see README)");
  const v = readRomeVersion(dir);
  const niveaux = readRomeCsv(dir, `competences_arbo_niveaux_${v}.csv`, NiveauRow);
  const levels = new Map<string, TreeLevel>(niveaux.map((n) => [n.code, { code: n.code, libelle: n.libelle }]));
  const level = (code: string, file: string): TreeLevel => {
    const l = levels.get(code);
    if (!l) throw new RomeLoadError(path.join(dir, file), null, `unknown tree level ${code}`);
    return l;
  };

  // Compétences and macro-compétences share one file.
  const competences = new Map<string, Competence>();
  const macroCompetences = new Map<string, MacroCompetence>();
  const compRows = readRomeCsv(dir, F(`referentiel_competence_${v}`), CompetenceRow);
  for (const r of compRows) {
    if (r.nature !== "Macro-compétence") continue;
    const a = r.code_macro_comp;
    if (!/^\d[A-Z]\d{3}$/.test(a))
      throw new RomeLoadError(
        path.join(dir, F(`referentiel_competence_${v}`)),
        null,
        `macro-compétence ${r.code_ogr} has invalid code_macro_comp "${a}"`,
      );
    const file = "competences_arbo_niveaux";
    macroCompetences.set(r.code_ogr, {
      code: r.code_ogr,
      codeArbo: a,
      libelle: r.libelle_competence,
      categorie: r.cat_comp,
      domaine: level(a.slice(0, 1), file),
      enjeu: level(a.slice(0, 2), file),
      objectif: level(a.slice(0, 3), file),
      competences: [],
    });
  }
  for (const r of compRows) {
    if (r.nature !== "Compétence") continue;
    const mc = macroCompetences.get(r.code_ogr_macro_comp);
    if (!mc)
      throw new RomeLoadError(
        path.join(dir, F(`referentiel_competence_${v}`)),
        null,
        `compétence ${r.code_ogr} points to unknown macro-compétence "${r.code_ogr_macro_comp}"`,
      );
    mc.competences.push(r.code_ogr);
    competences.set(r.code_ogr, {
      code: r.code_ogr,
      libelle: r.libelle_competence,
      definition: r.definition,
      macroCompetence: mc.code,
      categorie: r.cat_comp,
      sousCategorie: r.sous_cat_comp,
    });
  }

  const savoirs = new Map<string, Savoir>(
    readRomeCsv(dir, F(`referentiel_savoir_${v}`), SavoirRow).map((r) => [
      r.code_ogr_savoir,
      {
        code: r.code_ogr_savoir,
        libelle: r.libelle_savoir,
        categorie: r.categorie_savoir,
        sousCategorie: r.sous_categorie_savoir,
      },
    ]),
  );
  const contextes = new Map<string, Contexte>(
    readRomeCsv(dir, F(`referentiel_contexte_travail_${v}`), ContexteRow).map((r) => [
      r.code_ogr,
      {
        code: r.code_ogr,
        libelle: r.libelle_cont_travail,
        typeCode: r.code_type_cont_trav,
        typeLibelle: r.libelle_type_cont_trav,
      },
    ]),
  );

  const domaines = new Map(readRomeCsv(dir, F(`cr_gd_dp_${v}`), DomaineRow).map((r) => [r.code_rome, r]));
  const fiches = new Map<string, Fiche>();
  for (const r of readRomeCsv(dir, F(`referentiel_code_rome_${v}`), FicheRow)) {
    const d = domaines.get(r.code_rome);
    const tags: FicheTags = {
      transitionEcologique: r.transition_eco || null,
      transitionNumerique: yesNo(r.transition_num),
      transitionDemographique: yesNo(r.transition_demo),
      emploiReglemente: yesNo(r.emploi_reglemente),
      emploiCadre: yesNo(r.emploi_cadre),
    };
    fiches.set(
      r.code_rome,
      emptyFiche({
        code: r.code_rome,
        codeOgr: r.code_ogr,
        libelle: r.libelle_rome,
        parent: ROME_CODE.test(r.code_rome_parent) ? r.code_rome_parent : r.code_rome,
        grandDomaine: { code: d?.code_grand_domaine ?? r.code_rome[0], libelle: d?.libelle_grand_domaine ?? "" },
        domaineProfessionnel: {
          code: d?.code_domaine_professionel ?? r.code_rome.slice(0, 3),
          libelle: d?.libelle_domaine_professionel ?? "",
        },
        tags,
      }),
    );
  }
  const fiche = (code: string, file: string, line: number | null = null): Fiche => {
    const f = fiches.get(code);
    if (!f) throw new RomeLoadError(path.join(dir, file), line, `unknown fiche ${code}`);
    return f;
  };

  const appellations = new Map<string, Appellation>();
  for (const r of readRomeCsv(dir, F(`referentiel_appellation_${v}`), AppellationRow)) {
    const f = fiche(r.code_rome, F(`referentiel_appellation_${v}`));
    appellations.set(r.code_ogr, {
      code: r.code_ogr,
      libelle: r.libelle_appellation_long,
      libelleCourt: r.libelle_appellation_court || r.libelle_appellation_long,
      ficheCode: f.code,
      principale: r.classification === "PRINCIPALE",
      peuUsite: r.peu_usite === "O",
      emploiCadre: yesNo(r.emploi_cadre),
    });
    f.appellations.push(r.code_ogr);
  }

  // coeur_metier per (fiche, item)
  const coeurs = new Map<string, CoeurMetier>();
  for (const r of readRomeCsv(dir, F(`coherence_item_${v}`), CoherenceRow))
    coeurs.set(`${r.code_rome}:${r.code_ogr}`, coeur(r.coeur_metier));

  for (const r of readRomeCsv(dir, F(`liens_rome_referentiels_${v}`), LienRow)) {
    const f = fiche(r.code_rome, F(`liens_rome_referentiels_${v}`));
    const link = { code: r.code_ogr, coeurMetier: coeurs.get(`${r.code_rome}:${r.code_ogr}`) ?? null };
    if (r.code_compo_bloc === "5") {
      if (competences.has(r.code_ogr)) f.competences.push(link);
      else if (macroCompetences.has(r.code_ogr)) f.macroCompetences.push(link);
      else if (savoirs.has(r.code_ogr)) f.savoirs.push(link);
    } else if (r.code_compo_bloc === "6" && contextes.has(r.code_ogr)) {
      f.contextes.push(r.code_ogr);
    }
  }

  for (const r of readRomeCsv(dir, F(`rubrique_mobilite_${v}`), MobiliteRow)) {
    fiche(r.code_rome, F(`rubrique_mobilite_${v}`));
    if (!fiches.has(r.code_rome_cible)) continue; // a mobilité towards a retired code is dropped, not fatal
    fiches.get(r.code_rome)!.mobilites.push({ cible: r.code_rome_cible, rang: Number(r.numero_ordre) });
  }
  for (const f of fiches.values()) f.mobilites.sort((a, b) => a.rang - b.rang);

  // Orientation files (RIASEC, secteurs d'activité, centres d'intérêt): optional, read when the export has them.
  const optional = <S extends z.ZodObject>(file: string, schema: S): z.infer<S>[] =>
    existsSync(path.join(dir, file)) ? readRomeCsv(dir, file, schema) : [];
  for (const r of optional(F(`referentiel_code_rome_riasec_${v}`), RiasecRow)) {
    const f = fiches.get(r.code_rome);
    if (f && r.riasec_majeur) f.riasec = { majeur: r.riasec_majeur, mineur: r.riasec_mineur || null };
  }
  const addOnce = (xs: string[], x: string) => x && !xs.includes(x) && xs.push(x);
  for (const r of optional(F(`arborescence_secteur_activite_${v}`), SecteurRow)) {
    const f = fiches.get(r.code_rome);
    if (f)
      (addOnce(f.secteursActivite, r.code_sect_activite),
        addOnce(f.secteursActivite, `${r.code_sect_activite}/${r.code_ss_sect_activite}`));
  }
  for (const r of optional(F(`arborescence_centre_interet_${v}`), CentreRow)) {
    const f = fiches.get(r.code_rome);
    if (f) addOnce(f.centresInteret, r.code_centre_interet);
  }

  const texts = readRomeCsv(dir, F(`texte_${v}`), TexteRow).sort(
    (a, b) => Number(a.position_phrase) - Number(b.position_phrase),
  );
  for (const t of texts) {
    const f = fiches.get(t.code_rome);
    if (!f) continue;
    if (t.libelle_type_texte === "definition") f.definition += (f.definition ? "\n" : "") + t.libelle_texte;
    else if (t.libelle_type_texte === "acces_metier") f.accesMetier += (f.accesMetier ? "\n" : "") + t.libelle_texte;
  }

  return new Referential({
    version: v,
    fiches,
    appellations,
    competences,
    macroCompetences,
    savoirs,
    contextes,
    levels,
  });
}
