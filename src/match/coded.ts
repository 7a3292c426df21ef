import { CodedError } from "../errors.js";

/**
 * Codes in force when an offer was coded. France Travail codes an offer with the ROME of its day: before the split of
 * June 2025 (1,056 fiches to 1,584) the children of a split fiche did not exist, and offers of that time carry the
 * parent's code (every dev offer created before June 2025 does). `inForce` maps a ranked list of today's codes to
 * the codes of an earlier referential: a fiche absent from it becomes its `code_rome_parent`, repeats merged (first
 * place kept).
 */
export function inForce(
  codes: readonly string[],
  earlier: ReadonlySet<string>,
  parentOf: (code: string) => string,
): string[] {
  const out: string[] = [];
  for (const c of codes) {
    const x = earlier.has(c) ? c : parentOf(c);
    if (!out.includes(x)) out.push(x);
  }
  return out;
}

/**
 * What the engine knows of the referential in force before today's (ROME_EARLIER): its version, the first day of its
 * successor (ROME_EARLIER_UNTIL), and for each of today's fiche rows the row of the code in force then (the fiche
 * itself, or its code_rome_parent for a fiche created since).
 */
export interface EarlierCodes {
  version: string;
  until: string;
  rowThen: Int32Array;
  /** How many of today's fiches did not exist then. */
  created: number;
  /** The referential in force before this one (its `until` earlier), or null when none is known. */
  older: EarlierCodes | null;
  /**
   * Where the appellations were then (`appellationsThen`): ROME moves appellations between fiches from one release to
   * the next ("Directeur de magasin de détail" was D1301 in v458, is D1302 in v460), so a title read against
   * today's appellations names a fiche the coder of the day did not; null: today's places.
   */
  appellations?: AppellationsThen | null;
}

/** The fiche rows of today's appellations as the earlier referential placed them (only where it differs). */
export interface AppellationsThen {
  /** Row of the appellation index (`Lexicon.appellationFicheRow`'s rows) → fiche row then. */
  docRow: Int32Array;
  /** Appellation code → fiche row then. */
  byCode: ReadonlyMap<string, number>;
  /** `titleKey` of an appellation → rows of the fiches that listed an appellation with that key then. */
  keyRows: ReadonlyMap<string, readonly number[]>;
  /** How many appellations sit elsewhere then. */
  moved: number;
}

/** `EarlierCodes` from the earlier referential's codes and today's fiche rows and parent rows (built once at load). */
export function earlierCodes(
  earlier: { version: string; until: string; codes: ReadonlySet<string> },
  ficheCodes: readonly string[],
  parentRow: Int32Array,
): EarlierCodes {
  let created = 0;
  const rowThen = Int32Array.from(ficheCodes, (code, row) => {
    if (earlier.codes.has(code)) return row;
    created++;
    const p = parentRow[row]!;
    // A fiche whose parent is not an earlier code either has no code of that time to go to: it stays itself.
    return earlier.codes.has(ficheCodes[p]!) ? p : row;
  });
  return { version: earlier.version, until: earlier.until, rowThen, created, older: null };
}

/** The version name of the historical codes (`historicalCodes`): ROME v3's 532 fiches, whose codes ROME 4.0 kept. */
export const HISTORICAL_VERSION = "v3";

/**
 * The codes in force before ROME 4.0 published its first fiches beyond the 532 historical ones (ROME v3's codes, kept
 * by ROME 4.0 when it came into service in March 2023): every fiche of today goes to its `code_rome_parent`, the
 * historical fiche it was split from (the split has one level: a parent is its own parent). The dev offers created
 * before 2024 carry such codes (604 of DlDI's 614, 2020–2023), children of v458 only from March 2024.
 */
export function historicalCodes(until: string, parentRow: Int32Array): EarlierCodes {
  let created = 0;
  const rowThen = Int32Array.from(parentRow, (p, row) => {
    if (p !== row) created++;
    return p;
  });
  return { version: HISTORICAL_VERSION, until, rowThen, created, older: null };
}

/** One of today's appellations: its code, its fiche's row, its `titleKey` (empty: none). */
export interface TodayAppellation {
  code: string;
  row: number;
  key: string;
}

/**
 * Today's appellations placed where an earlier referential had them (`codesThen`: appellation code → its code then;
 * `rowOf`: a code's fiche row today) when that is another code of the era (`rowThen`: a fiche created since goes to
 * its code then anyway, so only real moves count); `docs`: the appellation index's codes, row by row. Null when none
 * moved. An appellation unknown then, or whose code then is no fiche today, stays where it is.
 */
export function appellationsThen(
  today: readonly TodayAppellation[],
  docs: readonly string[],
  rowOf: (code: string) => number | undefined,
  codesThen: ReadonlyMap<string, string>,
  rowThen: Int32Array,
): AppellationsThen | null {
  let moved = 0;
  const byCode = new Map<string, number>();
  for (const a of today) {
    const c = codesThen.get(a.code);
    const then = c === undefined ? undefined : rowOf(c);
    const elsewhere = then !== undefined && rowThen[then] !== rowThen[a.row];
    if (elsewhere) moved++;
    byCode.set(a.code, elsewhere ? then : a.row);
  }
  if (moved === 0) return null;
  const keyRows = appellationKeyRows(today, (a) => byCode.get(a.code)!);
  const docRow = Int32Array.from(docs, (code) => {
    const row = byCode.get(code);
    if (row === undefined) throw new Error(`appellation index row ${code} is not an appellation`);
    return row;
  });
  return { docRow, byCode, keyRows, moved };
}

/** `titleKey` of appellations → the fiche rows (`rowOf`) of those with that key; appellations without a key left out. */
export function appellationKeyRows(
  appellations: readonly TodayAppellation[],
  rowOf: (a: TodayAppellation) => number,
): Map<string, number[]> {
  const keyRows = new Map<string, number[]>();
  for (const a of appellations) {
    if (!a.key) continue;
    const row = rowOf(a);
    const rows = keyRows.get(a.key);
    if (!rows) keyRows.set(a.key, [row]);
    else if (!rows.includes(row)) rows.push(row);
  }
  return keyRows;
}

/** `newer` with `older` as the referential before it (a copy; `older` must end no later than `newer`). */
export function withOlder(newer: EarlierCodes, older: EarlierCodes | null): EarlierCodes {
  if (older && older.until > newer.until)
    throw new Error(`${older.version} ends after ${newer.version} (${older.until} > ${newer.until})`);
  return { ...newer, older };
}

/** When a text was coded: an ISO date (`codedAt`) or the ROME version its codes are of (`romeVersion`). */
export interface CodedWhen {
  codedAt?: string;
  romeVersion?: string;
}

/**
 * The earlier referential whose codes a match lists, or null for today's: `romeVersion` naming it (the earlier one or
 * one older than it), or `codedAt` before its successor came into force (the oldest such). A version the engine does
 * not know is a caller error; a date with no earlier referential configured lists today's codes (nothing older is
 * known).
 */
export function codesFor(when: CodedWhen, today: string, earlier: EarlierCodes | null): EarlierCodes | null {
  const chain: EarlierCodes[] = [];
  for (let e = earlier; e; e = e.older) chain.push(e);
  if (when.romeVersion !== undefined && when.romeVersion !== today) {
    const named = chain.find((e) => e.version === when.romeVersion);
    if (named) return named;
    const known = [today, ...chain.map((e) => e.version)].join(", ");
    throw new CodedError("invalid_request", `romeVersion: this server lists the codes of ${known}`);
  }
  if (when.romeVersion === today || when.codedAt === undefined) return null;
  // The oldest referential still in force on that day: the chain runs from the newest to the oldest.
  const day = when.codedAt.slice(0, 10);
  let found: EarlierCodes | null = null;
  for (const e of chain) if (day < e.until) found = e;
  return found;
}

/**
 * Whether a text was coded while today's referential was in force: `romeVersion` naming it, or `codedAt` on or after
 * the first day of its codes (the earlier referential's `until`). False when that is not known (undated, or no earlier
 * referential configured): such a text may carry a code given before the split.
 */
export function codedToday(when: CodedWhen, today: string, earlier: Pick<EarlierCodes, "until"> | null): boolean {
  if (when.romeVersion !== undefined) return when.romeVersion === today;
  return when.codedAt !== undefined && earlier !== null && when.codedAt.slice(0, 10) >= earlier.until;
}

/**
 * The candidates of a ranked list (`order`, best first, today's rows) as the codes in force then: each row goes to
 * `rowThen`, the rows that meet there merged into one candidate whose score is T·log Σ exp(score/T) over them (the
 * softmax at temperature T then gives it their confidences summed), in order of merged score, ties by row. `scores`:
 * `totals` with the merged scores written in (a copy); `members`: for each code that absorbed fiches created since,
 * those fiches' rows, best first.
 */
export function mergeInForce(
  order: readonly number[],
  totals: ArrayLike<number>,
  rowThen: Int32Array,
  temperature: number,
): { order: number[]; scores: Float64Array; members: Map<number, number[]> } {
  const groups = new Map<number, number[]>();
  for (const i of order) {
    const r = rowThen[i]!;
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  const scores = Float64Array.from(totals);
  const members = new Map<number, number[]>();
  for (const [r, rows] of groups) {
    const max = Math.max(...rows.map((i) => totals[i]!));
    let z = 0;
    for (const i of rows) z += Math.exp((totals[i]! - max) / temperature);
    scores[r] = max + temperature * Math.log(z);
    const created = rows.filter((i) => i !== r);
    if (created.length) members.set(r, created);
  }
  const merged = [...groups.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b);
  return { order: merged, scores, members };
}
