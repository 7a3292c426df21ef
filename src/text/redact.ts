/**
 * Personal data out of text before anything derived from it is kept (the lake's phrases): e-mail addresses,
 * phone numbers, French social-security numbers (NIR) and dates of birth. Each match becomes a line break, so
 * that no phrase is built across it. Names cannot be found by pattern: that is why a CV without `storeText`
 * keeps no text-derived string at all (see the lake).
 */

const EMAIL =
  /[\p{L}\p{N}._%+'-]+\s?(?:@|\(at\)|\[at\]|\barobase\b)\s?[\p{L}\p{N}-]+(?:\s?(?:\.|\(dot\)|\[dot\])\s?[\p{L}\p{N}-]+)+/giu;
// French numbers (0X XX XX XX XX, +33 (0)X …, 0033 …) and other international ones (+ and 8–15 digits).
const PHONE = /(?:(?:\+|00)33\s?(?:\(0\)\s?)?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b|\+\d{1,3}(?:[\s.-]?\d){7,13}\b/g;
// NIR: sex, year, month (01–12, 20–99 for unknown), département (2 digits or 2A/2B), commune, order, optional key.
const NIR =
  /\b[12][\s.]?\d{2}[\s.]?(?:0[1-9]|1[0-2]|[2-9]\d)[\s.]?(?:\d{2}|2[ab])[\s.]?\d{3}[\s.]?\d{3}(?:[\s.]?\d{2})?\b/gi;
const MONTHS =
  "janv(?:ier|\\.)?|f[ée]vr(?:ier|\\.)?|mars|avr(?:il|\\.)?|mai|juin|juil(?:let|\\.)?|ao[uû]t|sept(?:embre|\\.)?|oct(?:obre|\\.)?|nov(?:embre|\\.)?|d[ée]c(?:embre|\\.)?";
// A full date (day, month and year): a date of birth is always one; the periods of a CV are months and years.
const FULL_DATE = new RegExp(
  `\\b(?:[0-3]?\\d[/.-][01]?\\d[/.-](?:19|20)?\\d{2}|(?:1er|[0-3]?\\d)\\s+(?:${MONTHS})\\s+(?:19|20)\\d{2}|(?:19|20)\\d{2}-[01]\\d-[0-3]\\d)\\b`,
  "giu",
);
// "née en 1985", "date de naissance : 1985": a birth year with its cue.
const BIRTH_YEAR = /\b(?:n[ée]e?\s+(?:le|en)|date\s+de\s+naissance|naissance)\s*:?\s*(?:19|20)\d{2}\b/giu;

const PATTERNS = [EMAIL, NIR, PHONE, FULL_DATE, BIRTH_YEAR] as const;

/** The text with every e-mail, phone number, NIR and date of birth replaced by a line break. */
export function redactPersonalData(text: string): string {
  let out = text;
  for (const re of PATTERNS) out = out.replace(re, "\n");
  return out;
}

/** True when the text holds something `redactPersonalData` would remove. */
export function hasPersonalData(text: string): boolean {
  return PATTERNS.some((re) => {
    re.lastIndex = 0;
    const hit = re.test(text);
    re.lastIndex = 0;
    return hit;
  });
}
