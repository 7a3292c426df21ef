import type { Referential } from "../rome/index.js";
import { normalizeText } from "../text/index.js";

/**
 * Savoir-être and broad transverse skills exist in ROME 4.0 only as macro-compétence rows ("Faire preuve de
 * rigueur et de précision"): a text asks for them in a word or two ("rigoureux", "esprit d'équipe"). Each rule is
 * a pattern over the accent-free lower-case text and the words of the MC label it stands for (looked up in the
 * referential, so a renamed label fails the tests, not silently).
 */
const RULES: readonly [RegExp, string[], ((sentence: string) => boolean)?][] = [
  [
    /\brigueu\w*|\brigoureu\w*|\bminutie\w*|\bmeticuleu\w*|\bsens du detail|\bsouci du detail|\bsoucieu\w* du detail/,
    ["rigueur", "precision"],
  ],
  [/\bautonom\w*/, ["faire", "preuve", "autonomie"]],
  [
    /\besprit d equipe|\btravail(?:ler)? en equipe|\btravail d equipe|\besprit collaboratif|\bteam ?work|\bsens du collectif/,
    ["esprit", "equipe"],
  ],
  [/\breactiv\w*|\breactif\w*/, ["reactivite"]],
  [
    /\bcapacite d ecoute|\bsens de l ecoute|\bempathi\w*|\ba l ecoute\b|\becoute\b|\bbienveillan\w*/,
    ["ecoute", "empathie"],
  ],
  [/\bcuriosite|\bcurieu\w*|\bouverture d esprit/, ["curiosite"]],
  [/\bcreativ\w*|\bcreatif\w*|\binventiv\w*/, ["preuve", "creativite"]],
  [
    /\bsens du service|\bsens client|\borientation client|\besprit (?:de |du )service|\bsens du client|\bculture (?:du )?service/,
    ["sens", "service"],
  ],
  [
    /\bsens de l organisation|\borganise(?:e|s|es)?\b|\bpriorites\b|\bprioris\w*|\b(?:capacite|qualite|esprit)s? d organisation|\borganisationnel\w*|\bmethodique\w*/,
    ["organiser", "priorites"],
  ],
  [
    /\badaptabilit\w*|\b(?:capacites?|faculte|qualites?|sens|esprit|aptitudes?) d adaptation|\bet d adaptation\b|\bsens de l adaptation|\badaptation a (?:des|toutes?|differentes|diverses|tout|de nouvelles|de nouveaux) (?:situations?|environnements?|contextes?|changements?)|\bouvert aux changements|\badaptable\w*|\bcapacites? a s adapter/,
    ["ouvert", "changements"],
  ],
  [
    // Advice to the person served, as a task of its own ("l'accueil et le conseil", "conseils clients", "apporter
    // des conseils"); not an institution ("le conseil municipal") nor a trade ("le conseil en gestion").
    /\b(?:le|du|au) conseil\b(?! (?:d administration|municipal|departemental|regional|de surveillance|syndical|general|de l ordre|communautaire|social|economique|en|et l ingenierie|et l expertise|informatique|it)\b)|\bconseils? (?:aux |a la |au |des |a nos |a notre |a vos )?(?:clients?|clientele|patients?|usagers|adherents|voyageurs)\b|\b(?:apporter|apportez|apportes?|donner|donnez|prodiguer|prodiguez|delivrer) (?:des |vos |ses |de |les |tes |nos )?(?:bons |precieux )?conseils\b/,
    ["conseiller", "accompagner", "personne"],
    // A company telling its own trade ("leader européen du conseil", "nous intervenons au niveau du conseil"), or
    // "Conseil" written as a name (a service line, an institution: "via l'AT, le Conseil, l'Audit").
    (sentence) =>
      /\b(?:nous|notre|nos|leader|groupe|filiale|societe|cabinet|entreprise|acteur|specialiste)\b/.test(
        normalizeText(sentence),
      ) || /(?<!\p{L})(?:le|du|au) Conseil(?!\p{L})/u.test(sentence),
  ],
  [/\bperseveran\w*|\btenac\w*/, ["perseverance"]],
  [/\bleadership\b/, ["leadership"]],
  [/\bforce de proposition/, ["force", "proposition"]],
  [/\bsens des responsabilites|\bresponsabilis\w*/, ["sens", "responsabilites"]],
  [/\bmaitrise de soi|\bsang.froid|\bgestion du stress|\bresistance au stress/, ["controle", "soi"]],
  [/\bpatience\b/, ["patience", "sang"]],
  [
    /\bsens du relationnel|\bqualites relationnelles|\baisance relationnelle|\brelationnel\b|\bsens commercial|\bsens du contact|\bbon contact/,
    ["aisance", "relationnelle"],
  ],
  [
    /\brespect\w* (?:des |les )?(?:consignes|regles|normes|procedures) (?:de |d )?(?:qualite|securite|hygiene)|\bqsse\b|\bqhse\b|\bqhsse\b|\bhse\b/,
    ["respecter", "qualite", "hygiene", "securite"],
  ],
];

export interface SoftSkillRule {
  pattern: RegExp;
  /** Whether a statement's sentence, as written, does not ask for the skill, whatever the pattern meets in it. */
  unless?: ((sentence: string) => boolean) | undefined;
  code: string;
  kind: "macro-competence" | "competence";
}

export function buildSoftSkills(ref: Referential): SoftSkillRule[] {
  const words = (l: string) => new Set(normalizeText(l).split(" "));
  const mcs = [...ref.macroCompetences.values()].map((m) => ({
    code: m.code,
    kind: "macro-competence" as const,
    words: words(m.libelle),
  }));
  // A few are compétences of a broader MC ("Faire preuve de sens commercial et d'aisance relationnelle").
  const comps = [...ref.competences.values()].map((c) => ({
    code: c.code,
    kind: "competence" as const,
    words: words(c.libelle),
  }));
  const out: SoftSkillRule[] = [];
  for (const [pattern, want, unless] of RULES) {
    const hit =
      mcs.find((m) => want.every((w) => m.words.has(w))) ?? comps.find((m) => want.every((w) => m.words.has(w)));
    // An older version may lack the label (v458 has no "ouvert aux changements"): that rule is left out, said once.
    if (!hit) console.error(`soft skill rule ${pattern}: no ${ref.version} label holds ${want.join(", ")}; left out`);
    else out.push({ pattern: new RegExp(pattern.source, "g"), code: hit.code, kind: hit.kind, unless });
  }
  return out;
}

/** The savoir-être MCs a unit asks for, with spans (offsets in the original text; `fold` keeps the unit's length). */
const anyRule = new WeakMap<readonly SoftSkillRule[], RegExp>();

export function softSkillsIn(
  rules: readonly SoftSkillRule[],
  fold: string,
  offset: number,
  /** The sentence around the statement as written (a clause cut at a comma loses who speaks), for `unless`. */
  sentence: () => string = () => fold,
): { code: string; kind: SoftSkillRule["kind"]; start: number; end: number }[] {
  const out: { code: string; kind: SoftSkillRule["kind"]; start: number; end: number }[] = [];
  // One pass of all the patterns together first: most statements ask for no savoir-être.
  let any = anyRule.get(rules);
  if (!any) anyRule.set(rules, (any = new RegExp(rules.map((r) => `(?:${r.pattern.source})`).join("|"))));
  if (!any.test(fold)) return out;
  for (const r of rules) {
    r.pattern.lastIndex = 0;
    const m = r.pattern.exec(fold);
    if (m && !out.some((o) => o.code === r.code) && !r.unless?.(sentence()))
      out.push({ code: r.code, kind: r.kind, start: offset + m.index, end: offset + m.index + m[0].length });
  }
  return out;
}
