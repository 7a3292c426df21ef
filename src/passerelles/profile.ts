import type { Referential } from "../rome/index.js";
import type { StatedExtractor } from "../skills/index.js";
import { type FicheFilter, matchesFilter } from "./filters.js";
import { DEFAULT_PROXIMITY_WEIGHTS, mcWeight } from "./blend.js";
import { explainGap, type Ranker } from "./explain.js";
import { ProfileResolver } from "./profile-resolve.js";
import {
  ACCESS_RULE,
  accessOf,
  ProfileError,
  SAVOIR_SHARE,
  type Access,
  type ProfileInput,
  type ProfileMatch,
  type ProfileMetier,
  type ProfileScore,
  type ResolvedItem,
  type UnresolvedLabel,
} from "./profile-types.js";
import { cadre, log1p, openEntry, PAIR_FEATURES, reglemente, type PairFeature } from "./features.js";
import { loadPasserellesModel, scoreRow, type PasserellesWeights } from "./model.js";
import { round } from "../numbers.js";

/**
 * Weight, in the learned score's log-odds, of the share of a fiche's own compétences the profile holds. The fiche →
 * fiche fit never sees a fiche as its own candidate, so it has no term saying "this profile is this métier": between two
 * different fiches, shared compétences beyond the shared MCs mean near-duplicates, which ROME seldom lists as moves
 * (weight −0.17), and the target in-degree (0.69 per log unit, kept in check there by text and domaine terms a profile
 * lacks) lifts hubs above the profile's own fiche. Fitted in session 30 on the bench's fiche-derived profiles
 * (`benchmarks/profile-fit.ts`: disjoint halves of the fiches, seeded split): 6 is the best on either half, and on the
 * other half the fiche itself is then shown for 95.8–96.1 % of profiles (90–91 % at 0) and 12.5–12.9 % of its
 * mobilités (12.3 %); 3 to 10 give within 0.2 point of that.
 */
export const PROFILE_COMPETENCE_WEIGHT = 6;

export interface ProfileMatcherOptions {
  coeurBoost?: number;
  /**
   * The learned passerelles ranker, whose features that apply to a profile (coverage, target-only signals) rank the
   * métiers; omitted, the bundled models/passerelles.json; null, coverage only.
   */
  model?: PasserellesWeights | null;
  /** See PROFILE_COMPETENCE_WEIGHT (another value for its fit only). */
  competenceWeight?: number;
  /**
   * The engine's stated-skills extractor, which free-text labels are read with (the server passes it). Omitted, the
   * first labels build their own (~5 s, ~90 MB): fine for the CLI and benchmarks, not in a server's request path.
   */
  stated?: StatedExtractor;
}

/** Profile → métiers. Build once per referential; a match takes ~1 ms. */
export class ProfileMatcher {
  private readonly resolver: ProfileResolver;
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

  readonly coeurBoost: number;
  /** See PROFILE_COMPETENCE_WEIGHT. */
  readonly competenceWeight: number;

  constructor(
    readonly ref: Referential,
    opts: ProfileMatcherOptions = {},
  ) {
    const {
      model,
      stated,
      coeurBoost = DEFAULT_PROXIMITY_WEIGHTS.coeurBoost,
      competenceWeight = PROFILE_COMPETENCE_WEIGHT,
    } = opts;
    this.coeurBoost = coeurBoost;
    this.competenceWeight = competenceWeight;
    this.model = model === undefined ? loadPasserellesModel() : model;
    this.resolver = new ProfileResolver(ref, stated);
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
    return this.resolver.resolve(input);
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
        total = scoreRow(row, model) + this.competenceWeight * competenceCoverage;
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
