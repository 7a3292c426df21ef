/**
 * Backtest of the emerging-phrase detector on a real ROME update: phrases found in offers read with an old
 * referential are ranked by the detector, then each is asked whether the new referential covers it.
 * Pure scoring and bookkeeping here; reading offers, engines and referentials is the CLI's job.
 */
import { Referential } from "../rome/index.js";
import { AllTermsIndex, candidatePhrases, contentStems, segment } from "../text/index.js";
import { bagOf, sameFinding } from "./terms.js";
import type { TrendDocument } from "./types.js";
import { round } from "../numbers.js";

const round4OrNull = (x: number | null): number | null => (x === null ? null : round(x, 4));

export interface Covering {
  code: string;
  libelle: string;
}

/** One phrase as a detector ranks it. `flagged` phrases come first, by descending score. */
export interface ScoredPhrase {
  key: string;
  label: string;
  score: number;
  support: number;
  sources: number;
  flagged: boolean;
  /** Ranked before score when set: the analysis puts rising phrases (tier 1) before widespread ones (tier 0). */
  tier?: number;
}

/** A phrase and its near-duplicates counted once: its first (best-ranked) phrase stands for the group. */
export interface Finding {
  head: ScoredPhrase;
  members: string[];
  coveredBy: Covering | null;
}

/**
 * The split rule. ROME's June 2025 split created fiches whose items describe the same jobs under new codes; an
 * item that only those new fiches hold is a reorganisation, not ROME adopting something new. So the "new"
 * referential of the backtest keeps only the fiches that already existed in the old one (same code), the items
 * and appellations linked to them, every macro-compétence and every contexte; a phrase that only an item of a
 * new fiche says counts as not covered.
 */
export function restrictToFichesOf(next: Referential, old: Referential): Referential {
  const fiches = new Map([...next.fiches].filter(([code]) => old.fiches.has(code)));
  const linked = new Set<string>();
  for (const f of fiches.values())
    for (const l of [...f.competences, ...f.savoirs, ...f.macroCompetences]) linked.add(l.code);
  return new Referential({
    version: `${next.version}∩${old.version}-fiches`,
    fiches,
    appellations: new Map([...next.appellations].filter(([, a]) => fiches.has(a.ficheCode))),
    competences: new Map([...next.competences].filter(([code]) => linked.has(code))),
    macroCompetences: new Map(next.macroCompetences),
    savoirs: new Map([...next.savoirs].filter(([code]) => linked.has(code))),
    contextes: new Map(next.contextes),
    levels: new Map(next.levels),
  });
}

/** The labels a coverage test reads (a Referential, or a few labels in a test). */
export type LabelSource = Record<
  "competences" | "savoirs" | "macroCompetences" | "appellations" | "contextes",
  ReadonlyMap<string, { code: string; libelle: string }>
>;

/** Every label a coverage test reads: compétences, savoirs, macro-compétences, appellations, contextes. */
function* labelsOf(ref: LabelSource): Iterable<{ code: string; libelle: string }> {
  for (const m of [ref.competences, ref.savoirs, ref.macroCompetences, ref.appellations, ref.contextes])
    yield* m.values();
}

/**
 * The engine's word test (src/match/uncovered.ts) that also names the label: a key is covered when one ROME
 * label (compétence, savoir, macro-compétence, appellation, contexte) holds all its stems.
 */
export function createLexicalCoverage(ref: LabelSource): (key: string) => Covering | null {
  const labels: Covering[] = [];
  const stemSets: Set<string>[] = [];
  const add = (code: string, libelle: string) => {
    const s = new Set(contentStems(libelle));
    if (s.size === 0) return;
    labels.push({ code, libelle });
    stemSets.push(s);
  };
  for (const l of labelsOf(ref)) add(l.code, l.libelle);
  const index = new AllTermsIndex(stemSets);
  return (key) => {
    // The shortest label that holds them all: the closest wording (the first of equal ones).
    let best: number | null = null;
    index.forEachHoldingAll(key.split(" ").filter(Boolean), (i) => {
      if (best === null || stemSets[i]!.size < stemSets[best]!.size) best = i;
    });
    return best === null ? null : labels[best]!;
  };
}

/**
 * A stricter yardstick beside the engine's word test: a label SAYS a key when the key's stems occur in it as one
 * run of content words, in order, and make at least half of the label's content words ("sens servic client" in
 * "Sens du service client", "sen responsabilit" in "Faire preuve de sens des responsabilités"), not merely
 * somewhere in a long sentence ("responsabilit suiv" in "Suivre les indicateurs … sous sa responsabilité",
 * "rhon" in "Ingénieur diplômé de l'institut supérieur d'agriculture Rhône-Alpes"). Same labels as
 * createLexicalCoverage.
 */
export function createPhraseCoverage(ref: LabelSource): (key: string) => Covering | null {
  const bag = createLexicalCoverage(ref);
  const labels: { c: Covering; stems: string; n: number }[] = [];
  const add = (code: string, libelle: string) => {
    const st = contentStems(libelle);
    labels.push({ c: { code, libelle }, stems: ` ${st.join(" ")} `, n: st.length });
  };
  for (const l of labelsOf(ref)) add(l.code, l.libelle);
  return (key) => {
    // Only keys the word test covers can be said as a run: a cheap gate before the scan.
    if (!bag(key)) return null;
    const run = ` ${key} `;
    const words = key.split(" ").length;
    let best: (typeof labels)[number] | null = null;
    for (const l of labels)
      if (words * 2 >= l.n && l.stems.includes(run) && (!best || l.stems.length < best.stems.length)) best = l;
    return best?.c ?? null;
  };
}

/** Whether the key's stems make at least half of the label's content words (the phrase yardstick's rule). */
export function mainContentOf(key: string, libelle: string): boolean {
  const label = new Set(contentStems(libelle));
  const shared = new Set(key.split(" ").filter((w) => label.has(w))).size;
  return shared * 2 >= label.size;
}

/** Documents, distinct sources and the usual surface form of every phrase key (offers' text only). */
export function phraseStats(
  docs: readonly TrendDocument[],
): Map<string, { support: number; sources: number; label: string }> {
  const support = new Map<string, number>();
  const sources = new Map<string, Set<string>>();
  for (const d of docs) {
    for (const k of new Set(d.phrases)) {
      support.set(k, (support.get(k) ?? 0) + 1);
      let s = sources.get(k);
      if (!s) sources.set(k, (s = new Set()));
      s.add(d.source);
    }
  }
  const surfaces = new Map<string, Map<string, number>>();
  for (const d of docs) {
    if (!d.text) continue;
    const keys = new Set(d.phrases);
    for (const u of segment(d.text)) {
      for (const p of candidatePhrases(u)) {
        if (!keys.has(p.key)) continue;
        let m = surfaces.get(p.key);
        if (!m) surfaces.set(p.key, (m = new Map()));
        m.set(p.text, (m.get(p.text) ?? 0) + 1);
      }
    }
  }
  const out = new Map<string, { support: number; sources: number; label: string }>();
  for (const [k, n] of support) {
    const forms = [...(surfaces.get(k) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
    out.set(k, { support: n, sources: sources.get(k)!.size, label: forms[0]?.[0] ?? k });
  }
  return out;
}

/**
 * Groups a ranked list into findings. A phrase joins an earlier finding when the new referential covers both
 * with the same label (one new item, said several ways), when one phrase's words sit inside the other's
 * ("prompt engineering" / "prompt") or when both hold the same words in another order. The finding keeps the rank of its best phrase.
 */
export function groupFindings(
  ranked: readonly ScoredPhrase[],
  coveredBy: ReadonlyMap<string, Covering | null>,
): Finding[] {
  const out: Finding[] = [];
  const byCode = new Map<string, Finding>();
  for (const p of ranked) {
    const cov = coveredBy.get(p.key) ?? null;
    const host =
      (cov ? byCode.get(cov.code) : undefined) ?? out.find((f) => f.members.some((m) => sameFinding(m, p.key)));
    if (host) {
      host.members.push(p.key);
      // A group is covered when any of its phrases is: the item was adopted, whichever wording the detector led with.
      if (!host.coveredBy && cov) ((host.coveredBy = cov), byCode.set(cov.code, host));
      continue;
    }
    const f: Finding = { head: p, members: [p.key], coveredBy: cov };
    out.push(f);
    if (cov) byCode.set(cov.code, f);
  }
  return out;
}

/** Share of the first k findings that the new referential covers; null when there is none. */
export function precisionAt(findings: readonly Finding[], k: number): number | null {
  const top = findings.slice(0, k);
  return top.length === 0 ? null : top.filter((f) => f.coveredBy).length / top.length;
}

export interface BacktestFigures {
  documents: number;
  candidates: number;
  flagged: number;
  precision_at_10: number | null;
  precision_at_20: number | null;
  precision_at_50: number | null;
  base_rate: number;
  lift_at_20: number | null;
}

/** Ranks the flagged phrases of a detector and scores them against coverage by the new referential. */
export function backtestFigures(
  documents: number,
  candidates: readonly ScoredPhrase[],
  coveredBy: ReadonlyMap<string, Covering | null>,
): BacktestFigures & { findings: Finding[]; allFindings: Finding[] } {
  const flagged = rankFlagged(candidates);
  const findings = groupFindings(flagged, coveredBy);
  // The base rate groups near-duplicates the same way, so that precision and base rate count the same units.
  const allFindings = groupFindings(
    [...candidates].sort((a, b) => b.support - a.support || cmp(a.key, b.key)),
    coveredBy,
  );
  const baseRate = allFindings.length ? allFindings.filter((f) => f.coveredBy).length / allFindings.length : 0;
  const p20 = precisionAt(findings, 20);
  return {
    documents,
    candidates: allFindings.length,
    flagged: findings.length,
    precision_at_10: round4OrNull(precisionAt(findings, 10)),
    precision_at_20: round4OrNull(p20),
    precision_at_50: round4OrNull(precisionAt(findings, 50)),
    base_rate: round(baseRate, 4),
    lift_at_20: p20 === null || baseRate === 0 ? null : round(p20 / baseRate, 4),
    findings,
    allFindings,
  };
}

export function rankFlagged(candidates: readonly ScoredPhrase[]): ScoredPhrase[] {
  return candidates
    .filter((c) => c.flagged)
    .sort((a, b) => (b.tier ?? 0) - (a.tier ?? 0) || b.score - a.score || b.support - a.support || cmp(a.key, b.key));
}

/** The frequency control: the same candidates, the most frequent first, all "flagged". */
export function byFrequency(candidates: readonly ScoredPhrase[]): ScoredPhrase[] {
  // No tier: the detector's "rising first" must not leak into the control.
  return candidates.map(({ tier: _tier, ...c }) => ({ ...c, score: c.support, flagged: true }));
}

/**
 * The shuffled-dates control: each document gets the date of another document of the same source (a seeded
 * permutation within each source), so the collections keep their periods and only the order inside a source
 * is lost. A trend signal that survives this did not come from time.
 */
export function shuffleDatesWithinSource(docs: readonly TrendDocument[], rnd: () => number): TrendDocument[] {
  const bySource = new Map<string, number[]>();
  docs.forEach((d, i) => {
    const l = bySource.get(d.source);
    if (l) l.push(i);
    else bySource.set(d.source, [i]);
  });
  const out = [...docs];
  for (const idx of bySource.values()) {
    const dates = idx.map((i) => docs[i]!.documentDate);
    for (let i = dates.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [dates[i], dates[j]] = [dates[j]!, dates[i]!];
    }
    idx.forEach((i, k) => (out[i] = { ...docs[i]!, documentDate: dates[k]! }));
  }
  return out;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A stable half of the candidates ("a" or "b"), by an FNV-1a hash of the key's words in any order. */
export function keyHalf(key: string): "a" | "b" {
  let h = 0x811c9dc5;
  for (const ch of bagOf(key)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h % 2 === 0 ? "a" : "b";
}
