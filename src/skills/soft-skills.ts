import type { Referential } from "../rome/index.js";
import { normalizeText } from "../text/index.js";

/**
 * Savoir-être and broad transverse skills exist in ROME 4.0 only as macro-compétence rows ("Faire preuve de
 * rigueur et de précision"): a text asks for them in a word or two ("rigoureux", "esprit d'équipe"). Each rule is
 * a pattern over the accent-free lower-case text and the words of the MC label it stands for (looked up in the
 * referential, so a renamed label fails the tests, not silently).
 */
const RULES: readonly [RegExp, string[]][] = [
  [/\brigueu\w*|\brigoureu\w*|\bprecision\b|\bminutie\w*|\bmeticuleu\w*/, ["rigueur", "precision"]],
  [/\bautonom\w*/, ["autonomie"]],
  [/\besprit d equipe|\btravail(?:ler)? en equipe|\bteam ?work|\bsens du collectif/, ["esprit", "equipe"]],
  [/\breactiv\w*|\breactif\w*/, ["reactivite"]],
  [/\bcapacite d ecoute|\bsens de l ecoute|\bempathi\w*|\ba l ecoute\b|\bbienveillan\w*/, ["ecoute", "empathie"]],
  [/\bcuriosite|\bcurieu\w*|\bouverture d esprit/, ["curiosite"]],
  [/\bcreativ\w*|\bcreatif\w*|\binventiv\w*/, ["creativite"]],
  [/\bsens du service|\bsens client|\bsens commercial|\borientation client/, ["sens", "service"]],
  [/\bsens de l organisation|\borganise(?:e|s|es)?\b|\bgestion des priorites|\bprioris\w*/, ["organiser", "priorites"]],
  [/\badaptabilit\w*|\bcapacite d adaptation|\bpolyvalen\w*|\bflexib\w*/, ["ouvert", "changements"]],
  [/\bperseveran\w*|\btenac\w*/, ["perseverance"]],
  [/\bleadership\b|\bmeneur\b/, ["leadership"]],
  [/\bforce de proposition/, ["force", "proposition"]],
  [/\bsens des responsabilites|\bresponsabilis\w*/, ["sens", "responsabilites"]],
  [/\bmaitrise de soi|\bsang.froid|\bgestion du stress|\bresistance au stress|\bcalme\b/, ["controle", "soi"]],
  [/\bponctu\w*|\bassidu\w*/, ["respecter", "regles", "consignes"]],
  [/\bdiscretion\b|\bdiscret\w*|\bconfidentialit\w*/, ["confidentialite"]],
  [/\bsens du relationnel|\bqualites relationnelles|\baisance relationnelle|\brelationnel\b/, ["relations", "interpersonnelles"]],
  [/\bdynamis\w*|\bdynamique\b|\bmotiv\w*|\bpassionn\w*|\bserieu\w*/, []], // boilerplate: matched to drop, no MC
];

export interface SoftSkillRule {
  pattern: RegExp;
  /** The MC code; null for boilerplate words that name no ROME item. */
  code: string | null;
}

export function buildSoftSkills(ref: Referential): SoftSkillRule[] {
  const mcs = [...ref.macroCompetences.values()].map((m) => ({ code: m.code, words: new Set(normalizeText(m.libelle).split(" ")) }));
  return RULES.map(([pattern, words]) => {
    if (words.length === 0) return { pattern: new RegExp(pattern.source, "g"), code: null };
    const hit = mcs.find((m) => words.every((w) => m.words.has(w)));
    if (!hit) throw new Error(`soft skill rule ${pattern}: no macro-compétence label holds ${words.join(", ")}`);
    return { pattern: new RegExp(pattern.source, "g"), code: hit.code };
  });
}

/** The savoir-être MCs a unit asks for, with spans (offsets in the original text; `fold` keeps the unit's length). */
export function softSkillsIn(rules: readonly SoftSkillRule[], fold: string, offset: number): { code: string; start: number; end: number }[] {
  const out: { code: string; start: number; end: number }[] = [];
  for (const r of rules) {
    if (!r.code) continue;
    r.pattern.lastIndex = 0;
    const m = r.pattern.exec(fold);
    if (m && !out.some((o) => o.code === r.code)) out.push({ code: r.code, start: offset + m.index, end: offset + m.index + m[0].length });
  }
  return out;
}
