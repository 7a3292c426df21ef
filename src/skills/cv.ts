import { headingSection, type Section } from "./sections.js";
import type { Span } from "./types.js";
import { round } from "../numbers.js";

/** One job of a CV: its header line's title, employer and dates, and the lines that describe it. */
export interface CvExperience {
  title: string;
  employer: string | null;
  /** Years (a month when written: 2019.25 is April 2019); `end` null when the job goes on ("depuis", "aujourd'hui"). */
  start: number | null;
  end: number | null;
  current: boolean;
  /** Whole months, from the dates (the current year for a job that goes on); null without a start. */
  durationMonths: number | null;
  /** The header line, and the title inside it. */
  span: Span;
  titleSpan: Span;
  /** Task lines under the header (and the tasks after a colon on the header line). */
  tasks: Span[];
}

export interface CvEducation {
  text: string;
  year: number | null;
  span: Span;
}

export interface ParsedCv {
  experiences: CvExperience[];
  education: CvEducation[];
  /** Lines that name a job, an employer or dates (and the CV's opening lines: name, contact): no skill there. */
  headerSpans: Span[];
}

const MONTHS: Record<string, number> = {
  janv: 1,
  jan: 1,
  fevr: 2,
  fev: 2,
  mars: 3,
  mar: 3,
  avr: 4,
  mai: 5,
  juin: 6,
  juil: 7,
  aout: 8,
  sept: 9,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const MONTH = String.raw`(?:janv(?:ier)?|f[ée]vr?(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[uû]t|sept(?:embre)?|oct(?:obre)?|nov(?:embre)?|d[ée]c(?:embre)?)\.?`;
const POINT = String.raw`(?:(?:${MONTH}\s+|\d{1,2}\s*[/.]\s*)?(?:19|20)\d{2})`;
const NOW = String.raw`(?:aujourd['’]hui|ce jour|pr[ée]sent|maintenant|now|en cours|actuel(?:lement)?)`;
/** "2019-2024", "Depuis 03/2019", "sept. 2022 - août 2024", "2021 à aujourd'hui", "Été 2018". */
const DATES = new RegExp(
  String.raw`(?:(?:depuis|de|du|été|hiver|printemps|automne)\s+)?(${POINT})(?:\s*(?:-|–|—|à|au|a|\/|>)\s*(${POINT}|${NOW}))?`,
  "i",
);

function pointValue(s: string): number | null {
  const y = /(19|20)\d{2}/.exec(s);
  if (!y) return null;
  const year = Number(y[0]);
  const f = s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "");
  const num = /(\d{1,2})\s*[/.]\s*(?:19|20)\d{2}/.exec(f);
  const name = /([a-z]{3,5})/.exec(f);
  const month = num
    ? Number(num[1])
    : name
      ? (MONTHS[name[1]!.slice(0, 4)] ?? MONTHS[name[1]!.slice(0, 3)] ?? null)
      : null;
  return month && month >= 1 && month <= 12 ? year + (month - 1) / 12 : year;
}

interface Line {
  text: string;
  start: number;
  end: number;
}

function linesOf(text: string): Line[] {
  const out: Line[] = [];
  const re = /[^\r\n]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const lead = m[0].length - m[0].trimStart().length;
    const t = m[0].trim();
    if (t) out.push({ text: t, start: m.index + lead, end: m.index + lead + t.length });
  }
  return out;
}

const span = (text: string, start: number, end: number): Span => ({ start, end, text: text.slice(start, end) });

/**
 * Reads a CV's structure from plain text (typed, or pasted from PDF or Word): sections by their headings; in the
 * experience section, each line with dates is a job's header ("2019-2024 Aide-soignante, EHPAD Les Tilleuls : …",
 * "Développeur web — Agence Pixelweb — sept. 2022 - août 2024"; a header without a title takes the line before
 * it), the lines after it its tasks; in the education section, each line a diploma. `now` (a year) dates jobs
 * that go on.
 */
export function parseCv(text: string, now = new Date().getUTCFullYear() + new Date().getUTCMonth() / 12): ParsedCv {
  const lines = linesOf(text);
  const experiences: CvExperience[] = [];
  const education: CvEducation[] = [];
  const headerSpans: Span[] = [];
  let section: Section = "none";
  let seenHeading = false;
  let cvHeading = false;
  const opening: Span[] = [];
  let current: CvExperience | null = null;
  lines.forEach((l, i) => {
    const whole = headingSection(l.text);
    // Two-column PDF text puts two headings on one line ("FORMATION      COMPÉTENCES"): the first one counts.
    const first = whole ?? headingSection(l.text.split(/\s{3,}|\t/)[0] ?? "");
    if (first && (whole || l.text.split(/\s{3,}|\t/).every((p) => headingSection(p)))) {
      section = first;
      seenHeading = true;
      cvHeading ||= CV_SECTIONS.has(first);
      current = null;
      return;
    }
    if (!seenHeading) {
      // The CV's opening lines (name, title, contact) state no skill; a long paragraph (a profile) does.
      if (l.text.split(/\s+/).length <= 12) opening.push(span(text, l.start, l.end));
      return;
    }
    const d = DATES.exec(l.text);
    if (section === "experience" && d) {
      const exp = experienceOf(text, l, d, lines[i - 1], now);
      if (exp) {
        experiences.push(exp);
        headerSpans.push(exp.span);
        current = exp;
        return;
      }
    }
    if (section === "formation") {
      education.push({
        text: l.text,
        year: d ? Math.floor(pointValue(d[1]!) ?? 0) || null : null,
        span: span(text, l.start, l.end),
      });
      return;
    }
    if (section === "experience" && current) current.tasks.push(span(text, l.start, l.end));
  });
  // Opening lines are a CV's name and contact only when the text has a CV's sections (an offer's are its intro).
  return { experiences, education, headerSpans: cvHeading ? [...opening, ...headerSpans] : headerSpans };
}

const CV_SECTIONS: ReadonlySet<Section> = new Set(["experience", "formation", "langues", "loisirs"]);

function experienceOf(
  text: string,
  l: Line,
  d: RegExpExecArray,
  previous: Line | undefined,
  now: number,
): CvExperience | null {
  const start = pointValue(d[1]!);
  const endRaw = d[2];
  const current = /depuis/i.test(d[0]) || (endRaw !== undefined && new RegExp(NOW, "i").test(endRaw));
  const end = current ? null : endRaw ? pointValue(endRaw) : start;
  // The line without its dates: "Aide-soignante, EHPAD Les Tilleuls, Lyon : soins…" → header and tasks.
  const blanked = l.text.slice(0, d.index) + " ".repeat(d[0].length) + l.text.slice(d.index + d[0].length);
  const colon = /:\s/.exec(blanked);
  const headerEnd = colon && /\p{L}{2}/u.test(blanked.slice(0, colon.index)) ? colon.index : blanked.length;
  const tasks: Span[] = [];
  if (headerEnd < blanked.length) {
    const s = l.start + headerEnd + colon![0].length;
    if (s < l.end) tasks.push(span(text, s, l.end));
  }
  // Header parts: title first, then employer, split on commas, dashes, bars and colons.
  const parts: { text: string; start: number }[] = [];
  const re = /[^,;|:–—()]+/g;
  let m: RegExpExecArray | null;
  const head = blanked.slice(0, headerEnd);
  while ((m = re.exec(head))) {
    for (const piece of splitDash(m[0], m.index)) {
      const t = piece.text.trim();
      if (/\p{L}{2}/u.test(t) && !/^(?:cdi|cdd|int[ée]rim|stage|alternance|freelance)$/i.test(t))
        parts.push({ text: t, start: piece.start + piece.text.indexOf(t) });
    }
  }
  let title: { text: string; start: number; end: number } | null = null;
  if (parts[0])
    title = {
      text: parts[0].text,
      start: l.start + parts[0].start,
      end: l.start + parts[0].start + parts[0].text.length,
    };
  else if (previous && previous.text.split(/\s+/).length <= 8 && !headingSection(previous.text))
    title = { text: previous.text, start: previous.start, end: previous.end };
  if (!title) return null;
  const employer = parts[1]?.text ?? null;
  const to = end ?? now;
  const durationMonths = start === null ? null : Math.max(1, Math.round((to - start) * 12));
  return {
    title: title.text,
    employer,
    start,
    end,
    current,
    durationMonths,
    span: span(text, l.start, headerEnd < blanked.length ? l.start + headerEnd : l.end),
    titleSpan: span(text, title.start, title.end),
    tasks,
  };
}

/** " - " separates parts ("SOUDEUR - Chaudronnerie"); a hyphen inside a word ("Aide-soignante") does not. */
function splitDash(s: string, offset: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let p = 0;
  for (const m of s.matchAll(/\s-\s/g)) {
    out.push({ text: s.slice(p, m.index), start: offset + p });
    p = m.index + m[0].length;
  }
  out.push({ text: s.slice(p), start: offset + p });
  return out;
}

/** Words of a job header that are no part of the job's name ("Stage développeur", "Aide-soignante de nuit"). */
const NOT_TITLE =
  /\b(?:stage|stagiaire|alternance|alternant|alternante|apprenti|apprentie|int[ée]rimaire|int[ée]rim|junior|senior|confirm[ée]e?|cdi|cdd|de nuit|de jour|freelance|ind[ée]pendant)\b/gi;

/** A job title as it names an appellation: contract and level words out. */
export function cleanJobTitle(title: string): string {
  return title
    .replace(/\([^)]*\)/g, " ")
    .replace(NOT_TITLE, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * How much an experience says about what the person does now: longer and more recent jobs weigh more
 * (√ of the years spent, less a fifth per year since it ended), the heaviest 1.
 */
export function experienceWeights(
  experiences: readonly Pick<CvExperience, "start" | "end" | "durationMonths">[],
  now: number,
): number[] {
  const raw = experiences.map((e) => {
    const years = (e.durationMonths ?? 12) / 12;
    const since = e.end === null ? 0 : Math.max(0, now - e.end - 1);
    return Math.sqrt(years + 0.5) * 0.8 ** since;
  });
  const top = Math.max(0, ...raw);
  return raw.map((w) => (top > 0 ? round(w / top, 3) : 0));
}
