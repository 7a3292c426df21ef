import { labelledOfferLine, type FranceTravailOffer } from "../sources/index.js";
import type { Engine } from "../match/index.js";
import { codesFor, exemplarGroup, inForce, ExemplarMemory, type Exemplar } from "../match/index.js";
import type { ExtractedSkill, MatchResult } from "../match/index.js";
import { round } from "../numbers.js";

export interface RankRecord {
  gold: string;
  /** 1-based rank of the gold code in the prediction list, or null when absent. */
  rank: number | null;
  origin: string;
}

export interface RankFigures {
  n: number;
  top1: number;
  top3: number;
  top5: number;
  top10: number;
  mrr: number;
}

export function rankOf(predicted: readonly string[], gold: string): number | null {
  const i = predicted.indexOf(gold);
  return i < 0 ? null : i + 1;
}

export function rankFigures(records: readonly RankRecord[]): RankFigures {
  const n = records.length;
  const at = (k: number) => (n ? records.filter((r) => r.rank !== null && r.rank <= k).length / n : 0);
  const mrr = n ? records.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / n : 0;
  return {
    n,
    top1: round(at(1), 4),
    top3: round(at(3), 4),
    top5: round(at(5), 4),
    top10: round(at(10), 4),
    mrr: round(mrr, 4),
  };
}

/** Top-1 averaged over gold codes, so that the many IT offers do not hide the rest. */
export function macroTop1(records: readonly RankRecord[]): number {
  const by = new Map<string, { hit: number; n: number }>();
  for (const r of records) {
    const e = by.get(r.gold) ?? { hit: 0, n: 0 };
    e.n++;
    if (r.rank === 1) e.hit++;
    by.set(r.gold, e);
  }
  const vals = [...by.values()].map((e) => e.hit / e.n);
  return round(vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : 0, 4);
}

export function byOrigin(records: readonly RankRecord[]): Record<string, RankFigures> {
  const groups = new Map<string, RankRecord[]>();
  for (const r of records) groups.set(r.origin, [...(groups.get(r.origin) ?? []), r]);
  return Object.fromEntries([...groups.entries()].sort().map(([k, v]) => [k, rankFigures(v)]));
}

/**
 * Skill agreement with the recruiter's chosen ROME items. An extracted compétence matches a gold item when
 * the codes are equal or the gold item is its macro-compétence (recruiters often pick the MC itself).
 * Precision: share of extracted items that match a gold item; recall: share of gold items matched.
 */
export function skillAgreement(
  extracted: readonly Pick<ExtractedSkill, "code" | "macroCompetence">[],
  gold: readonly string[],
): { tp: number; predicted: number; goldMatched: number; gold: number } {
  const goldSet = new Set(gold);
  const matches = (s: Pick<ExtractedSkill, "code" | "macroCompetence">, g: string) =>
    s.code === g || (s.macroCompetence !== null && s.macroCompetence === g);
  const tp = extracted.filter(
    (s) => goldSet.has(s.code) || (s.macroCompetence !== null && goldSet.has(s.macroCompetence)),
  ).length;
  const goldMatched = [...goldSet].filter((g) => extracted.some((s) => matches(s, g))).length;
  return { tp, predicted: extracted.length, goldMatched, gold: goldSet.size };
}

/** Sums `skillAgreement` over offers: precision over all predicted items, recall over all gold items. */
function agreementSum() {
  let n = 0,
    tp = 0,
    predicted = 0,
    goldMatched = 0,
    gold = 0;
  return {
    add(a: ReturnType<typeof skillAgreement>) {
      n++;
      tp += a.tp;
      predicted += a.predicted;
      goldMatched += a.goldMatched;
      gold += a.gold;
    },
    figures: () => ({
      precision: round(predicted ? tp / predicted : 0, 4),
      recall: round(gold ? goldMatched / gold : 0, 4),
      per_offer: round(predicted / Math.max(1, n), 4),
    }),
  };
}

export interface EvalOptions {
  /** Also rank by the two single-signal baselines (BM25 over appellations; nearest appellation by embedding). */
  baselines?: boolean;
  /** How the offers meet the labelled-offer memory (see `crossValidation`); default `text`. */
  cv?: CvMode;
  onProgress?: (done: number) => void;
  /**
   * Also score each offer created before `before` (ISO date) against the codes of an earlier referential
   * (`codes`): today's list mapped by `inForce` (figures under `coded_in_force`).
   */
  codedWith?: { codes: ReadonlySet<string>; before: string };
  /** Match each offer with its `dateCreation` as `codedAt` (the engine's codes in force then); default false. */
  dates?: boolean;
  /** Transductive self-training (`--self-train`, see `SelfTrain`); off by default. */
  selfTrain?: SelfTrain;
  /** `--own-labels N` (see `ownLabelSelection`): each source's N earliest offers join its memory; off by default. */
  ownLabels?: number;
}

/**
 * `--own-labels N` (session 31): how much a new source gains from labelling some of its own offers (feedback
 * corrections in production). Each source's N earliest offers by `dateCreation` (ties: file order; at most half the
 * source, so that something is left to score) join its fold's memory with their own codes, as LABELLED_OFFERS
 * lines; its other offers are scored, less copies of those N texts (same `exemplarGroup`), which would find their
 * own label. Offers without a date come last.
 */
export interface OwnLabelSelection {
  /** Source → its offers whose labels join its memory. */
  own: ReadonlyMap<string, readonly FranceTravailOffer[]>;
  /** The offers scored, in file order. */
  scored: readonly FranceTravailOffer[];
  /** Source → own-labelled offers, offers scored, and copies of own-labelled texts left out of both. */
  perSource: Record<string, { n: number; scored: number; copies: number }>;
}

export function ownLabelSelection(offers: readonly FranceTravailOffer[], n: number): OwnLabelSelection {
  const own = new Map<string, FranceTravailOffer[]>();
  const perSource: OwnLabelSelection["perSource"] = {};
  const out = new Set<FranceTravailOffer>();
  const dateOf = (o: FranceTravailOffer) => o.dateCreation || "\uffff";
  for (const s of [...new Set(offers.map(sourceOf))].sort()) {
    const at = [...offers.keys()].filter((i) => sourceOf(offers[i]!) === s);
    const k = Math.min(n, Math.floor(at.length / 2));
    // `at` is in file order and the sort is stable: equal dates keep it.
    const first = [...at]
      .sort((x, y) => (dateOf(offers[x]!) < dateOf(offers[y]!) ? -1 : dateOf(offers[x]!) > dateOf(offers[y]!) ? 1 : 0))
      .slice(0, k)
      .map((i) => offers[i]!);
    own.set(s, first);
    const groups = new Set(first.map((o) => exemplarGroup(o.description ?? "")));
    const left = at.map((i) => offers[i]!).filter((o) => !first.includes(o));
    const copies = left.filter((o) => groups.has(exemplarGroup(o.description ?? "")));
    for (const o of [...first, ...copies]) out.add(o);
    perSource[s] = { n: k, scored: left.length - copies.length, copies: copies.length };
  }
  return { own, scored: offers.filter((o) => !out.has(o)), perSource };
}

/** A source's memory with its own-labelled offers: `base` (null: none) plus them, after it (its order kept). */
export function ownLabelMemory(
  base: ExemplarMemory | null,
  own: readonly FranceTravailOffer[],
  ficheRow: ReadonlyMap<string, number>,
): ExemplarMemory {
  return ExemplarMemory.build([...(base?.exemplars ?? []), ...own.map(labelledOfferLine)], ficheRow).memory;
}

/**
 * Transductive self-training (session 30; off by default): a batch's own offers, matched confidently, become
 * labelled-offer memory for its other offers, as a caller's earlier posted offers could. The batch is the unit the
 * memory leaves out: a source under `--cv source` and `--memory none`, a fold under `--cv text`. First pass as
 * always; the answers `accept` takes become exemplars labelled with their first code (in the codes in force at the
 * offer's date, as the labels of the memory are); each offer is then matched again with its memory plus those
 * exemplars, never its own text's, and the new answer replaces the first when `adopt` says so.
 */
export interface SelfTrain {
  /** First-pass answers that become exemplars: status "confident", or a first confidence at least this number. */
  accept: "confident" | number;
  /** Re-matched answers that replace the first: "confident" ones only (default; the rest keep the first), or all. */
  adopt: "confident" | "all";
}

/** Id prefix of the self-training exemplars (the offer's own id follows). */
export const SELF_TRAIN_ID = "self:";

/**
 * Chunks of a batch's texts: an offer is re-matched without the self-training exemplars of its chunk (its own text,
 * its copies and ~5 % of the others), because rebuilding a memory costs ~0.8 s and one per text would cost an hour.
 * Not `group % CV_FOLDS`: within one grouped-CV fold that would leave CHUNKS / 5 chunks.
 */
export const SELF_TRAIN_CHUNKS = 20;
export const selfTrainChunk = (group: number): number => (group >>> 8) % SELF_TRAIN_CHUNKS;

/** Whether a first-pass answer becomes a self-training exemplar. */
export function acceptsAsExemplar(r: Pick<MatchResult, "status" | "metiers">, accept: SelfTrain["accept"]): boolean {
  if (!r.metiers.length) return false;
  return accept === "confident" ? r.status === "confident" : r.metiers[0]!.confidence >= accept;
}

/** The self-training exemplars of a batch: each accepted answer's offer, labelled with its first code. */
export function selfTrainExemplars(
  offers: readonly FranceTravailOffer[],
  results: readonly Pick<MatchResult, "status" | "metiers">[],
  accept: SelfTrain["accept"],
): Exemplar[] {
  return offers.flatMap((o, i) =>
    acceptsAsExemplar(results[i]!, accept)
      ? [
          {
            id: `${SELF_TRAIN_ID}${o.id}`,
            title: o.intitule ?? "",
            text: o.description ?? "",
            romeCode: results[i]!.metiers[0]!.code,
          },
        ]
      : [],
  );
}

/**
 * The memory each offer of a batch is re-matched with: `base` (null: none) plus the batch's `exemplars`, less those
 * of the offer's chunk (`selfTrainChunk` of its text's `exemplarGroup`); built once, one `without` per change of chunk.
 */
export function selfTrainMemory(
  base: ExemplarMemory | null,
  exemplars: readonly Exemplar[],
  ficheRow: ReadonlyMap<string, number>,
): (text: string) => ExemplarMemory {
  const all = ExemplarMemory.build([...(base?.exemplars ?? []), ...exemplars], ficheRow).memory;
  // The last chunk's memory only (each is as large as the whole): callers go through a batch chunk by chunk.
  let last: { k: number; m: ExemplarMemory } | null = null;
  return (text) => {
    const k = selfTrainChunk(exemplarGroup(text));
    if (last?.k !== k)
      last = { k, m: all.without((e, group) => e.id.startsWith(SELF_TRAIN_ID) && selfTrainChunk(group) === k) };
    return last.m;
  };
}

/**
 * Baseline: the fiches of the appellations nearest to the title's vector, in order (the index's own efSearch, not
 * the engine's narrower title search, so that the baseline is not weakened by the engine's speed settings).
 */
async function nearestAppellationFiches(engine: Engine, title: string): Promise<string[]> {
  if (!title.trim()) return [];
  const [v] = await engine.embedder.embed([title], "query");
  if (!v || v.every((x) => x === 0)) return [];
  const fiches = new Set<string>();
  for (const h of engine.indexes.appellations.search(v, 100)) {
    fiches.add(engine.referential.appellations.get(h.id)!.ficheCode);
    if (fiches.size === 10) break;
  }
  return [...fiches];
}

/** Folds of the cross-validation run when the evaluated offers are in the engine's labelled-offer memory. */
export const CV_FOLDS = 5;

/**
 * How the evaluated offers meet the labelled-offer memory: `text`, grouped CV_FOLDS-fold cross-validation (folds by
 * text); `source`, leave-one-source-out (each `source_dataset` matched with a memory holding only the others: what
 * a new user's own offers meet); `none`, no memory at all (what a CV, or a source with nothing labelled, meets).
 */
export type CvMode = "text" | "source" | "none";
export const CV_MODES: readonly CvMode[] = ["text", "source", "none"];

/** The source of an offer, for leave-one-source-out and `by_source`. */
export const sourceOf = (o: FranceTravailOffer): string => o.source_dataset ?? "unknown";

/**
 * When the evaluated offers are in the labelled-offer memory, each would vote for itself: each offer is then matched
 * with a memory that leaves out its fold. `text` (default): grouped CV_FOLDS-fold cross-validation, grouped by text so
 * that reposted copies go out together. `source`: one fold per `source_dataset`; a memory exemplar goes out with a
 * source when it is one of the source's offers (by id) or a copy of one of its texts (reposts go with their source),
 * so the memory holds only what other sources coded. `none`: no memory. `memoryFor` gives undefined (the engine's own
 * memory) when the offers are not in it (text mode), null for none.
 */
export function crossValidation(
  memory: ExemplarMemory | null,
  offers: readonly FranceTravailOffer[],
  mode: CvMode = "text",
) {
  if (mode === "none") {
    return {
      crossValidated: false,
      folds: 0,
      foldOf: (_: FranceTravailOffer) => 0,
      memoryFor: (_: FranceTravailOffer): ExemplarMemory | null | undefined => null,
    };
  }
  if (mode === "source") {
    const sources = [...new Set(offers.map(sourceOf))].sort();
    const foldOfSource = new Map(sources.map((s, k) => [s, k]));
    const idSource = new Map(offers.map((o) => [o.id, sourceOf(o)]));
    const groupsOf = sources.map(
      (s) => new Set(offers.filter((o) => sourceOf(o) === s).map((o) => exemplarGroup(o.description ?? ""))),
    );
    const folds = memory
      ? sources.map((s, k) => memory.without((e, group) => idSource.get(e.id) === s || groupsOf[k]!.has(group)))
      : [];
    const foldOf = (o: FranceTravailOffer) => foldOfSource.get(sourceOf(o))!;
    return {
      crossValidated: memory !== null,
      folds: sources.length,
      foldOf,
      memoryFor: (o: FranceTravailOffer): ExemplarMemory | null | undefined => (memory ? folds[foldOf(o)] : undefined),
    };
  }
  const inMemory = memory ? new Set(memory.exemplars.map((e) => e.id)) : new Set<string>();
  const crossValidated = memory !== null && offers.some((o) => inMemory.has(o.id));
  // One fold rule for the memory's exemplars and the evaluated offers: a text's fold is its group's.
  const foldOfGroup = (group: number) => group % CV_FOLDS;
  const folds: (ExemplarMemory | undefined)[] = crossValidated
    ? Array.from({ length: CV_FOLDS }, (_, f) => memory!.without((_, group) => foldOfGroup(group) === f))
    : [];
  const foldOf = (o: FranceTravailOffer) => foldOfGroup(exemplarGroup(o.description ?? ""));
  return {
    crossValidated,
    folds: crossValidated ? CV_FOLDS : 0,
    foldOf,
    memoryFor: (o: FranceTravailOffer): ExemplarMemory | null | undefined =>
      crossValidated ? folds[foldOf(o)] : undefined,
  };
}

/** The figures `npm run eval` prints (README "Figures"), and the baselines measured on the same offers. */
export async function evaluateOffers(engine: Engine, all: readonly FranceTravailOffer[], opts: EvalOptions = {}) {
  const memory = engine.exemplars;
  const cv = opts.cv ?? "text";
  const { crossValidated, folds, foldOf, memoryFor } = crossValidation(memory, all, cv);
  // `--own-labels`: the batch is a source (leave-one-source-out, no memory); the figures are on the offers left.
  if (opts.ownLabels !== undefined && (cv === "text" || opts.selfTrain))
    throw new Error("own labels need --cv source or --memory none, and no self-training");
  const own = opts.ownLabels !== undefined ? ownLabelSelection(all, opts.ownLabels) : null;
  const offers = own ? own.scored : all;
  const records: RankRecord[] = [];
  const bm25: RankRecord[] = [];
  const nearest: RankRecord[] = [];
  const bySource: RankRecord[] = [];
  const dated: RankRecord[] = [];
  const times: number[] = [];
  const byStatus = new Map<string, { n: number; hit: number }>();
  const required = agreementSum();
  const version = engine.referential.version;
  const ficheCodes = engine.lexicon.ficheCodes;
  const shown = agreementSum();
  const matchOffer = (o: FranceTravailOffer, exemplars: ExemplarMemory | null | undefined) =>
    engine.match(
      {
        text: o.description ?? "",
        title: o.intitule ?? undefined,
        kind: "offer",
        topK: 10,
        ...(opts.dates && o.dateCreation ? { codedAt: o.dateCreation } : {}),
      },
      { exemplars },
    );
  let results: MatchResult[] = [];
  for (const [n, o] of offers.entries()) {
    const t = performance.now();
    results.push(await matchOffer(o, memoryFor(o)));
    times.push(performance.now() - t);
    opts.onProgress?.(n + 1);
  }
  // Own labels: the first pass (the fold's memory alone) is the baseline on the same offers; then each source again.
  let baseline: RankRecord[] = [];
  if (own) {
    baseline = offers.map((o, i) => ({
      gold: o.romeCode,
      rank: rankOf(
        results[i]!.metiers.map((m) => m.code),
        o.romeCode,
      ),
      origin: sourceOf(o),
    }));
    let done = offers.length;
    for (const [source, first] of own.own) {
      const at = [...offers.keys()].filter((i) => sourceOf(offers[i]!) === source);
      if (!at.length) continue;
      const base = memoryFor(offers[at[0]!]!);
      const withOwn = ownLabelMemory(base === undefined ? memory : base, first, engine.lexicon.ficheRow);
      for (const i of at) {
        results[i] = await matchOffer(offers[i]!, withOwn);
        opts.onProgress?.(++done);
      }
    }
  }
  let selfTrained: { exemplars: number; adopted: number } | null = null;
  if (opts.selfTrain) {
    const { accept, adopt } = opts.selfTrain;
    // The batch a caller would post: a source (leave-one-source-out, no memory) or a grouped-CV fold.
    const batchOf = (o: FranceTravailOffer) => (cv === "text" ? `fold ${foldOf(o)}` : sourceOf(o));
    const second = [...results];
    selfTrained = { exemplars: 0, adopted: 0 };
    let done = offers.length;
    for (const batch of [...new Set(offers.map(batchOf))].sort()) {
      const at = [...offers.keys()].filter((i) => batchOf(offers[i]!) === batch);
      const exemplars = selfTrainExemplars(
        at.map((i) => offers[i]!),
        at.map((i) => results[i]!),
        accept,
      );
      // Matched chunk by chunk (`selfTrainMemory` keeps one chunk's memory); the exemplars stay in the offers' order
      // (the order of the memory's documents breaks ties between equal neighbours).
      const chunkOf = (i: number) => selfTrainChunk(exemplarGroup(offers[i]!.description ?? ""));
      at.sort((x, y) => chunkOf(x) - chunkOf(y));
      selfTrained.exemplars += exemplars.length;
      const base = memoryFor(offers[at[0]!]!);
      const memoryOf = selfTrainMemory(base === undefined ? memory : base, exemplars, engine.lexicon.ficheRow);
      for (const i of at) {
        const o = offers[i]!;
        const r = await matchOffer(o, memoryOf(o.description ?? ""));
        if (adopt === "all" || r.status === "confident") {
          second[i] = r;
          selfTrained.adopted++;
        }
        opts.onProgress?.(++done);
      }
    }
    results = second;
  }
  for (const [n, o] of offers.entries()) {
    const r = results[n]!;
    const origin = o.origineOffre_origine ?? "unknown";
    records.push({
      gold: o.romeCode,
      rank: rankOf(
        r.metiers.map((m) => m.code),
        o.romeCode,
      ),
      origin,
    });
    bySource.push({ ...records[records.length - 1]!, origin: sourceOf(o) });
    if (opts.codedWith) {
      const old = (o.dateCreation ?? "") !== "" && o.dateCreation! < opts.codedWith.before;
      const list = r.metiers.map((m) => m.code);
      const codes = old
        ? inForce(list, opts.codedWith.codes, (c) => engine.referential.fiches.get(c)?.parent ?? c)
        : list;
      dated.push({ gold: o.romeCode, rank: rankOf(codes, o.romeCode), origin: sourceOf(o) });
    }
    const st = byStatus.get(r.status) ?? { n: 0, hit: 0 };
    st.n++;
    if (records[records.length - 1]!.rank === 1) st.hit++;
    byStatus.set(r.status, st);
    if (opts.baselines) {
      // Dated offers: the baselines' lists in the same codes as the engine's (fiches created since → parent).
      const then = opts.dates ? codesFor({ codedAt: o.dateCreation ?? undefined }, version, engine.earlier) : null;
      const codesThen = (list: string[]) =>
        then ? [...new Set(list.map((c) => ficheCodes[then.rowThen[engine.lexicon.ficheRow.get(c)!]!]!))] : list;
      const f = await engine.featuresFor(o.description ?? "", o.intitule ?? undefined);
      const top = (a: Float64Array) =>
        [...a.keys()]
          .filter((i) => a[i]! > 0)
          .sort((x, y) => a[y]! - a[x]!)
          .slice(0, 10)
          .map((i) => engine.lexicon.ficheCodes[i]!);
      bm25.push({ gold: o.romeCode, rank: rankOf(codesThen(top(f.titleLex)), o.romeCode), origin });
      nearest.push({
        gold: o.romeCode,
        rank: rankOf(codesThen(await nearestAppellationFiches(engine, o.intitule ?? "")), o.romeCode),
        origin,
      });
    }
    const codes = (o.competences ?? []).flatMap((c) => (c.code ? [c.code] : []));
    if (codes.length) {
      required.add(skillAgreement(r.requiredSkills, codes));
      shown.add(skillAgreement(r.skills, codes));
    }
  }
  times.sort((a, b) => a - b);
  const figures = {
    ...rankFigures(records),
    macro_top1: macroTop1(records),
    by_origin: byOrigin(records),
    by_source: Object.fromEntries(
      Object.entries(byOrigin(bySource)).map(([k, v]) => [
        k,
        { ...v, macro_top1: macroTop1(bySource.filter((r) => r.origin === k)) },
      ]),
    ),
    // The recruiters' items against `requiredSkills` (the list that predicts them) and, for comparison, against
    // `skills` (what the text shows, with spans): recruiters pick most items from the fiche, not from the words.
    skills: required.figures(),
    skills_text: shown.figures(),
    // Abstention check: share of offers per status and top-1 within it ("confident" should be right more often).
    by_status: Object.fromEntries(
      [...byStatus]
        .sort()
        .map(([k, v]) => [k, { share: round(v.n / Math.max(1, records.length), 4), top1: round(v.hit / v.n, 4) }]),
    ),
    ms_per_offer_p50: round(times[Math.floor(times.length / 2)] ?? 0, 4),
    // Offers created before the earlier referential's end scored against its codes (`--coded-with`).
    ...(opts.codedWith
      ? {
          coded_in_force: {
            ...rankFigures(dated),
            macro_top1: macroTop1(dated),
            before: opts.codedWith.before,
            by_source: byOrigin(dated),
          },
        }
      : {}),
    // Whether offers were matched with their date (`codedAt`), and the referential of the codes before the split.
    coded_at:
      opts.dates && engine.earlier
        ? {
            earlier: engine.earlier.version,
            until: engine.earlier.until,
            ...(engine.earlier.older
              ? { older: engine.earlier.older.version, older_until: engine.earlier.older.until }
              : {}),
          }
        : null,
    labelled_offers: {
      cv,
      size: cv === "none" ? 0 : (memory?.size ?? 0),
      cross_validated: crossValidated,
      folds: crossValidated ? folds : 0,
      // `--self-train`: exemplars made from the batches' own answers, and re-matched answers adopted.
      ...(opts.selfTrain && selfTrained ? { self_train: { ...opts.selfTrain, ...selfTrained } } : {}),
    },
    // `--own-labels N`: the figures above are on `scored` offers, with each source's own labels; `baseline`, the same
    // offers with the fold's memory alone (a source's N is capped at half its offers).
    ...(own
      ? {
          own_labels: {
            n: opts.ownLabels,
            cap: "half of a source's offers",
            per_source_n: Object.fromEntries(Object.entries(own.perSource).map(([k, v]) => [k, v.n])),
            scored: offers.length,
            copies_left_out: Object.fromEntries(Object.entries(own.perSource).map(([k, v]) => [k, v.copies])),
            baseline: {
              ...rankFigures(baseline),
              macro_top1: macroTop1(baseline),
              by_source: Object.fromEntries(
                Object.entries(byOrigin(baseline)).map(([k, v]) => [
                  k,
                  { ...v, macro_top1: macroTop1(baseline.filter((r) => r.origin === k)) },
                ]),
              ),
            },
          },
        }
      : {}),
  };
  if (!opts.baselines) return figures;
  return {
    ...figures,
    baselines: {
      bm25_appellations: { ...rankFigures(bm25), macro_top1: macroTop1(bm25) },
      nearest_appellation_embedding: { ...rankFigures(nearest), macro_top1: macroTop1(nearest) },
    },
  };
}
