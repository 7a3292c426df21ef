/** Evidence spans → non-overlapping pieces of text, each with the marks that cover it (pure, no DOM). */

export interface Mark {
  start: number;
  end: number;
  /** What the colour stands for: a macro-compétence code, "savoir", or "experience". */
  group: string;
  /** What hovering shows: the ROME item. */
  label: string;
  score: number;
}

export interface Piece {
  start: number;
  end: number;
  text: string;
  /** Marks covering the piece, best score first (empty for plain text). */
  marks: Mark[];
}

/**
 * Cuts `text` at every mark boundary. Marks outside the text are clipped, empty ones dropped, so a span from a
 * different version of the text never throws: at worst it highlights less.
 */
export function pieces(text: string, marks: readonly Mark[]): Piece[] {
  const valid = marks
    .map((m) => ({ ...m, start: Math.max(0, Math.floor(m.start)), end: Math.min(text.length, Math.floor(m.end)) }))
    .filter((m) => Number.isFinite(m.start) && Number.isFinite(m.end) && m.end > m.start);
  const cuts = new Set<number>([0, text.length]);
  for (const m of valid) cuts.add(m.start).add(m.end);
  const points = [...cuts].sort((a, b) => a - b);
  const out: Piece[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    const covering = valid.filter((m) => m.start <= start && m.end >= end).sort((a, b) => b.score - a.score);
    const last = out[out.length - 1];
    // Adjacent plain pieces merge, so the DOM holds one text node per gap.
    if (covering.length === 0 && last && last.marks.length === 0) {
      last.end = end;
      last.text = text.slice(last.start, end);
    } else out.push({ start, end, text: text.slice(start, end), marks: covering });
  }
  return out;
}

/** One colour slot per group, in order of first appearance, cycling over `slots` colours. */
export function colourSlots(groups: readonly string[], slots: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of groups) if (!out.has(g)) out.set(g, out.size % slots);
  return out;
}
