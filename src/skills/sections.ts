import { normalizeText, type TextUnit } from "../text/index.js";

/** Parts of an offer (missions, profil, avantages, entreprise) or a CV (expérience, formation, compétences…). */
export type Section =
  | "missions"
  | "profil"
  | "avantages"
  | "entreprise"
  | "experience"
  | "formation"
  | "competences"
  | "langues"
  | "loisirs"
  | "contact"
  | "none";

/** Sections whose lines state no skill of the person (benefits, company, hobbies, contact details). */
export const SKIPPED_SECTIONS: ReadonlySet<Section> = new Set(["avantages", "entreprise", "loisirs", "contact"]);

/** Normalised heading → section. Headings are matched whole (after bullets, numbers and a final colon). */
const HEADINGS: Record<Exclude<Section, "none">, string[]> = {
  missions: [
    "missions",
    "mission",
    "vos missions",
    "les missions",
    "votre mission",
    "missions principales",
    "principales missions",
    "description du poste",
    "descriptif du poste",
    "le poste",
    "poste",
    "description",
    "activites",
    "vos activites",
    "taches",
    "vos taches",
    "responsabilites",
    "vos responsabilites",
    "votre role",
    "role",
    "definition de poste",
    "definition du poste",
    "poste propose",
    "au quotidien",
    "ce que vous ferez",
    "descriptif",
    "detail du poste",
    "vos principales missions",
    "mission principale",
    "votre mission principale",
    "missions cles",
    "vos missions cles",
    "ta mission",
    "tes missions",
    "vos missions et responsabilites",
  ],
  profil: [
    "profil",
    "profil recherche",
    "votre profil",
    "le profil",
    "profil souhaite",
    "profil candidat",
    "qualifications",
    "competences requises",
    "pre requis",
    "prerequis",
    "exigences",
    "savoir etre",
    "qualites requises",
    "qualites",
    "requirements",
    "vous etes",
    "qui etes vous",
    "profil et competences",
    "competences attendues",
    "competences recherchees",
    "experience requise",
    "description du profil",
    "mes qualites",
    "qualites personnelles",
    "savoir etre professionnels",
    "ton profil",
    "vos qualites",
    "qualites recherchees",
  ],
  avantages: [
    "avantages",
    "nos avantages",
    "les avantages",
    "nous offrons",
    "nous vous offrons",
    "ce que nous offrons",
    "ce que nous vous offrons",
    "conditions",
    "remuneration",
    "salaire",
    "package",
    "pourquoi nous rejoindre",
    "infos pratiques",
    "informations complementaires",
    "conditions de travail",
    "conditions du poste",
    "horaires",
    "contrat",
    "type de contrat",
    "lieu",
    "localisation",
    "lieu de travail",
    "benefits",
    "modalites",
    "informations pratiques",
    "les plus du poste",
    "remuneration et avantages",
    "processus de recrutement",
    "lieu du poste",
  ],
  entreprise: [
    "entreprise",
    "l entreprise",
    "qui sommes nous",
    "a propos",
    "notre entreprise",
    "societe",
    "la societe",
    "about us",
    "presentation",
    "notre client",
    "le client",
    "votre futur employeur",
    "qui sommes nous ?",
  ],
  experience: [
    "experience",
    "experiences",
    "experience professionnelle",
    "experiences professionnelles",
    "parcours",
    "parcours professionnel",
    "emplois",
    "work experience",
    "professional experience",
    "experience pro",
    "historique professionnel",
    "stages",
    "emplois occupes",
  ],
  formation: [
    "formation",
    "formations",
    "diplomes",
    "diplome",
    "education",
    "etudes",
    "formation et diplomes",
    "diplomes et formations",
    "cursus",
    "certifications",
    "certificats",
    "formation initiale",
    "formations et certifications",
    "scolarite",
  ],
  competences: [
    "competences",
    "competence",
    "competences cles",
    "competences techniques",
    "competences professionnelles",
    "savoir faire",
    "skills",
    "informatique",
    "outils",
    "logiciels",
    "atouts",
    "points forts",
    "outils et logiciels",
    "competences informatiques",
    "connaissances",
    "permis",
    "savoir faire et savoir etre",
    "aptitudes",
    "hard skills",
    "soft skills",
    "mes competences",
    "competences et qualites",
  ],
  langues: ["langues", "languages", "langue", "langues etrangeres"],
  loisirs: [
    "loisirs",
    "centres d interet",
    "centres d interets",
    "centre d interet",
    "interets",
    "hobbies",
    "activites extra professionnelles",
    "divers",
    "autres",
    "activites personnelles",
    "passions",
  ],
  contact: ["contact", "coordonnees", "informations personnelles", "etat civil", "references"],
};

const HEADING_OF = new Map<string, Exclude<Section, "none">>();
for (const [section, keys] of Object.entries(HEADINGS) as [Exclude<Section, "none">, string[]][]) {
  for (const k of keys) HEADING_OF.set(normalizeText(k), section);
}

/** Longer than any heading with its bullets and colon: not one (skips normalising every line). */
const HEADING_MAX = Math.max(...[...HEADING_OF.keys()].map((k) => k.length)) + 16;

/** The section a heading names, or null when the text is not a heading. */
export function headingSection(raw: string): Exclude<Section, "none"> | null {
  if (raw.length > HEADING_MAX) return null;
  const key = normalizeText(raw.replace(/^[\s\d.)\-–—•*#]+/, "").replace(/[:：\s]+$/, ""));
  return key ? (HEADING_OF.get(key) ?? null) : null;
}

/** A unit as extraction reads it: its section, and whether it only announces a section or states nothing. */
export interface SectionedUnit extends TextUnit {
  section: Section;
  /** A line in capitals that names a topic (`capitalHeading`): read for short forms only. */
  heading?: boolean;
}

/** Headings that name one value ("Contrat :", "Lieu :"): the next line's section only, on its own line too. */
const KEYS = new Set([
  "contrat",
  "type de contrat",
  "lieu",
  "localisation",
  "lieu de travail",
  "lieu du poste",
  "horaires",
  "salaire",
  "remuneration",
]);

/**
 * Assigns each unit its section and drops headings: a unit that is a heading ("Formation", "VOTRE PROFIL :") sets
 * the section of the units after it; a unit that starts with one ("Compétences : gestes et postures…") loses the
 * heading (offsets move past it) and takes its section, for itself only. A short line ending with a colon ("Vous aurez pour
 * missions :") announces what follows and is dropped too.
 */
export function sectionUnits(
  units: readonly TextUnit[],
  /** The text of `units`: with it, a heading cut from its value on one line ("Lieu : Sallanches") is the value's only. */
  text?: string,
): SectionedUnit[] {
  const out: SectionedUnit[] = [];
  let current: Section = "none";
  let only: Section | null = null;
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const whole = headingSection(u.text);
    if (whole) {
      const next = units[i + 1];
      // The segmenter cuts "Rémunération : Selon profil" at the colon: a key and its value, not a section.
      if (text !== undefined && next && /^[ \t]*[:：][ \t]*$/.test(text.slice(u.end, next.start))) only = whole;
      else if (KEYS.has(normalizeText(u.text))) only = whole;
      else {
        // An offer's lines before its first heading, when that heading opens the missions, present the company.
        if (current === "none" && whole === "missions")
          for (const o of out) if (o.section === "none") o.section = "entreprise";
        current = whole;
      }
      continue;
    }
    if (only !== null) {
      out.push({ ...u, section: only });
      only = null;
      continue;
    }
    const colon = u.text.search(/\s*[:：]\s*/);
    if (colon > 0) {
      const head = headingSection(u.text.slice(0, colon));
      if (head) {
        const m = /\s*[:：]\s*/.exec(u.text.slice(colon))!;
        const cut = colon + m[0].length;
        // "Horaires : Journée", "Compétences : gestes et postures…": the heading is this line's alone (a key and
        // its value), unless nothing follows it on the line.
        if (cut < u.text.length) out.push({ text: u.text.slice(cut), start: u.start + cut, end: u.end, section: head });
        else current = head;
        continue;
      }
    }
    // The segmenter may have cut the colon from the line it ends ("Vos missions seront :" then a list): the same.
    const colonEnds = /[:：]\s*$/.test(u.text) || (text !== undefined && colonEndsLine(text, u.end));
    if (colonEnds && u.text.split(/\s+/).length <= 8) {
      const n = normalizeText(u.text);
      if (/\bmissions?\b|\btaches\b|\bactivites\b|\bresponsabilites\b/.test(n)) current = "missions";
      else if (/\bprofil\b|\bcompetences\b|\bqualites\b/.test(n)) current = "profil";
      else if (/\boffrons\b|\bavantages\b/.test(n)) current = "avantages";
      continue;
    }
    out.push(capitalHeading(u, text) ? { ...u, section: current, heading: true } : { ...u, section: current });
  }
  return out;
}

/** Whether the text after `end` is a colon and the end of its line. */
const colonEndsLine = (text: string, end: number) => /^[ \t]*[:：][ \t]*(?:\r?\n|$)/.test(text.slice(end, end + 40));

/**
 * A line of at most five words in capitals ("MAINTENANCE ET SÉCURITÉ", "LE PROCESSUS D'ADMISSION") is a heading
 * this list does not know: it names a topic, it states nothing (licences and software names are still read).
 */
function capitalHeading(u: TextUnit, text: string | undefined): boolean {
  if (/[a-zß-ÿ]/.test(u.text) || (u.text.match(/[A-ZÀ-Þ]/g)?.length ?? 0) < 4 || u.text.split(/\s+/).length > 5)
    return false;
  if (text === undefined) return true;
  const lineStart = text.lastIndexOf("\n", u.start - 1) + 1;
  const lineEnd = text.indexOf("\n", u.end);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  return normalizeText(line) === normalizeText(u.text);
}
