/** A piece of a document (a line, a bullet, a sentence) with its character offsets in the original text. */
export interface TextUnit {
  text: string;
  start: number;
  end: number;
}

const MAX_UNIT_CHARS = 300;

/**
 * Splits an offer or CV into units: lines and bullets first, then sentences, then (for very long
 * sentences) comma/semicolon clauses, so that one unit states roughly one skill or task.
 * Offsets index into the original string, so evidence spans can be shown as they were written.
 */
export function segment(text: string): TextUnit[] {
  const units: TextUnit[] = [];
  // Line breaks, bullets (•, -, *, ·, ▪, ✓, numbered), and sentence ends.
  const boundary = /\r?\n|[•·▪►✓✔■◦]|(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9])|;\s+|\s-\s|:\s+(?=[A-ZÀ-Ý-])/g;
  let last = 0;
  const pushUnit = (s: number, e: number) => {
    while (s < e && /[\s\-*–—:,.]/.test(text[s]!)) s++;
    while (e > s && /[\s,;:]/.test(text[e - 1]!)) e--;
    if (e - s < 3) return;
    if (e - s > MAX_UNIT_CHARS) {
      // Very long sentence: split on commas so one long enumeration gives several units.
      const re = /,\s+/g;
      let p = s;
      let m: RegExpExecArray | null;
      const sub = text.slice(s, e);
      while ((m = re.exec(sub))) {
        const cut = s + m.index;
        if (cut - p >= 40) {
          units.push({ text: text.slice(p, cut), start: p, end: cut });
          p = cut + m[0].length;
        }
      }
      if (e - p >= 3) units.push({ text: text.slice(p, e), start: p, end: e });
      return;
    }
    units.push({ text: text.slice(s, e), start: s, end: e });
  };
  let m: RegExpExecArray | null;
  while ((m = boundary.exec(text))) {
    pushUnit(last, m.index);
    last = m.index + m[0].length;
  }
  pushUnit(last, text.length);
  return units;
}
