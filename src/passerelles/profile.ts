import type { Referential } from "../rome/index.js";
import { romeSearch, type RomeSearch, type SearchKind } from "../rome/index.js";
import { SkillLabelResolver } from "../skills/index.js";
import { type FicheFilter, matchesFilter } from "./filters.js";
import { DEFAULT_PROXIMITY_WEIGHTS, VIABILITY, mcWeight } from "./blend.js";
import {
  explainGap,
  type MacroCompetenceToAcquire,
  type Passerelle,
  type Ranker,
  type SharedMacroCompetence,
} from "./explain.js";
import { cadre, log1p, openEntry, PAIR_FEATURES, reglemente, type PairFeature } from "./features.js";
import { loadPasserellesModel, scoreRow, type PasserellesWeights } from "./model.js";
import { round } from "../numbers.js";
import { CodedError } from "../errors.js";

/** Documented limits of one profile. */
export const PROFILE_LIMITS = { maxCodes: 200, maxLabels: 50, maxLabelChars: 200 } as const;

/** A free-text label resolves to a ROME item when its best keyword hit scores at least this (0..1, see RomeSearch). */
export const RESOLVE_MIN_SCORE = 0.6;

/**
 * Access rule (documented in the API):
 * - accessible now: the profile covers ≥ 80 % (IDF-weighted) of the fiche's coeur-de-métier MCs and ≥ 60 % of
 *   all its MCs, and the fiche is not an emploi réglementé (those need a diploma or licence whatever the skills);
 * - accessible with training: ≥ 25 % of all MCs (the passerelle "viable" floor, VIABILITY.viable) or ≥ 50 % of the coeur MCs,
 *   or a regulated fiche that meets the "now" bar, or (a profile that lists savoirs) ≥ 10 % of the fiche's savoirs (IDF-weighted);
 * - below both: not listed (counted in `belowThreshold`).
 */
export const ACCESS_RULE = {
  now: { coreCoverage: 0.8, mcCoverage: 0.6 },
  training: { mcCoverage: VIABILITY.viable.mcCoverage, coreCoverage: 0.5, savoirCoverage: 0.1 },
} as const;

/** Weight of savoir coverage in the ranking score, applied only when the profile lists savoirs. */
export const SAVOIR_SHARE = 0.2;

export type ProfileItemKind = "competence" | "macro-competence" | "savoir";

export interface ProfileInput {
  /** ROME code_ogr of compétences, macro-compétences or savoirs. */
  codes: readonly string[];
  /** Free-text skill labels, resolved to codes by keyword search. */
  labels: readonly string[];
}

export interface ResolvedItem {
  input: string;
  via: "code" | "exact-label" | "search";
  code: string;
  kind: ProfileItemKind;
  libelle: string;
  score: number;
  macroCompetence: string | null;
}

export interface UnresolvedLabel {
  input: string;
  reason: string;
  suggestions: { code: string; kind: ProfileItemKind; libelle: string; score: number }[];
}

export type Access = "now" | "training";

/** A fiche's coverage by a profile, part by part, and the ranking score (`total`). */
export interface ProfileScore {
  coverage: number;
  mcCoverage: number;
  coreCoverage: number;
  savoirCoverage: number | null;
  competenceCoverage: number;
  reverseMcCoverage: number;
  total: number;
}

export interface ProfileMetier {
  code: string;
  libelle: string;
  rank: number;
  access: Access;
  reason: string;
  emploiReglemente: boolean;
  /** `total`: the ranking score (the learned ranker's features that apply to a profile, or `coverage` when fixed). */
  score: ProfileScore;
  shared: SharedMacroCompetence[];
  gap: {
    macroCompetences: MacroCompetenceToAcquire[];
    competences: Passerelle["toAcquire"]["competences"];
    /** The fiche's savoirs the profile does not list (coeur de métier first); only when the profile lists savoirs. */
    savoirs: { code: string; libelle: string; coeurMetier: boolean }[];
  };
}

export interface ProfileMatch {
  status: "ok" | "nothing_to_match";
  message?: string;
  resolution: { resolved: ResolvedItem[]; unresolved: UnresolvedLabel[] };
  profile: { macroCompetences: number; competences: number; savoirs: number };
  accessibleNow: ProfileMetier[];
  accessibleWithTraining: ProfileMetier[];
  /** Fiches (after filters) with some overlap but below the "with training" bar. */
  belowThreshold: number;
}

/** Bad profile input: empty_profile, invalid_request (wrong kind of code) or not_found (codes unknown to ROME). */
export class ProfileError extends CodedError {
  constructor(code: "empty_profile" | "invalid_request" | "not_found", message: string, details?: unknown) {
    super(code, message, { details });
  }
}

export function accessOf(
  mcCoverage: number,
  coreCoverage: number,
  reglemente: boolean,
): { access: Access; reason: string } | null {
  const meetsNow = coreCoverage >= ACCESS_RULE.now.coreCoverage && mcCoverage >= ACCESS_RULE.now.mcCoverage;
  if (meetsNow && !reglemente)
    return { access: "now", reason: "covers the coeur de métier and most of the fiche's macro-compétences" };
  if (meetsNow)
    return {
      access: "training",
      reason: "skills suffice but this is an emploi réglementé: a diploma, licence or authorisation is required",
    };
  if (mcCoverage >= ACCESS_RULE.training.mcCoverage || coreCoverage >= ACCESS_RULE.training.coreCoverage)
    return {
      access: "training",
      reason:
        coreCoverage < ACCESS_RULE.now.coreCoverage
          ? "part of the coeur de métier is missing"
          : "the coeur de métier is covered but many other macro-compétences are missing",
    };
  return null;
}

const ITEM_KINDS: readonly SearchKind[] = ["competence", "macro-competence", "savoir"];

/** Profile → métiers. Build once per referential; a match takes ~1 ms. */
export class ProfileMatcher {
  private readonly search: RomeSearch;
  private labelResolver: SkillLabelResolver | null = null;
  /** Built on first use (~1 s): most profiles give codes. */
  private get labels(): SkillLabelResolver {
    return (this.labelResolver ??= new SkillLabelResolver(this.ref));
  }
  private readonly savoirIdf = new Map<string, number>();
  /** Fiche codes in order: the positions of the arrays below. */
  private readonly codes: string[];
  private readonly totals: {
    total: Float64Array;
    coreTotal: Float64Array;
    savoirTotal: Float64Array;
    competenceTotal: Float64Array;
  };
  /** Per item: the fiches listing it (positions) and its weight for each (IDF, coeur de métier boosted), as in ProximityIndex. */
  private readonly postings = new Map<string, { fiches: Int32Array; w: Float64Array; core: Float64Array }>();
  /** Target-only features of each fiche (in-degree of ROME's mobilités, cadre, réglementé, open entry). */
  private readonly targetFeatures: Float64Array[];
  /** Accumulators of one match, reset after use (a match is synchronous). */
  private readonly acc: {
    mc: Float64Array;
    core: Float64Array;
    savoir: Float64Array;
    competence: Float64Array;
    reverse: Float64Array;
    seen: Uint8Array;
  };
  /** The learned ranker's weights (null: rank by coverage only). */
  readonly model: PasserellesWeights | null;

  /**
   * `model`: the learned passerelles ranker, whose features that apply to a profile (coverage, target-only
   * signals) rank the métiers; omitted, the bundled models/passerelles.json; null, coverage only.
   */
  constructor(
    readonly ref: Referential,
    readonly coeurBoost = DEFAULT_PROXIMITY_WEIGHTS.coeurBoost,
    model?: PasserellesWeights | null,
  ) {
    this.model = model === undefined ? loadPasserellesModel() : model;
    this.search = romeSearch(ref);
    const n = ref.fiches.size;
    this.codes = [...ref.fiches.keys()].sort();
    const zeros = () => new Float64Array(n);
    this.totals = { total: zeros(), coreTotal: zeros(), savoirTotal: zeros(), competenceTotal: zeros() };
    this.acc = {
      mc: zeros(),
      core: zeros(),
      savoir: zeros(),
      competence: zeros(),
      reverse: zeros(),
      seen: new Uint8Array(n),
    };
    const lists = new Map<string, { fiches: number[]; w: number[]; core: number[] }>();
    const post = (item: string, fiche: number, w: number, core = 0) => {
      const l = lists.get(item) ?? lists.set(item, { fiches: [], w: [], core: [] }).get(item)!;
      l.fiches.push(fiche);
      l.w.push(w);
      l.core.push(core);
    };
    const inDegree = new Map<string, number>();
    for (const f of ref.fiches.values())
      for (const m of new Set(f.mobilites.map((x) => x.cible)))
        if (m !== f.code) inDegree.set(m, (inDegree.get(m) ?? 0) + 1);
    for (const s of ref.savoirs.keys()) this.savoirIdf.set(s, Math.log((n + 1) / (ref.fichesForItem(s).length + 0.5)));
    const at = (k: PairFeature) => PAIR_FEATURES.indexOf(k);
    this.targetFeatures = this.codes.map((code, i) => {
      const f = ref.fiches.get(code)!;
      for (const l of f.competences) {
        const w = mcWeight(
          Math.log((n + 1) / (ref.fichesForItem(l.code).length + 0.5)),
          l.coeurMetier === "principale",
          coeurBoost,
        );
        this.totals.competenceTotal[i]! += w;
        post(`c:${l.code}`, i, w);
      }
      for (const m of ref.ficheMacroCompetences(code).values()) {
        const w = mcWeight(ref.mcIdf(m.code), m.coeur, coeurBoost);
        this.totals.total[i]! += w;
        if (m.coeur) this.totals.coreTotal[i]! += ref.mcIdf(m.code);
        post(`m:${m.code}`, i, w, m.coeur ? ref.mcIdf(m.code) : 0);
      }
      for (const x of f.savoirs) {
        const w = this.savoirIdf.get(x.code) ?? 0;
        this.totals.savoirTotal[i]! += w;
        post(`s:${x.code}`, i, w);
      }
      const row = new Float64Array(PAIR_FEATURES.length);
      row[at("targetInDegree")] = log1p(inDegree.get(code) ?? 0);
      row[at("targetCadre")] = Number(cadre(f));
      row[at("targetReglemente")] = Number(reglemente(f));
      row[at("targetOpenEntry")] = Number(openEntry(f.accesMetier));
      return row;
    });
    for (const [k, l] of lists)
      this.postings.set(k, {
        fiches: Int32Array.from(l.fiches),
        w: Float64Array.from(l.w),
        core: Float64Array.from(l.core),
      });
  }

  /** Codes checked against the referential; labels resolved by exact label, else keyword search. */
  resolve(input: ProfileInput): { resolved: ResolvedItem[]; unresolved: UnresolvedLabel[] } {
    const resolved: ResolvedItem[] = [];
    const unknown: string[] = [];
    const wrongKind: { code: string; kind: string }[] = [];
    for (const raw of input.codes) {
      const code = raw.trim();
      const kind = this.ref.itemKind(code);
      if (kind === undefined) unknown.push(code);
      else if (kind === "contexte" || kind === "appellation") wrongKind.push({ code, kind });
      else resolved.push(this.item(code, kind, raw, "code", 1));
    }
    if (unknown.length)
      throw new ProfileError(
        "not_found",
        `unknown code${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}: not a compétence, macro-compétence or savoir of ROME ${this.ref.version}`,
        { unknown },
      );
    if (wrongKind.length)
      throw new ProfileError(
        "invalid_request",
        `a profile lists compétences, macro-compétences or savoirs; got ${wrongKind.map((w) => `${w.code} (${w.kind})`).join(", ")}`,
        { wrongKind },
      );
    const unresolved: UnresolvedLabel[] = [];
    for (const label of input.labels) {
      const exact = this.search
        .exactLabel(label, ITEM_KINDS)
        .sort((a, b) => ITEM_KINDS.indexOf(a.kind) - ITEM_KINDS.indexOf(b.kind))[0];
      if (exact) {
        resolved.push(this.item(exact.code, exact.kind as ProfileItemKind, label, "exact-label", 1));
        continue;
      }
      const hits = this.search.search(label, ITEM_KINDS, 3).hits;
      const best = hits[0];
      // What people write is read as extraction reads a statement: short forms first ("permis B", "rigoureux"), then
      // the keyword search, then the label's word families ("souder à l'arc") when the search finds nothing close.
      const read = this.labels.resolve(label);
      if (read?.via === "name") resolved.push(this.item(read.code, read.kind, label, "search", read.score));
      else if (best && best.score >= RESOLVE_MIN_SCORE)
        resolved.push(this.item(best.code, best.kind as ProfileItemKind, label, "search", best.score));
      else if (read) resolved.push(this.item(read.code, read.kind, label, "search", read.score));
      else
        unresolved.push({
          input: label,
          reason: best
            ? `best match scores ${best.score.toFixed(2)} < ${RESOLVE_MIN_SCORE}`
            : "no ROME label shares a word with it",
          suggestions: hits.map((h) => ({
            code: h.code,
            kind: h.kind as ProfileItemKind,
            libelle: h.libelle,
            score: round(h.score, 3),
          })),
        });
    }
    // One entry per code (the first way it was given).
    const seen = new Set<string>();
    return { resolved: resolved.filter((r) => !seen.has(r.code) && seen.add(r.code)), unresolved };
  }

  private item(
    code: string,
    kind: ProfileItemKind,
    input: string,
    via: ResolvedItem["via"],
    score: number,
  ): ResolvedItem {
    const macroCompetence =
      kind === "competence"
        ? this.ref.competences.get(code)!.macroCompetence
        : kind === "macro-competence"
          ? code
          : null;
    return {
      input,
      via,
      code,
      kind,
      libelle: this.ref.itemLabel(code) ?? code,
      score: round(score, 3),
      macroCompetence,
    };
  }

  /** The ranker used when none is asked for: the learned one when the matcher has a model. */
  get defaultRanker(): Ranker {
    return this.model ? "learned" : "fixed";
  }

  match(input: ProfileInput, opts: { topK: number; filter?: FicheFilter; ranker?: Ranker }): ProfileMatch {
    if (input.codes.length === 0 && input.labels.every((l) => !l.trim()))
      throw new ProfileError(
        "empty_profile",
        "the profile is empty: give compétence/savoir codes or skill labels; there is nothing to match",
      );
    const resolution = this.resolve({ codes: input.codes, labels: input.labels.filter((l) => l.trim()) });
    const mcs = new Set<string>();
    const competences = new Set<string>();
    const savoirs = new Set<string>();
    for (const r of resolution.resolved) {
      if (r.macroCompetence) mcs.add(r.macroCompetence);
      if (r.kind === "competence") competences.add(r.code);
      if (r.kind === "savoir") savoirs.add(r.code);
    }
    const profile = { macroCompetences: mcs.size, competences: competences.size, savoirs: savoirs.size };
    const empty = { resolution, profile, accessibleNow: [], accessibleWithTraining: [], belowThreshold: 0 };
    if (mcs.size === 0 && savoirs.size === 0)
      return {
        status: "nothing_to_match",
        message: "no input resolved to a ROME compétence or savoir: there is nothing to match",
        ...empty,
      };

    // Accumulate covered weights over the fiches that mobilise each profile MC / savoir (sparse).
    const { mc: accMc, core: accCore, savoir: accSavoir, competence: accComp, reverse: accRev, seen } = this.acc;
    const touched: number[] = [];
    const visit = (item: string, f: (i: number, w: number, core: number) => void) => {
      const p = this.postings.get(item);
      if (!p) return;
      for (let j = 0; j < p.fiches.length; j++) {
        const i = p.fiches[j]!;
        if (!seen[i]) ((seen[i] = 1), touched.push(i));
        f(i, p.w[j]!, p.core[j]!);
      }
    };
    let profileMcTotal = 0;
    for (const mc of mcs) profileMcTotal += this.ref.mcIdf(mc);
    for (const mc of mcs) {
      const share = profileMcTotal > 0 ? this.ref.mcIdf(mc) / profileMcTotal : 0;
      visit(`m:${mc}`, (i, w, core) => {
        accMc[i]! += w;
        accCore[i]! += core;
        accRev[i]! += share;
      });
    }
    for (const x of savoirs) visit(`s:${x}`, (i, w) => (accSavoir[i]! += w));
    for (const comp of competences) visit(`c:${comp}`, (i, w) => (accComp[i]! += w));
    const ranker = opts.ranker ?? this.defaultRanker;
    const model = ranker === "learned" && this.model ? this.model : null;

    type Scored = ProfileScore & { code: string; pos: number; access: Access; reason: string };
    const scored: Scored[] = [];
    let belowThreshold = 0;
    const T = this.totals;
    const F = {
      mc: PAIR_FEATURES.indexOf("mcCoverage"),
      core: PAIR_FEATURES.indexOf("coreCoverage"),
      savoir: PAIR_FEATURES.indexOf("savoirCoverage"),
      competence: PAIR_FEATURES.indexOf("competenceCoverage"),
      reverse: PAIR_FEATURES.indexOf("reverseMcCoverage"),
    };
    for (const i of touched) {
      const code = this.codes[i]!;
      const fiche = this.ref.fiches.get(code)!;
      if (opts.filter && !matchesFilter(fiche, opts.filter)) continue;
      const mcCoverage = T.total[i]! > 0 ? accMc[i]! / T.total[i]! : 0;
      const coreCoverage = T.coreTotal[i]! > 0 ? accCore[i]! / T.coreTotal[i]! : mcCoverage;
      // Savoirs count only when the profile lists some: silence about savoirs is not evidence of lacking them.
      const savoirCoverage = savoirs.size && T.savoirTotal[i]! > 0 ? accSavoir[i]! / T.savoirTotal[i]! : null;
      const coverage =
        savoirCoverage === null ? mcCoverage : (1 - SAVOIR_SHARE) * mcCoverage + SAVOIR_SHARE * savoirCoverage;
      // A profile of savoirs (tools, techniques, licences: what a welder's CV lists) reaches "with training" through them.
      const a =
        accessOf(mcCoverage, coreCoverage, fiche.tags.emploiReglemente === true) ??
        (savoirCoverage !== null && savoirCoverage >= ACCESS_RULE.training.savoirCoverage
          ? { access: "training" as const, reason: "many of the fiche's savoirs are covered" }
          : null);
      if (!a) {
        belowThreshold++;
        continue;
      }
      const competenceCoverage = T.competenceTotal[i]! > 0 ? accComp[i]! / T.competenceTotal[i]! : 0;
      let total = coverage;
      if (model) {
        // The fiche's own row with the profile's coverage written in (and taken out again: the row is reused).
        const row = this.targetFeatures[i]!;
        row[F.mc] = mcCoverage;
        row[F.core] = coreCoverage;
        row[F.savoir] = savoirCoverage ?? 0;
        row[F.competence] = competenceCoverage;
        row[F.reverse] = accRev[i]!;
        total = scoreRow(row, model);
        for (const k of Object.values(F)) row[k] = 0;
      }
      scored.push({
        code,
        pos: i,
        coverage,
        mcCoverage,
        coreCoverage,
        savoirCoverage,
        competenceCoverage,
        reverseMcCoverage: accRev[i]!,
        total,
        ...a,
      });
    }
    for (const i of touched) accMc[i] = accCore[i] = accSavoir[i] = accComp[i] = accRev[i] = seen[i] = 0;
    scored.sort((a, b) => b.total - a.total || b.coreCoverage - a.coreCoverage || a.pos - b.pos);
    const held = { macroCompetences: mcs, competences };
    const detail = (s: (typeof scored)[number], i: number): ProfileMetier => {
      const fiche = this.ref.fiches.get(s.code)!;
      const g = explainGap(this.ref, held, s.code, this.coeurBoost);
      return {
        code: s.code,
        libelle: fiche.libelle,
        rank: i + 1,
        access: s.access,
        reason: s.reason,
        emploiReglemente: fiche.tags.emploiReglemente === true,
        score: {
          coverage: round(s.coverage, 3),
          mcCoverage: round(s.mcCoverage, 3),
          coreCoverage: round(s.coreCoverage, 3),
          savoirCoverage: s.savoirCoverage === null ? null : round(s.savoirCoverage, 3),
          competenceCoverage: round(s.competenceCoverage, 3),
          reverseMcCoverage: round(s.reverseMcCoverage, 3),
          total: round(s.total, 3),
        },
        shared: g.shared,
        gap: {
          macroCompetences: g.toAcquire.macroCompetences,
          competences: g.toAcquire.competences,
          savoirs: savoirs.size
            ? fiche.savoirs
                .filter((x) => !savoirs.has(x.code))
                .map((x) => ({
                  code: x.code,
                  libelle: this.ref.itemLabel(x.code) ?? x.code,
                  coeurMetier: x.coeurMetier === "principale",
                }))
                .sort((a, b) => Number(b.coeurMetier) - Number(a.coeurMetier))
            : [],
        },
      };
    };
    const accessibleNow = scored
      .filter((s) => s.access === "now")
      .slice(0, opts.topK)
      .map(detail);
    const accessibleWithTraining = scored
      .filter((s) => s.access === "training")
      .slice(0, opts.topK)
      .map(detail);
    const message = scored.length
      ? undefined
      : `no métier reaches the "with training" bar (${belowThreshold} overlap partly): the profile is too small or the filters too strict; add skills`;
    return {
      status: "ok",
      ...(message ? { message } : {}),
      resolution,
      profile,
      accessibleNow,
      accessibleWithTraining,
      belowThreshold,
    };
  }
}

/**
 * The learned ranker's score over the features a profile has (coverage of the target by the profile, the share of the
 * profile the target uses, and the target's own signals); the pair features of two fiches (same domaine, text
 * similarity, where similar fiches lead…) do not apply to a list of skills and count 0.
 */
export function profileScore(model: PasserellesWeights, x: Partial<Record<PairFeature, number>>): number {
  return scoreRow(
    PAIR_FEATURES.map((k) => x[k] ?? 0),
    model,
  );
}
