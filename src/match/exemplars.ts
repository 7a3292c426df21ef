import { createHash } from "node:crypto";
import { Bm25Index, contentStems, titleKey, type TermCounts } from "../text/index.js";

/** One offer whose ROME code a recruiter chose (France Travail offers carry it). */
export interface Exemplar {
  id: string;
  title: string;
  text: string;
  romeCode: string;
  /** The ROME items (compétences, macro-compétences, savoirs: code_ogr) the recruiter attached, when the offer has them. */
  competences?: readonly string[];
}

/** How the labelled offers of one code were coded: offers with ROME items, and how many chose each item. */
export interface ItemChoices {
  /** Offers of the code that carry ROME items. */
  offers: number;
  /** Item code → offers of the code that chose it. */
  chosen: ReadonlyMap<string, number>;
}

/**
 * A text's body asks the memory with its 25 terms of highest tf·idf, as Lucene's MoreLikeThis does by default: the
 * other terms are common ones that barely move the neighbours. Cross-validated figures as with every term within
 * 0.3 point (top-1 0.6548 against 0.6551, top-5 0.829 against 0.831, macro top-1 0.513 both), the vote ~2× cheaper
 * (0.75 → 0.33 ms on a 300-word offer, inside a match).
 */
const BODY_QUERY_TERMS = 25;

/** Codes whose pooled offers (see `voteByCode`) are scored for a text. */
const CODE_HITS = 100;

/** Neighbours that vote. */
const NEIGHBOURS = 5;
/**
 * A neighbour votes (its similarity to the query relative to the query's own BM25 score)^SHARPNESS: near-copies
 * count fully, loose lexical neighbours hardly, so that codes absent from the memory are not crowded out (macro
 * top-1 within 3 points; voting relative to the best neighbour instead cost it 15 points in cross-validation).
 */
const SHARPNESS = 2;

/**
 * A memory of labelled offers (LABELLED_OFFERS): the codes of the offers most like a text vote for their fiches,
 * by title and by body. Recruiters' own coding carries what ROME's labels do not (local job names, the mix of
 * ROME versions systems still use): on the dev offers, grouped 5-fold cross-validation puts top-1 ~10 points
 * higher with it, macro top-1 within 3 points (README "Figures"). Lexical (BM25) on purpose: it is what works with the
 * bundled static model.
 */
export class ExemplarMemory {
  private readonly titles: Bm25Index;
  private readonly bodies: Bm25Index;
  private readonly titleStems: string[][];
  private readonly bodyStems: string[][];
  /** `exemplarGroup` of each exemplar's text. */
  private readonly groups: Uint32Array;
  /** `titleKey` → fiche row → number of distinct texts (reposts count once) with that title and code. */
  private readonly sameTitle = new Map<string, Map<number, number>>();
  /** One document per code: the titles, and the titles + texts, of all its offers pooled (see `voteByCode`). */
  private readonly codeTitles: Bm25Index;
  private readonly codeBodies: Bm25Index;
  /** Fiche row of each pooled-code document. */
  private readonly codeRows: Int32Array;
  /** Fiche row → how its labelled offers were coded (those with ROME items only). */
  private readonly itemChoices = new Map<number, { offers: number; chosen: Map<string, number> }>();
  /** Item code → labelled offers (any code) that chose it. */
  private readonly itemTotals = new Map<string, number>();
  /** The offers that carry items, by title + text (see `codedNeighbours`), and their distinct items. */
  private readonly codedBodies: Bm25Index;
  private readonly codedItems: ReadonlySet<string>[] = [];

  private constructor(
    readonly exemplars: readonly Exemplar[],
    /** Fiche row of each exemplar's code. */
    private readonly rows: Int32Array,
    derived?: { titles: string[][]; bodies: string[][]; groups: Uint32Array },
  ) {
    this.titleStems = derived?.titles ?? exemplars.map((e) => contentStems(e.title));
    this.bodyStems = derived?.bodies ?? exemplars.map((e) => contentStems(`${e.title}\n${e.text}`));
    this.groups = derived?.groups ?? Uint32Array.from(exemplars, (e) => exemplarGroup(e.text));
    this.titles = new Bm25Index(this.titleStems, 1.2, 0.5);
    this.bodies = new Bm25Index(this.bodyStems, 1.2, 0.75);
    const pooled = new Map<number, { titles: string[]; bodies: string[] }>();
    rows.forEach((row, i) => {
      let p = pooled.get(row);
      if (!p) pooled.set(row, (p = { titles: [], bodies: [] }));
      for (const t of this.titleStems[i]!) p.titles.push(t);
      for (const t of this.bodyStems[i]!) p.bodies.push(t);
    });
    this.codeRows = Int32Array.from(pooled.keys());
    // b = 0.3: a pooled document's length is mostly how many offers the code has, which should not count against it.
    this.codeTitles = new Bm25Index(
      [...pooled.values()].map((p) => p.titles),
      1.2,
      0.3,
    );
    this.codeBodies = new Bm25Index(
      [...pooled.values()].map((p) => p.bodies),
      1.2,
      0.3,
    );
    const codedStems: string[][] = [];
    exemplars.forEach((e, i) => {
      const items = new Set(e.competences ?? []);
      if (items.size === 0) return;
      codedStems.push(this.bodyStems[i]!);
      this.codedItems.push(items);
      let c = this.itemChoices.get(rows[i]!);
      if (!c) this.itemChoices.set(rows[i]!, (c = { offers: 0, chosen: new Map() }));
      c.offers++;
      for (const item of items) {
        c.chosen.set(item, (c.chosen.get(item) ?? 0) + 1);
        this.itemTotals.set(item, (this.itemTotals.get(item) ?? 0) + 1);
      }
    });
    this.codedBodies = new Bm25Index(codedStems, 1.2, 0.75);
    const counted = new Set<string>();
    this.titleStems.forEach((stems, i) => {
      const key = titleKey(stems);
      const distinct = `${key}\u0000${rows[i]}\u0000${this.groups[i]}`;
      if (!key || counted.has(distinct)) return;
      counted.add(distinct);
      let codes = this.sameTitle.get(key);
      if (!codes) this.sameTitle.set(key, (codes = new Map()));
      codes.set(rows[i]!, (codes.get(rows[i]!) ?? 0) + 1);
    });
  }

  /** Exemplars whose code is not a fiche of the referential are left out (counted in `skipped`). */
  static build(
    exemplars: readonly Exemplar[],
    ficheRow: ReadonlyMap<string, number>,
  ): { memory: ExemplarMemory; skipped: number } {
    const kept = exemplars.filter((e) => ficheRow.has(e.romeCode));
    return {
      memory: new ExemplarMemory(
        kept,
        Int32Array.from(kept, (e) => ficheRow.get(e.romeCode)!),
      ),
      skipped: exemplars.length - kept.length,
    };
  }

  get size(): number {
    return this.exemplars.length;
  }

  /** The same memory without some exemplars (cross-validation; `group` is the text's `exemplarGroup`), reusing what was derived. */
  without(drop: (e: Exemplar, group: number) => boolean): ExemplarMemory {
    const keep = this.exemplars.map((e, i) => (drop(e, this.groups[i]!) ? -1 : i)).filter((i) => i >= 0);
    return new ExemplarMemory(
      keep.map((i) => this.exemplars[i]!),
      Int32Array.from(keep, (i) => this.rows[i]!),
      {
        titles: keep.map((i) => this.titleStems[i]!),
        bodies: keep.map((i) => this.bodyStems[i]!),
        groups: Uint32Array.from(keep, (i) => this.groups[i]!),
      },
    );
  }

  /** Labelled offers that carry ROME items (0: the offer-coding model has no choices to read). */
  get codedOffers(): number {
    return this.codedItems.length;
  }

  /** How the labelled offers of fiche `row` were coded (no offers: none of them carries ROME items). */
  itemChoicesOf(row: number): ItemChoices {
    return this.itemChoices.get(row) ?? NO_ITEM_CHOICES;
  }

  /**
   * The labelled offers with ROME items most like a text (title + body `termCounts`, its 25 salient terms), each
   * with its items and its similarity relative to the query's own score, sharpened as the votes are: what
   * recruiters chose for offers like this one, whatever their codes.
   */
  codedNeighbours(body: TermCounts, k: number): { items: ReadonlySet<string>; weight: number }[] {
    if (!body.size || this.codedItems.length === 0) return [];
    return sharpenedNeighbours(this.codedBodies, this.codedBodies.salientTerms(body, BODY_QUERY_TERMS), k).map((h) => ({
      items: this.codedItems[h.doc]!,
      weight: h.weight,
    }));
  }

  /** Labelled offers, of any code, that chose an item. */
  itemTotal(code: string): number {
    return this.itemTotals.get(code) ?? 0;
  }

  /**
   * Adds the neighbours' votes into per-fiche arrays: each fiche's share of the NEIGHBOURS' (sharpened) similarity,
   * 0..1, by title and by title + text (`termCounts`; its 25 salient terms).
   */
  vote(titleStems: readonly string[], body: TermCounts, out: { title: Float64Array; body: Float64Array }): void {
    if (titleStems.length) this.addVotes(this.titles, titleStems, out.title);
    if (body.size) this.addVotes(this.bodies, this.bodies.salientTerms(body, BODY_QUERY_TERMS), out.body);
  }

  /**
   * Scores each code as one document pooling all its offers (a Rocchio-style class profile beside the nearest
   * neighbours): a code with many varied offers is found by words no single offer shares with the text. Writes
   * each fiche's score relative to the best code's, 0..1, by title and by title + text (its 25 salient terms). The
   * body comes as its `termCounts`, as for `vote` (one count for both).
   */
  voteByCode(titleStems: readonly string[], body: TermCounts, out: { title: Float64Array; body: Float64Array }): void {
    if (titleStems.length) this.addRelative(this.codeTitles.search(titleStems, CODE_HITS), out.title);
    if (body.size)
      this.addRelative(
        this.codeBodies.search(this.codeBodies.salientTerms(body, BODY_QUERY_TERMS), CODE_HITS),
        out.body,
      );
  }

  private addRelative(hits: readonly { doc: number; score: number }[], into: Float64Array): void {
    const best = hits[0]?.score ?? 0;
    if (best > 0) for (const h of hits) into[this.codeRows[h.doc]!] = h.score / best;
  }

  /**
   * Adds, for each fiche, the share of the exemplars with the same title (`key` is the title's `titleKey`: the same
   * content stems, whatever the order, case, accents, "H/F" or numbers) that carry its code, times m / (m + 1) for
   * m distinct texts: one offer is weaker evidence than ten. Five nearest titles can be outvoted by near misses; all offers
   * with exactly this title are how recruiters code it (on the dev offers, the majority code of an identical title
   * is right 85 % of the time where ours was right 81 %).
   */
  voteSameTitle(key: string, into: Float64Array): void {
    const codes = this.sameTitle.get(key); // never "": titles without a key are not indexed
    if (!codes) return;
    let total = 0;
    for (const n of codes.values()) total += n;
    for (const [row, n] of codes) into[row]! += n / (total + 1); // (n / total) · (total / (total + 1))
  }

  private addVotes(index: Bm25Index, query: readonly string[], into: Float64Array): void {
    for (const h of sharpenedNeighbours(index, query, NEIGHBOURS)) into[this.rows[h.doc]!]! += h.weight / NEIGHBOURS;
  }
}

/** The `k` documents nearest a query, each weighing (its score relative to the query's own)^SHARPNESS, 0..1. */
function sharpenedNeighbours(index: Bm25Index, query: readonly string[], k: number): { doc: number; weight: number }[] {
  const self = index.selfScore(query);
  if (self <= 0) return [];
  return index.search(query, k).map((h) => ({ doc: h.doc, weight: Math.min(1, h.score / self) ** SHARPNESS }));
}

/** A code no labelled offer with items speaks for. */
export const NO_ITEM_CHOICES: ItemChoices = { offers: 0, chosen: new Map() };

/**
 * Cross-validation group of an offer: offers reposted with the same text share it, so that a copy of an offer
 * never votes for it in evaluation.
 */
export function exemplarGroup(text: string): number {
  return createHash("md5").update(text.replace(/\s+/g, " ").trim().slice(0, 300)).digest().readUInt32BE(0);
}
