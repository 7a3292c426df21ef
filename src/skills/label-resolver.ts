import type { Referential } from "../rome/index.js";
import { normalizeText } from "../text/index.js";
import { createExtractionContext } from "./extract.js";
import { buildSkillLexicon } from "./lexicon.js";
import { namedSavoirs } from "./savoir-lexicon.js";
import { softSkillsIn } from "./soft-skills.js";
import { createStatedExtractor, type StatedExtractor } from "./label-index.js";
import { scoreStatement, statementQuery } from "./scoring.js";
import { diplomaLevelOf, statedStems } from "./stems.js";
import { STATED } from "./thresholds.js";
import type { ExtractedSkill } from "./types.js";
import { fold } from "./units.js";
import { round } from "../numbers.js";

/** A free-text skill label read as one statement. */
export interface ResolvedLabel {
  code: string;
  kind: ExtractedSkill["kind"];
  libelle: string;
  /** 0..1: the statement's lexical evidence for the label (word families, see `extractStated`); 1 for a short form. */
  score: number;
  /** "name": a short form the savoir lexicon or the savoir-être rules know ("permis B", "rigoureux"); "words": the label's words. */
  via: "name" | "words";
}

/**
 * Resolves what people write as a skill ("souder à l'arc", "permis B", "rigoureux") to one ROME compétence, savoir
 * or macro-compétence, as extraction reads one statement, with words only (no vectors: a profile is a list of
 * short labels, and the lexical reading is what tells a good match from a near one).
 */
export class SkillLabelResolver {
  private readonly x: StatedExtractor;

  /**
   * `stated`: an extractor already built on `ref` (the engine's), read here without vectors: a label's reading is the
   * same whether the extractor has word vectors and paraphrases or not, and building another costs ~5 s and ~90 MB.
   * Omitted, one is built without vectors.
   */
  constructor(
    readonly ref: Referential,
    stated?: StatedExtractor,
  ) {
    if (stated && stated.ref !== ref)
      throw new Error("SkillLabelResolver: the extractor was built on another referential");
    this.x = stated ?? createStatedExtractor(ref, createExtractionContext(buildSkillLexicon(ref), null));
  }

  resolve(label: string): ResolvedLabel | null {
    const named = namedSavoirs(this.x.savoirs, label, 0)[0];
    if (named) return this.out(named.code, "savoir", 1, "name");
    const soft = softSkillsIn(this.x.soft, fold(label), 0)[0];
    if (soft) return this.out(soft.code, soft.kind, 1, "name");
    const stems = statedStems(label);
    if (stems.length === 0) return null;
    const words = new Set(
      normalizeText(label)
        .split(" ")
        .map((w) => (w.length > 3 && /[sx]$/.test(w) ? w.slice(0, -1) : w)),
    );
    // Without vectors the score is the lexical part only: rescaled to the with-vector scale's minimum.
    const best = scoreStatement(
      this.x,
      statementQuery(this.x, stems, null, diplomaLevelOf(label), words),
      LEXICAL_ONLY_MIN,
    )[0];
    return best ? this.out(best.code, best.kind, best.score / (1 - STATED.vectorWeight), "words") : null;
  }

  private out(code: string, kind: ExtractedSkill["kind"], score: number, via: ResolvedLabel["via"]): ResolvedLabel {
    const libelle = this.ref.itemLabel(code) ?? code;
    return { code, kind, libelle, score: round(Math.min(1, score), 3), via };
  }
}

/** Minimum lexical evidence (as a score without vectors) for a label to resolve. */
const LEXICAL_ONLY_MIN = 0.5 * (1 - STATED.vectorWeight);
