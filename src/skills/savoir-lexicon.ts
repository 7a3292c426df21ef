import type { Referential } from "../rome/index.js";
import { normalizeText } from "../text/index.js";

/**
 * Savoirs that a text names by a short form rather than by their label: driving licences ("permis B"), CACES
 * ("CACES R489"), languages ("anglais courant"), software and standards named by a proper name or acronym ("SAP",
 * "HACCP", "Excel") and diplomas by their usual abbreviation ("DEAS"). Every entry is derived from the
 * referential's savoir labels; the few everyday names ROME does not spell (Excel, Word…) point at a label found by
 * its words, never at a fixed code.
 */
/** A short name's entry: its savoir and how it must be written to name it. */
interface SavoirName {
  code: string;
  caseSensitive: boolean;
  capitalised?: "any" | "mixed";
}

export interface SavoirLexicon {
  /** Licence category ("b", "ce") → savoir. */
  permis: Map<string, string>;
  /** "r489" or "r489-1a" → savoir. */
  caces: Map<string, string>;
  /** The electrical habilitation savoir ("Habilitation électrique"), named with or without its levels ("B1V, BR"). */
  habilitationElectrique: string | null;
  /** Normalised language name → savoir. */
  langues: Map<string, string>;
  /**
   * Normalised short name (acronym, software) → savoir; `caseSensitive` names must be written in capitals,
   * `capitalised` ones with a capital first letter ("Docker", "Jira", "Excel"); "mixed" ones not in capitals throughout
   * (a CV's "SOUDEUR ASSEMBLEUR" heading names no "Assembleur" language).
   */
  names: Map<string, SavoirName>;
  /**
   * A field of knowledge (normalised word) → its savoir, from the labels that are that one word ("Electrotechnique")
   * or its techniques ("Techniques de maçonnerie"): a training or diploma in it names it ("formation en
   * électrotechnique", "niveau N3P2 en maçonnerie").
   */
  fields: Map<string, string>;
}

/** A savoir a text names, with the span that names it. */
export interface NamedSavoir {
  code: string;
  start: number;
  end: number;
}

/**
 * Everyday names → words of the savoir label they stand for, most precise first (the shortest label holding all the
 * words of the first set some label holds wins): the product's own label ("Microsoft Excel") before the kind of
 * software ("Utilisation de logiciels de tableur").
 */
const ALIASES: Record<string, string[][]> = {
  excel: [
    ["microsoft", "excel"],
    ["logiciels", "tableur"],
  ],
  word: [
    ["microsoft", "word"],
    ["logiciel", "traitement", "texte"],
  ],
  powerpoint: [
    ["microsoft", "powerpoint"],
    ["logiciels", "presentation"],
  ],
  "pack office": [
    ["pack", "office"],
    ["logiciels", "bureautiques"],
  ],
  "microsoft office": [
    ["pack", "office"],
    ["logiciels", "bureautiques"],
  ],
  "suite office": [
    ["pack", "office"],
    ["logiciels", "bureautiques"],
  ],
  bureautique: [["logiciels", "bureautiques"]],
  deas: [["diplome", "etat", "aide", "soignant"]],
  deap: [["diplome", "etat", "auxiliaire", "puericulture"]],
  deaes: [["diplome", "etat", "accompagnant", "educatif", "social"]],
  ssiap: [["ssiap"]],
  sst: [["sauveteur", "secouriste", "travail"]],
};

/** Licence categories in the order a text may write them; "VL"/"PL"/"SPL" are the trade's names of B, C and CE. */
const PERMIS_ALIASES: Record<string, string> = { vl: "b", pl: "c", spl: "ce" };

/** Words whose capitalised form in a label is a proper name worth matching alone (SAP, AutoCAD, Revit). */
const PROPER = /^(?:[A-Z][A-Z0-9+#]{1,}|[A-Z][a-z]+[A-Z][A-Za-z]*)$/;
/** Acronyms too ambiguous alone (roman numerals, common abbreviations, units, company sizes, a BTS's initials). */
const COMMON_ACRONYMS = new Set(
  "II III IV VI XX UE EU CE BE DE ET OU NF EN ISO H F HF TP CV RH IT BTP PME PMI TPE ETI MCO".split(" "),
);

const LANGUAGE_CATEGORY = "Langues";
/** Where capitalised words inside a label are product names (SAP, AutoCAD, Revit). */
const PRODUCT_CATEGORIES = new Set(["Logiciels, progiciels", "Langages informatiques"]);
/** Where a parenthesised acronym names the label ("… (HACCP)"). */
const NAMING_CATEGORIES = new Set([
  "Logiciels, progiciels",
  "Langages informatiques",
  "Méthodes, procédés, procédures",
  "Outils, machines, équipement matériel",
  "Expertises techniques",
  "Habilitations",
]);

export function buildSavoirLexicon(ref: Referential): SavoirLexicon {
  const permis = new Map<string, string>();
  const caces = new Map<string, string>();
  const langues = new Map<string, string>();
  const names = new Map<string, { code: string; caseSensitive: boolean; capitalised?: "any" | "mixed"; len: number }>();
  const byLength = [...ref.savoirs.values()].sort(
    (a, b) => a.libelle.length - b.libelle.length || (a.code < b.code ? -1 : 1),
  );
  // An acronym a label spells out ("Système Hazard Analysis Critical Control Point (HACCP)") names that label first.
  for (const s of byLength) {
    if (!NAMING_CATEGORIES.has(s.sousCategorie)) continue;
    for (const m of s.libelle.matchAll(/\(([A-Z][A-Z0-9]{1,9})\)/g))
      addName(names, m[1]!, s.code, s.libelle.length, true);
  }
  for (const s of byLength) {
    const l = s.libelle;
    const p = /^Permis de conduire(?: catégorie)? ([A-Z][A-Z0-9]{0,2})$/.exec(l);
    if (p && !permis.has(p[1]!.toLowerCase())) permis.set(p[1]!.toLowerCase(), s.code);
    for (const m of l.matchAll(/CACES\s*R\s*(\d{3})(?:[- ]?([0-9][A-Z]?|[A-G]\d?))?\b/g)) {
      const key = `r${m[1]}${m[2] ? `-${m[2].toLowerCase()}` : ""}`;
      if (!caces.has(key)) caces.set(key, s.code);
    }
    if (s.sousCategorie === LANGUAGE_CATEGORY) {
      const n = normalizeText(l);
      if (/^[a-z]+$/.test(n) && !langues.has(n)) langues.set(n, s.code);
      const pr = /^pratique de l ([a-z]+)$/.exec(n);
      if (pr) langues.set(pr[1]!, s.code); // "Pratique de l'anglais": the generic English, there is no bare "Anglais"
    }
    // Acronyms in parentheses and proper names inside labels (not a label's first word, a capital by position),
    // in the categories that name products, tools and standards (elsewhere capitals are schools, places, levels).
    if (!PRODUCT_CATEGORIES.has(s.sousCategorie)) continue;
    const tokens = l.split(/[\s,;:()/]+/);
    tokens.forEach((t, i) => {
      if (i === 0 || !PROPER.test(t) || COMMON_ACRONYMS.has(t) || /^CACES$/.test(t)) return;
      addName(names, t, s.code, l.length, /^[A-Z0-9+#]+$/.test(t));
    });
    // A label that is a product's name ("Docker", "Salesforce", "React.js", "Microsoft Visio"): that name, written
    // with a capital.
    const product = /^(?:Microsoft\s+)?([A-Z][A-Za-z0-9+#]*)(?:\.js)?$/.exec(l);
    if (product && !COMMON_ACRONYMS.has(product[1]!)) {
      const key = normalizeText(product[1]!);
      const capitalised = /^[A-Z0-9+#]+$/.test(product[1]!) ? "any" : "mixed";
      if (key.length >= 3 && !names.has(key))
        names.set(key, { code: s.code, caseSensitive: false, capitalised, len: l.length });
    }
  }
  for (const [alias, choices] of Object.entries(ALIASES)) {
    for (const words of choices) {
      const hit = byLength.find((s) => {
        const w = new Set(normalizeText(s.libelle).split(" "));
        return words.every((x) => w.has(x));
      });
      if (!hit) continue;
      names.set(alias, { code: hit.code, caseSensitive: false, len: hit.libelle.length });
      break;
    }
  }
  const fields = new Map<string, string>();
  for (const s of byLength) {
    const f = FIELD_LABEL.exec(normalizeText(s.libelle));
    const key = f?.[1] ?? f?.[2];
    // The field's own label ("Electrotechnique") before its techniques: the shorter label comes first.
    if (key && !fields.has(key)) fields.set(key, s.code);
  }
  const habilitation = byLength.find((s) => /^habilitations? electriques?$/.test(normalizeText(s.libelle)));
  for (const [alias, cat] of Object.entries(PERMIS_ALIASES)) {
    const code = permis.get(cat);
    if (code) permis.set(alias, code);
  }
  return {
    permis,
    caces,
    habilitationElectrique: habilitation?.code ?? null,
    langues,
    fields,
    names: new Map(
      [...names].map(([k, v]) => [k, { code: v.code, caseSensitive: v.caseSensitive, capitalised: v.capitalised }]),
    ),
  };
}

function addName(
  names: Map<string, { code: string; caseSensitive: boolean; capitalised?: "any" | "mixed"; len: number }>,
  token: string,
  code: string,
  len: number,
  caseSensitive: boolean,
): void {
  const key = normalizeText(token);
  if (key.length < 3 || names.has(key)) return; // labels come shortest first: the most generic label keeps the name
  names.set(key, { code, caseSensitive, len });
}

/** A savoir label that is one field of knowledge, or its techniques (normalised). */
const FIELD_LABEL = /^(?:([a-z]{4,})|techniques? de (?:la |l )?([a-z]{4,}))$/;

/**
 * A training and its field, on the same-length fold: "formation en électrotechnique", "Bac+2 en comptabilité",
 * "niveau N3P2 en maçonnerie". Not after a diploma's name ("Licence en informatique", "BEP en restauration": the
 * diploma's label says more), nor a field that a longer phrase goes on ("bac+5 en histoire de l'art").
 */
const FIELD_OF =
  /\b(?:formations?|diplomes?|etudes|cursus|specialisation|bac\s*\+\s*\d|niveau [a-z0-9]+)\s+(?:en|de|d['’]|de la|de l['’])\s*([a-z]{4,})\b(?!\s+(?:de|d['’]|des|du)\b)/g;

const FIELD_HINT = /\b(?:formation|diplome|etudes|cursus|specialisation|bac|niveau)/;

const ANY_LANG =
  /\b(anglais|espagnol|allemand|italien|portugais|arabe|chinois|russe|japonais|neerlandais|polonais|turc|roumain|francais)\b/;
const LANG_WORDS =
  /\b(anglais|espagnol|allemand|italien|portugais|arabe|chinois|russe|japonais|neerlandais|polonais|turc|roumain|francais)\b/g;

/**
 * The savoirs a unit names by a short form, with their spans (offsets in the original text: `offset` is the
 * unit's start).
 */
export function namedSavoirs(lex: SavoirLexicon, text: string, offset: number): NamedSavoir[] {
  const out: NamedSavoir[] = [];
  const seen = new Set<string>();
  const push = (code: string | undefined, start: number, end: number) => {
    if (!code || seen.has(code)) return;
    seen.add(code);
    out.push({ code, start: offset + start, end: offset + end });
  };
  if (/permis/i.test(text))
    for (const m of text.matchAll(
      /\bpermis\s+(?:de\s+conduire\s+)?(?:(?:cat(?:[ée]gorie)?\.?|type)\s*)?([A-Za-z][A-Za-z0-9]{0,2})\b/gi,
    )) {
      push(lex.permis.get(m[1]!.toLowerCase()), m.index, m.index + m[0].length);
    }
  if (/caces/i.test(text))
    for (const m of text.matchAll(
      /\bCACES\s*(?:®\s*)?(?:R\s*)?(\d{3})(?:\s*[-]?\s*(?:cat(?:[ée]gorie)?\.?\s*)?([0-9][A-Za-z]?|[A-Ga-g]\d?))?\b/gi,
    )) {
      const key = `r${m[1]}`;
      push(
        (m[2] && lex.caces.get(`${key}-${m[2].toLowerCase()}`)) || lex.caces.get(key),
        m.index,
        m.index + m[0].length,
      );
    }
  if (lex.habilitationElectrique && /habilitation/i.test(text))
    for (const m of text.matchAll(
      /\bhabilitations?\s+[ée]lectriques?(?:\s+[A-Z0-9]{1,4}(?:\s*[,/]\s*[A-Z0-9]{1,4})*)?/gi,
    ))
      push(lex.habilitationElectrique, m.index, m.index + m[0].length);
  // Languages: positions found on the accent-free lower-case text, which keeps the original's length here (NFD
  // accents removed one for one would not: so the search runs on a same-length fold).
  const fold = foldSameLength(text);
  if (ANY_LANG.test(fold))
    for (const m of fold.matchAll(LANG_WORDS)) push(lex.langues.get(m[1]!), m.index, m.index + m[0].length);
  if (FIELD_HINT.test(fold))
    for (const m of fold.matchAll(FIELD_OF)) push(lex.fields.get(m[1]!), m.index, m.index + m[0].length);
  const single = singleNames(lex);
  // One regex object read with `exec` (no iterator, no new regex a statement); a token holds a blank only when it
  // ends with "office" (the group), so a blank is not searched for in each word.
  const words = NAME_TOKEN;
  words.lastIndex = 0;
  for (let m = words.exec(text); m !== null; m = words.exec(text)) {
    const raw = m[0];
    if (m[1] === undefined) {
      // One word: what it names depends on the word alone (memoised), and an ASCII word shorter than every name
      // names none (its key has its length).
      if (raw.length < single.minLength && isAscii(raw)) continue;
      let code = single.codes.get(raw);
      if (code === undefined) {
        code = nameOf(lex, raw);
        if (single.codes.size < 200_000) single.codes.set(raw, code);
      }
      if (code) push(code, m.index, m.index + raw.length);
      continue;
    }
    const key = nameKey(lex, raw);
    if (!raw.includes(" ") && !lex.names.has(key)) continue;
    const hit = lex.names.get(key) ?? (raw.includes(" ") ? lex.names.get(keyOf(raw.split(/\s+/)[0]!)) : undefined);
    if (hit && writtenAsNamed(hit, raw.split(/\s+/)[0]!)) push(hit.code, m.index, m.index + raw.length);
  }
  return out;
}

/** A word, or a word and "office" ("Pack Office"): the tokens `namedSavoirs` reads. */
const NAME_TOKEN = /[\p{L}\p{N}+#]+(\s+(?:office|Office))?/gu;

/** The savoir one word (no blank) names by a short form, or null: `namedSavoirs`' reading of a single word. */
function nameOf(lex: SavoirLexicon, raw: string): string | null {
  const hit = lex.names.get(nameKey(lex, raw));
  return hit && writtenAsNamed(hit, raw) ? hit.code : null;
}

/** A token's key in `names`; a version number after a name ("HTML5", "CSS3") names the same savoir. */
function nameKey(lex: SavoirLexicon, raw: string): string {
  const key = keyOf(raw);
  return !lex.names.has(key) && /[a-z]\d{1,2}$/.test(key) ? key.replace(/\d+$/, "") : key;
}

/** Whether a name's first word is written as its entry requires (upper case, capitalised). */
function writtenAsNamed(hit: SavoirName, word: string): boolean {
  if (hit.caseSensitive && !/^[A-Z0-9+#]+$/.test(word)) return false;
  return !(hit.capitalised && (!/^[A-Z]/.test(word) || (hit.capitalised === "mixed" && /^[A-Z0-9]+$/.test(word))));
}

const singles = new WeakMap<SavoirLexicon, { codes: Map<string, string | null>; minLength: number }>();
/** Per lexicon: single words → what they name (memoised), and the shortest name's length. */
function singleNames(lex: SavoirLexicon): { codes: Map<string, string | null>; minLength: number } {
  let x = singles.get(lex);
  if (!x) {
    let minLength = Infinity;
    for (const k of lex.names.keys()) minLength = Math.min(minLength, k.length);
    singles.set(lex, (x = { codes: new Map(), minLength }));
  }
  return x;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

const keys = new Map<string, string>();
/** `normalizeText` of a token, memoised (the token vocabulary is small). */
function keyOf(raw: string): string {
  let k = keys.get(raw);
  if (k === undefined) {
    k = normalizeText(raw);
    if (keys.size < 200_000) keys.set(raw, k);
  }
  return k;
}

/** Lower case without accents, one character for one (offsets stay those of the original). */
function foldSameLength(s: string): string {
  const quick = s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "");
  if (quick.length === s.length) return quick;
  let out = "";
  for (const ch of s.toLowerCase()) {
    const base = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    out += base.length === ch.length ? base : ch;
  }
  return out;
}
