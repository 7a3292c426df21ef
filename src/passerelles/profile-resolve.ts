import type { Referential } from "../rome/index.js";
import { romeSearch, type RomeSearch, type SearchKind } from "../rome/index.js";
import { SkillLabelResolver, type StatedExtractor } from "../skills/index.js";
import { round } from "../numbers.js";
import {
  ProfileError,
  type ProfileInput,
  type ProfileItemKind,
  type ResolvedItem,
  type UnresolvedLabel,
} from "./profile-types.js";

/** A free-text label resolves to a ROME item when its best keyword hit scores at least this (0..1, see RomeSearch). */
export const RESOLVE_MIN_SCORE = 0.6;

const ITEM_KINDS: readonly SearchKind[] = ["competence", "macro-competence", "savoir"];

/** A profile's inputs to ROME items: codes checked against the referential, free-text labels read. */
export class ProfileResolver {
  private readonly search: RomeSearch;
  private labelResolver: SkillLabelResolver | null;
  /** Without an extractor to share, built on first use (~5 s, ~90 MB): most profiles give codes. */
  private get labels(): SkillLabelResolver {
    return (this.labelResolver ??= new SkillLabelResolver(this.ref));
  }

  /** `stated`: the engine's stated-skills extractor, to read labels with (the server passes it; see `SkillLabelResolver`). */
  constructor(
    readonly ref: Referential,
    stated?: StatedExtractor,
  ) {
    this.search = romeSearch(ref);
    this.labelResolver = stated ? new SkillLabelResolver(ref, stated) : null;
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
}
