import { normalizeText } from "./normalize.js";

/**
 * What a recruiter's title says of the job, for the ROME side of matching (appellations' words and vectors): the
 * gender marks, contract words, salaries and hours, seniority and "URGENT" go; abbreviations of French offers are
 * written out ("dev" was read as "devis", "ASH" as nothing); English job words get their French appellation word
 * beside them ("engineer" → "engineer ingénieur": ROME lists "Data engineer" as such, and "ingénieur" elsewhere).
 * Pure: a title in, a title out. The labelled-offer memory keeps the raw title (its conventions include the noise).
 */

/** Words that say how the job is offered, not what it is (normalised form). */
const NOISE = new Set(
  (
    "urgent urgence cdi cdd interim interimaire alternance alternant alternante apprentissage stage stagiaire " +
    "internship intern trainee freelance temps plein partiel complet mi " +
    "senior junior confirme confirmee experimente experimentee debutant debutante accepte acceptee " +
    "h f x hf fh hfx fhx e ne se euse trice ere ive eure fe ou poste offre recrutement recrute " +
    "immediat immediatement asap possible evolutif evolution contrat salaire brut net mois an annuel heure heures " +
    "k kf euros euro eur bts dut bac idf"
  ).split(" "),
);

/** Abbreviations and acronyms of French offers, written out (normalised form → words that replace it). */
const ABBREVIATIONS: Record<string, string> = {
  dev: "developpeur",
  devs: "developpeur",
  developper: "developpeur",
  js: "javascript",
  ts: "typescript",
  fullstack: "full stack",
  frontend: "front end",
  backend: "back end",
  devops: "devops",
  plsql: "pl sql",
  ing: "ingenieur",
  inge: "ingenieur",
  admin: "administrateur",
  assist: "assistant",
  resp: "responsable",
  respo: "responsable",
  cdp: "chef de projet",
  rh: "ressources humaines",
  rrh: "responsable ressources humaines",
  drh: "directeur ressources humaines",
  daf: "directeur administratif financier",
  dsi: "directeur systemes information",
  rssi: "responsable securite systemes information",
  adv: "administration des ventes",
  sav: "service apres vente",
  ash: "agent de service hospitalier",
  aes: "accompagnant educatif et social",
  aesh: "accompagnant eleves handicap",
  ide: "infirmier",
  idel: "infirmier",
  ibode: "infirmier bloc operatoire",
  iade: "infirmier anesthesiste",
  avs: "auxiliaire de vie sociale",
  advf: "assistant de vie aux familles",
  amp: "aide medico psychologique",
  atsem: "agent specialise ecoles maternelles",
  asem: "agent specialise ecoles maternelles",
  eje: "educateur jeunes enfants",
  cesf: "conseiller economie sociale familiale",
  asv: "auxiliaire veterinaire",
  mkde: "masseur kinesitherapeute",
  kine: "kinesitherapeute",
  educ: "educateur",
  prof: "professeur",
  ndrc: "negociation relation client commercial",
  mco: "management commercial operationnel vendeur",
  vl: "vehicule leger",
  pl: "poids lourd",
  spl: "super poids lourd",
  tp: "travaux publics",
  btp: "batiment travaux publics",
  vrd: "voirie reseaux divers",
  cvc: "chauffage ventilation climatisation",
  qhse: "qualite hygiene securite environnement",
  hse: "hygiene securite environnement",
  bi: "business intelligence",
  ia: "intelligence artificielle",
  ai: "intelligence artificielle",
  ml: "machine learning",
  sst: "sauveteur secouriste",
  comm: "communication",
  compta: "comptable",
  techn: "technicien",
  maint: "maintenance",
  elec: "electricien",
  electro: "electrotechnicien",
  mecha: "mecanicien",
  chauff: "chauffeur",
  vend: "vendeur",
  manut: "manutentionnaire",
  prepa: "preparateur",
  cuis: "cuisinier",
  serv: "serveur",
  secr: "secretaire",
};

/**
 * Acronyms that are also French words or too short to trust in lower case: written out only when the title
 * writes them in capitals ("AS de nuit", "ES en foyer", "AP", "IDE").
 */
const CAPITAL_ABBREVIATIONS: Record<string, string> = {
  as: "aide soignant",
  es: "educateur specialise",
  me: "moniteur educateur",
  ap: "auxiliaire puericulture",
  cap: "",
  bep: "",
  but: "",
  ce: "",
  ca: "",
};

/** English job words with the French word ROME's appellations use, added beside them. */
const ENGLISH: Record<string, string> = {
  engineer: "ingenieur",
  engineering: "ingenierie",
  developer: "developpeur",
  software: "logiciel",
  sales: "commercial",
  salesman: "commercial",
  seller: "vendeur",
  account: "clientele",
  accountant: "comptable",
  accounting: "comptabilite",
  buyer: "acheteur",
  purchasing: "achats",
  analyst: "analyste",
  architect: "architecte",
  administrator: "administrateur",
  technician: "technicien",
  director: "directeur",
  head: "responsable",
  officer: "charge",
  manager: "responsable",
  management: "gestion",
  tester: "testeur",
  testing: "test",
  security: "securite",
  network: "reseau",
  networks: "reseaux",
  system: "systeme",
  systems: "systemes",
  teacher: "professeur",
  trainer: "formateur",
  driver: "chauffeur",
  cook: "cuisinier",
  waiter: "serveur",
  waitress: "serveur",
  nurse: "infirmier",
  cleaner: "agent entretien",
  recruiter: "recruteur",
  customer: "client",
  care: "soin",
  business: "affaires",
  writer: "redacteur",
  maintenance: "maintenance",
  mechanic: "mecanicien",
  electrician: "electricien",
  welder: "soudeur",
  warehouse: "entrepot",
  supply: "logistique",
  procurement: "achats",
  lawyer: "juriste",
  legal: "juridique",
  marketing: "marketing",
  product: "produit",
  project: "projet",
  research: "recherche",
  scientist: "scientifique",
  researcher: "chercheur",
  designer: "designer",
  data: "donnees",
};

/**
 * A normalised word's written-out form when it is an abbreviation of French offers ("dev" → "developpeur",
 * "fullstack" → "full stack"), else undefined. For search boxes: the acronyms that are French words in lower case
 * ("as", "es") are not written out.
 */
export function writtenOut(word: string): string | undefined {
  return ABBREVIATIONS[word];
}

/** Gender marks: "(H/F)", "F/H/X", "H/F", "(e)", "·e", "(trice)", "(ère)". */
const GENDER =
  /\(\s*[hfx](?:\s*[/-]\s*[hfx]){1,2}\s*\)|\b[hfx](?:\s*\/\s*[hfx]){1,2}\b|\((?:e|ne|se|euse|trice|ère|ere|rice|ive|fe|le|te)\)|[·.](?:e|ne|se|euse|trice|ère)\b/gi;
/** Salaries and hours: "2 000 €", "45K€", "35h", "12,50 €/h", "100%". */
const AMOUNTS =
  /\d[\d\s.,]*\s*(?:k\s*€|k€|€|euros?|k\b|h\b|heures?\b|%)(?:\s*(?:brut|net|\/\s*(?:an|mois|h|heure)))*/gi;

/**
 * Names of IT stacks whose parts an abbreviation would take ("PL/SQL" is no "poids lourd", "AS/400" no "aide
 * soignant"): joined into one word first. ".NET" stays a noise word: as "net" it reads ROME's "Internet" (Documentaliste).
 */
const STACKS: readonly [RegExp, string][] = [
  [/\bpl\s*\/\s*sql\b/gi, " plsql "],
  [/\bas\s*\/\s*400\b/gi, " as400 "],
];

/**
 * The job words of a title, normalised: gender marks, amounts and noise words out, abbreviations written out,
 * English job words with their French beside them (`english` false: left alone). Parts a separator sets apart (" - ", "|", ":", ",") that keep
 * no word after cleaning go with it ("ALTERNANCE - Data Scientist", "Serveur - Lyon 3e": see `titleParts`).
 */
export function cleanTitle(title: string, english = true): string {
  return cleanTitleWords(title, english).text;
}

/**
 * `cleanTitle` and whether it put French beside an English job word (`english`: the words differ from those of
 * `cleanTitle(title, false)`), from one cleaning.
 */
export function cleanTitleWords(title: string, english = true): { text: string; english: boolean } {
  const stacks = STACKS.reduce((t, [re, to]) => t.replace(re, to), title);
  const capitals = new Set((stacks.match(/\b[A-Z]{2,}\b/g) ?? []).map((w) => w.toLowerCase()));
  const text = stacks.replace(GENDER, " ").replace(AMOUNTS, " ");
  const out: string[] = [];
  let added = false;
  for (const w of normalizeText(text).split(" ")) {
    if (!w) continue;
    if (/^\d+$/.test(w)) continue;
    if (w in CAPITAL_ABBREVIATIONS) {
      if (capitals.has(w)) {
        const x = CAPITAL_ABBREVIATIONS[w]!;
        if (x) out.push(x);
        continue;
      }
    }
    if (NOISE.has(w)) continue;
    const abbr = ABBREVIATIONS[w];
    if (abbr !== undefined) {
      out.push(abbr);
      continue;
    }
    out.push(w);
    const en = english ? ENGLISH[w] : undefined;
    if (en) {
      out.push(en);
      added = true;
    }
  }
  return { text: out.join(" "), english: added };
}

/**
 * A title's parts, split on the separators recruiters put between the job and the rest (" - ", " – ", " | ", " : ",
 * " / " is not one: "Vendeur / Vendeuse"), each cleaned (`cleanTitle`); parts left empty are dropped.
 */
export function titleParts(title: string, english = true): string[] {
  return title
    .split(/\s[-–—|:]\s|\s*\|\s*|\s*:\s+|,\s+|\s+-{2,}\s+/)
    .map((x) => cleanTitle(x, english))
    .filter((p) => p.length > 0);
}

/**
 * A text's first line when it reads like a job title (≤ 10 words, ≤ 90 characters, no sentence end): the line a
 * text sent without `title` often starts with. Whether it names a job is for the caller (ROME's appellations) to say.
 */
export function leadingTitleLine(text: string): string | null {
  const first = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!first || first.length > 90 || /[.!?;]\s*$/.test(first) || /[.!?]\s/.test(first)) return null;
  const n = first.split(/\s+/).length;
  return n >= 1 && n <= 10 ? first : null;
}
