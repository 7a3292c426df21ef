import { hasContentStems, hasContentStemsAtLeast, type TextUnit } from "../text/index.js";
import { NAMES_DIPLOMA } from "./diplomas.js";
import { sectionUnits, SKIPPED_SECTIONS, type Section } from "./sections.js";

/** A piece of text extraction scores: one statement (a clause of an enumeration, a line, a sentence) in its section. */
export interface StatementUnit extends TextUnit {
  section: Section;
  /** Said as optional ("un plus", "serait un atout"): kept, the item is still stated. */
  hedged: boolean;
  /**
   * A line that states no skill in words (a CV's opening lines or job header, boilerplate, a hobbies or contact
   * section) but may name a savoir by its short form ("Permis B requis", "Annecy – 06… – permis B et BE").
   */
  namedOnly?: boolean;
  /** A frame clause ("Sous la responsabilité du…", "expérience significative exigée"): short forms and savoir-être only. */
  frame?: boolean;
  /** A statement of the company's presentation: read for the text's domain only, never extracted. */
  voteOnly?: boolean;
  /**
   * The verb of an enumeration's first clause, for a later clause that has none ("Saisir des devis, des commandes":
   * "des commandes" is read as "Saisir des commandes"); its words join the statement's, not its span.
   */
  verb?: string;
}

/** Contract, pay, hours, place and application lines: they state no skill (guide rule 3). */
const BOILERPLATE =
  /\b(cdi|cdd|interim|salaire|remuneration|euros?|brut|mensuel|annuel|heures? (par|hebdo)|h ?\/ ?semaine|temps (plein|partiel)|poste a pourvoir|prise de poste|mutuelle|tickets? (resto|restaurant)|date de (debut|demarrage)|type de contrat|horaires?|postulez|postuler|candidature|envoyez|cv et lettre|rejoignez|rejoindre|n hesitez|primes?|bonus|13e mois|conges|rtt|teletravail|avantages?|vous interesse|a pourvoir|smic|panier|frais de deplacements?|deplacements?|vehicule de (service|fonction)|(la|notre|une) (societe|entreprise|agence)|nous sommes|handicap|beneficiez|contactez|questions?|niveau d etudes?|temps de travail|duree (du|de) travail|lieu (du poste|de travail)|(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?|week ?ends?)\b|@|\b0\d(?:[ .]?\d{2}){4}\b|\bne le\b|\b\d+,? (rue|avenue|bd|boulevard|chemin|place)\b/;

/** "pas de diplôme exigé", "débutant accepté", "sans expérience": what a text says it does not ask. */
const NEGATION =
  /\b(pas d[eu]?|aucune?|sans|non)\b[^.;,]{0,40}\b(exige|requis|necessaire|demande|obligatoire|indispensable)|\b(debutants?|debutantes?) (acceptes?|bienvenu)|\bouverte? (aux|a des|a un|a une) debutant|\bsans (diplome|experience|qualification)|\b(pas|aucun) de diplome|\baucune experience\b/;

/**
 * Frame phrases of an offer: who the job reports to (in inclusive writing too: "Rattaché(e) au", "rattaché-e à"),
 * who is recruiting, the experience asked for, a job title line ("Gestionnaire sinistres H/F"). A clause with one
 * states no task; read for short forms only.
 */
const FRAME =
  /\b(rattache(e|s|es|\(e\)s?|\(es\)|[-.·]e|[-.·]es)? (a|au|aux)\b|sous (la (responsabilite|direction|supervision|houlette)|l autorite|le controle (de|du|des|d))\b|dans le cadre d (un|une|son|sa|leur|notre)\b|recrut(e|ons|ez|ent)\b|\b(profil|poste|personne|candidat|candidate)\b.*\brecherche(e|s|es)?\W*$|recrutement|(re)?cherch(e|ons|ent) (un|une|son|sa|ses|pour|actuellement|activement|notre|nos|un e)\b|[hf] ?\/ ?[hf]\b|experiences? (significative|confirmee|reussie|similaire|exigee|souhaitee|requise|minimum|de \d|d au moins|d \d|dans (le|la|un|une) (poste|domaine|secteur|fonction))|premiere experience|ans? d experience|(ce|un) type de poste|(un )?poste similaire|interet (certain )?pour|passion\w*|motive(e|s|es)?\b|envie (de|d)\b|gout (pour|du|de la|des|d))/;

/**
 * A clause that is only the setting of the work, opening with who it is done with or within ("en collaboration avec
 * votre manager", "au sein du DataLab"): a frame too. Anchored: the same words later in a clause follow its task.
 */
const FRAME_LEAD =
  /^\W*(en (collaboration|lien|binome|relation|liaison|coordination) (etroite )?avec|au sein (de|du|des|d))\b/;

/**
 * A clause that opens with an adjunct ("selon les règles d'hygiène", "afin d'élaborer les budgets prévisionnels",
 * "en fonction des besoins clients", "lors de la livraison", "sur la base des analyses") is the manner, purpose or
 * occasion of a task stated before it, not a task: a frame, unless it goes on to speak to the reader ("Afin de
 * garantir la qualité vous contrôlez…").
 */
const ADJUNCT_LEAD =
  /^\W*(?:selon|sur|en fonction (?:de|des|du|d)|en respect|afin (?:de|d)|lors (?:de|des|du|d))\b(?!.*\b(?:vous|tu)\b)/;

const HEDGE = /\bun plus\b|\bserait un (plus|atout)|\bapprecie|\bsouhaite|\bidealement|\bde preference|\bun atout\b/;

/** A year, a month/year or a year range: lines with one are a CV's experience or diploma headers. */
export const DATE_RANGE =
  /(?:\b(?:depuis|de|du)\s+)?\b(?:(?:janv|fevr|f[eé]v|mars|avr|mai|juin|juil|ao[uû]t|sept|oct|nov|d[eé]c)\w*\.?\s+|\d{1,2}\s*\/\s*)?(?:19|20)\d{2}\b(?:\s*(?:-|–|—|à|a|au|\/|>)\s*(?:(?:janv|fevr|f[eé]v|mars|avr|mai|juin|juil|ao[uû]t|sept|oct|nov|d[eé]c)\w*\.?\s+|\d{1,2}\s*\/\s*)?(?:(?:19|20)\d{2}\b|aujourd['’]hui|ce jour|pr[eé]sent|maintenant|now|en cours))?/i;

/**
 * Accent-free lower case, one character per character (offsets of a fold are the original's). Memoised (a bounded
 * table of units up to 1,000 characters): a match folds each statement three or four times (statement units,
 * extraction, head clause), and the NFD normalisation costs far more than hashing the text.
 */
export function fold(s: string): string {
  // Long units (a text with no line break or sentence end) are folded each time: the table stays small.
  if (s.length > 1_000) return foldText(s);
  let f = folded.get(s);
  if (f === undefined) {
    f = foldText(s);
    if (folded.size >= 4_096) folded.clear();
    folded.set(s, f);
  }
  return f;
}
const folded = new Map<string, string>();

function foldText(s: string): string {
  // Fast path: accents decompose into a letter and a mark, so removing the marks keeps the length in Latin text.
  const quick = s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "");
  if (quick.length === s.length) return quick.replace(/[’']/g, " ");
  let out = "";
  for (const ch of s.toLowerCase()) {
    const base = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    out += base.length === ch.length ? base : ch;
  }
  return out.replace(/[’']/g, " ");
}

/** The company speaking of itself: "nous…", "Nos valeurs…", "notre ambition". */
const COMPANY =
  /\bnous\b|^\W*(notre|nos)\b|\bvaleurs\b|\bnotre (ambition|mission|entreprise|groupe|societe|histoire|raison)\b/;

/**
 * "Nous recherchons / recrutons un(e) …": the company speaks only to offer the job, whose tasks the sentence goes on
 * to list ("… pour la fabrication du pain, pétrissage, façonnage et cuisson"): not its presentation.
 */
const RECRUITING = /\bnous (re)?(cherchons|recrutons)\b/;

/**
 * A short item of the enumeration that follows "nous recherchons / recrutons …" in its sentence ("Nous recherchons un
 * boulanger H/F pour la fabrication du pain et des viennoiseries, pétrissage, façonnage et cuisson"): the job's
 * tasks, not the company's presentation. Only list items of ≤ 3 words: the sentence's longer clauses are the setting
 * ("pour notre client basé à …", "pour travailler entre Aix-en-Provence et Marseille").
 */
function listedAfterRecruiting(u: TextUnit, c: TextUnit): boolean {
  if (c.text.trim().split(/\s+/).length > 3) return false;
  const before = u.text.slice(0, c.start - u.start);
  const sentence = before.slice(
    Math.max(before.lastIndexOf(". "), before.lastIndexOf("\n"), before.lastIndexOf("!")) + 1,
  );
  return RECRUITING.test(fold(sentence));
}

const INFINITIVE = /^[\p{L}-]+(er|ir|re)$/u;

/**
 * Clauses of an enumeration ("soins d'hygiène et de confort, aide aux repas, transmissions ciblées"), each one
 * statement. Not split: a unit whose first clause is a lone verb ("Accueillir, conseiller et orienter les clients":
 * the verbs share the object), or with clauses of one word next to longer ones (a single list item may be one word:
 * "Accueil, Encaissement" splits).
 */
function clauses(u: TextUnit): (TextUnit & { verb?: string })[] {
  const parts: TextUnit[] = [];
  const re = /\s*(?:[,;]|\s\/\s|\s\|\s)\s*/g;
  let p = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(u.text))) {
    // A comma between digits ("1,5 t") or inside parentheses is not a list separator.
    const open =
      (u.text.slice(0, m.index).match(/\(/g)?.length ?? 0) - (u.text.slice(0, m.index).match(/\)/g)?.length ?? 0);
    if (open > 0 || (/\d$/.test(u.text.slice(0, m.index)) && /^\s*\d/.test(u.text.slice(m.index + 1)))) continue;
    parts.push({ text: u.text.slice(p, m.index), start: u.start + p, end: u.start + m.index });
    p = m.index + m[0].length;
  }
  parts.push({ text: u.text.slice(p), start: u.start + p, end: u.end });
  const kept = parts.map(trimUnit).filter((x): x is TextUnit => x !== null);
  if (kept.length < 2) return [u];
  const first = kept[0]!.text.trim();
  if (!first.includes(" ") && INFINITIVE.test(first.toLowerCase())) return [u];
  const verb = leadingVerb(first);
  if (!verb) return kept;
  return kept.map((c, i) => (i > 0 && OBJECT_ONLY.test(fold(c.text)) ? { ...c, verb } : c));
}

/** A clause that starts with its object's determiner: it has no verb of its own ("des commandes", "la plantation"). */
const OBJECT_ONLY = /^(?:des|les|la|le|l |du|de la|de l |d |aux|au|un|une|leurs?|ses|son|sa)\b/;

/** The verb a clause starts with: an infinitive ("Saisir des devis") or a verb after "vous"/"tu" ("vous utilisez…"). */
function leadingVerb(clause: string): string | null {
  const m = /^(?:(?:vous|tu)\s+)?([\p{L}-]+)(?:\s+(?:et|ou)\s+([\p{L}-]+))?\s/u.exec(clause.toLowerCase());
  if (!m) return null;
  const conjugated = /^(?:vous|tu)\s/.test(m[0]);
  if (!conjugated && !INFINITIVE.test(m[1]!)) return null;
  return m[2] && (conjugated || INFINITIVE.test(m[2])) ? `${m[1]} ${m[2]}` : m[1]!;
}

function trimUnit(u: TextUnit): TextUnit | null {
  let s = 0;
  let e = u.text.length;
  while (s < e && /[\s\-–—*•.:()]/.test(u.text[s]!)) s++;
  while (e > s && /[\s.,;:()]/.test(u.text[e - 1]!)) e--;
  if (e - s < 2) return null;
  return { text: u.text.slice(s, e), start: u.start + s, end: u.start + e };
}

/** Four or more blanks inside a line: columns of a two-column layout pasted from a PDF ("FORMATION      COMPÉTENCES"). */
const COLUMN_GAP = /\s{4,}|\t+/g;

/** Units cut at column gaps, each column's text a unit of its own (offsets kept). */
function columnUnits(units: readonly TextUnit[]): TextUnit[] {
  const out: TextUnit[] = [];
  for (const u of units) {
    let p = 0;
    let m: RegExpExecArray | null;
    COLUMN_GAP.lastIndex = 0;
    while ((m = COLUMN_GAP.exec(u.text))) {
      if (m.index > p) out.push({ text: u.text.slice(p, m.index), start: u.start + p, end: u.start + m.index });
      p = m.index + m[0].length;
    }
    if (p === 0) out.push(u);
    else if (p < u.text.length) out.push({ text: u.text.slice(p), start: u.start + p, end: u.end });
  }
  return out;
}

/** Words a line broken in the middle of a phrase ends with ("…recherche de pannes sur installations courant fort et"). */
const DANGLING = /(?:\s(?:et|ou|de|des|du|d|la|le|les|l|a|à|au|aux|en|pour|par|sur|avec|dans)|[a-zà-ÿ]-)$/i;

/**
 * Lines of one phrase broken by a layout (text pasted from PDF or Word) joined again: a line that ends with no
 * punctuation and either with a word that needs a next one ("et", "de", "des"…, a hyphen) or, when it is long, with
 * the next line starting in lower case. The gap between them is kept as blanks, so offsets stay the text's.
 */
function joinBrokenLines(units: readonly TextUnit[], text: string): TextUnit[] {
  const out: TextUnit[] = [];
  for (const u of units) {
    const prev = out.at(-1);
    const lineBreak = prev !== undefined && /^[ \t]*\r?\n[ \t]*$/.test(text.slice(prev.end, u.start));
    const wrapped =
      prev !== undefined && (DANGLING.test(prev.text) || (prev.text.length >= 35 && /^[a-zà-ÿ]/.test(u.text)));
    if (prev && lineBreak && wrapped && !/[.!?:;]$/.test(prev.text)) {
      out[out.length - 1] = {
        text: prev.text + " ".repeat(u.start - prev.end) + u.text,
        start: prev.start,
        end: u.end,
      };
      continue;
    }
    out.push(u);
  }
  return out;
}

/**
 * The statements of a text that extraction scores: sections assigned and headings dropped; benefits, company,
 * hobbies and contact sections, boilerplate and negated lines left out, and units inside `headers` (a CV's job
 * headers and opening lines, see `parseCv`); a CV line's experience or diploma header
 * (dates, job title, employer) cut off before its tasks; enumerations split into clauses.
 */
export function statementUnits(
  units: readonly TextUnit[],
  headers: readonly { start: number; end: number }[] = [],
  /** The text `units` come from: lines a layout broke are joined again only when it is given. */
  text?: string,
): StatementUnit[] {
  const out: StatementUnit[] = [];
  const columns = columnUnits(units);
  for (const u of sectionUnits(text === undefined ? columns : joinBrokenLines(columns, text), text)) {
    const f = fold(u.text);
    if (NEGATION.test(f)) continue;
    const header = headers.some((h) => h.start <= u.start && u.end <= h.end);
    // Without a company heading, a line where the company speaks of itself ("Nos valeurs… sont les fondations de la
    // relation de confiance que nous entretenons avec nos clients") is its presentation, unless it speaks to the
    // reader or states a task (an infinitive).
    const company =
      (u.section === "none" || u.section === "missions") &&
      COMPANY.test(f) &&
      !/\b(vous|votre|vos|tu|ton|ta|tes|toi)\b/.test(f) &&
      !INFINITIVE.test(f.trimStart().split(/\s/)[0] ?? "");
    if ((u.section === "entreprise" || company) && !header && !BOILERPLATE.test(f)) {
      // The company's presentation states no skill of the person, but tells the trade: it votes for the domain. A
      // clause that speaks to the reader ("vous coordonnez les équipes") is the job's.
      for (const c of clauses(u)) {
        if (!hasContentStems(c.text)) continue;
        const cf = fold(c.text);
        if ((/\b(vous|tu)\b/.test(cf) || listedAfterRecruiting(u, c)) && !FRAME.test(cf))
          out.push({ ...c, section: "missions", hedged: HEDGE.test(cf) });
        else out.push({ ...c, section: u.section, hedged: false, voteOnly: true });
      }
      continue;
    }
    if (SKIPPED_SECTIONS.has(u.section) || header || u.heading || BOILERPLATE.test(f)) {
      out.push({ ...u, hedged: false, namedOnly: true });
      continue;
    }
    let unit: TextUnit = u;
    const dated = DATE_RANGE.test(u.text) && u.section !== "missions" && u.section !== "profil";
    // A dated line that names a diploma ("2000 Diplôme d'État d'infirmier – IFSI de Lyon", "J'ai le CAP Maçon
    // (2006)", "Titre professionnel Agent de propreté (2019)") states it, before the school as well as anywhere.
    if (dated && u.section !== "competences" && !namesDiploma(f)) {
      // "2019-2024 Aide-soignante, EHPAD Les Tilleuls : soins…": the tasks follow the colon (or a dash); a header
      // alone names a job, not a skill (diploma headers are the exception: the diploma is a savoir).
      const cut = /\s[:–—-]\s|:\s/.exec(u.text.replace(DATE_RANGE, (d) => " ".repeat(d.length)));
      if (cut) {
        const rest = trimUnit({
          text: u.text.slice(cut.index + cut[0].length),
          start: u.start + cut.index + cut[0].length,
          end: u.end,
        });
        if (!rest) continue;
        unit = rest;
      } else if (u.section !== "formation") {
        out.push({ ...u, hedged: false, namedOnly: true });
        continue;
      }
    }
    const hedged = HEDGE.test(f);
    for (const c of clauses(unit)) {
      if (!hasContentStems(c.text)) continue;
      const cf = fold(c.text);
      if (FRAME.test(cf) || FRAME_LEAD.test(cf) || ADJUNCT_LEAD.test(cf)) {
        out.push({ ...c, section: u.section, hedged, frame: true });
        continue;
      }
      out.push({ ...c, section: u.section, hedged });
    }
  }
  return out;
}

/** A folded line that names a diploma by its level or kind ("agent de service" names none). */
const namesDiploma = (f: string) => NAMES_DIPLOMA.test(f);

/**
 * A preposition opening an adjunct of a statement's head clause ("…les plannings des techniciens dans une zone
 * géographique…", "…les plans de coffrage pour préparer votre zone"). Not "en" and "sur": they open fixed phrases
 * ("mise en œuvre") and objects ("sur logiciel WMS") as often as adjuncts.
 */
const ADJUNCT = /\s(?:pour|afin|avec|selon|dans|lors|aupres|chez|suite|tout au long)\s/g;

/**
 * The head clause of a statement with adjuncts: its text up to the first adjunct that follows two content words or
 * more (and leaves some), or null. A long sentence covers little of the label its head clause states, so the head
 * clause is read too (see `extractStated`).
 */
export function headClause(u: TextUnit): TextUnit | null {
  const f = fold(u.text);
  for (const m of f.matchAll(ADJUNCT)) {
    if (!hasContentStemsAtLeast(u.text.slice(0, m.index), 2)) continue;
    if (!hasContentStems(u.text.slice(m.index))) return null;
    return trimUnit({ text: u.text.slice(0, m.index), start: u.start, end: u.start + m.index });
  }
  return null;
}
