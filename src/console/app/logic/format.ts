/** Number and label formatting in French (pure). */

const pct = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 0 });
const pct1 = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });
const num = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });
const int = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });

export const percent = (v: number, precise = false): string =>
  Number.isFinite(v) ? (precise ? pct1 : pct).format(v) : "—";
export const decimal = (v: number): string => (Number.isFinite(v) ? num.format(v) : "—");
export const integer = (v: number): string => (Number.isFinite(v) ? int.format(v) : "—");

export const STATUS_LABEL: Record<string, string> = {
  confident: "Confiant",
  uncertain: "Incertain",
  empty: "Aucun métier",
};
export const STATUS_REASON: Record<string, string> = {
  low_confidence: "la confiance du premier métier est faible",
  small_margin: "l'écart avec le deuxième métier est faible",
  labelled_offers_against_text: "les offres étiquetées désignent un métier que le texte lui-même soutient moins",
};
export const VIABILITY_LABEL: Record<string, string> = {
  highly_viable: "Très accessible",
  viable: "Accessible",
  stretch: "Éloigné",
};
export const ESCO_RELATION: Record<string, string> = {
  exactMatch: "correspondance exacte",
  closeMatch: "correspondance proche",
  broadMatch: "plus large",
  narrowMatch: "plus étroite",
};

/** A ROME code as typed (any case, spaces) → "J1501", or null. */
export function romeCode(input: string): string | null {
  const s = input.trim().toUpperCase();
  return /^[A-N]\d{4}$/.test(s) ? s : null;
}

/** An experience's dates in whatever shape the service gives (string, years, {start, end}) → "2019 – 2024". */
export function datesText(e: Record<string, unknown>): string | null {
  const piece = (v: unknown): string | null =>
    typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" && Number.isFinite(v) ? String(v) : null;
  const d = e.dates;
  if (typeof d === "string" && d.trim()) return d.trim();
  const src = d && typeof d === "object" ? (d as Record<string, unknown>) : e;
  const start = piece(src.start) ?? piece(src.from) ?? piece(src.startYear);
  const end = piece(src.end) ?? piece(src.to) ?? piece(src.endYear);
  if (start && end) return `${start} – ${end}`;
  if (start) return `depuis ${start}`;
  if (end) return `jusqu'en ${end}`;
  return null;
}
