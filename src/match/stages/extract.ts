import {
  aggregateSkills,
  EXTRACTION,
  extractStated,
  ficheItemRows,
  rescoreInContext,
  scoreItemsAgainstUnits,
  scoreUnit,
  unitsThatMayRead,
} from "../../skills/index.js";
import type { EngineContext, TopFiche } from "../context.js";
import type { ExtractedSkill } from "../types.js";
import { unitPostings, type Prepared, type Statements } from "./prepare.js";

/**
 * Stage 2: the ROME items the text states (`extractStated`): what /v1/skills/extract returns, features and explanations
 * read. A match reads them without the soft readings of the domain word vectors (`softReadings` false): they cost
 * its ranking (docs/skills.md, sessions 23 and 26), while the extraction itself gains from them.
 */
export function extract(ctx: EngineContext, p: Statements, softReadings = true): ExtractedSkill[] {
  return extractStated(ctx.stated, p.text, p.statements, p.statementVecs, p.context, softReadings);
}

/**
 * After ranking, the best fiche's own items that the text shows (`targeted`), and the skills a match reports: the
 * stated ones, then those of the targeted pass they lack, re-scored in that fiche's context.
 */
export function targetedPass(
  ctx: EngineContext,
  p: Prepared,
  skills: readonly ExtractedSkill[],
  ficheCode: string,
): { targeted: ExtractedSkill[]; reported: ExtractedSkill[] } {
  const { rows, items } = topFicheOf(ctx, ficheCode);
  const found = scoreItemsAgainstUnits(
    ctx.extraction,
    rows,
    p.stemSets,
    p.unitVecs,
    EXTRACTION.ficheItemMin,
    unitPostings(p),
  );
  const targeted = aggregateSkills(ctx.referential, p.units, [found]);
  const known = new Set(skills.map((s) => s.code));
  return {
    targeted,
    reported: [
      ...skills,
      ...rescoreInContext(
        targeted.filter((s) => !known.has(s.code)),
        items,
      ),
    ],
  };
}

/**
 * The open per-unit search of earlier versions (every label a unit covers, up to three a unit): what the
 * offer-coding model (`requiredSkills`) was fitted on, kept for it; only what it says of the items `codes` (the
 * model's candidates). A unit that cannot read one of them (`unitsThatMayRead`) is not searched: the answer for those
 * items is the same as from every unit.
 */
export function unitSkills(ctx: EngineContext, p: Prepared, codes: ReadonlySet<string>): ExtractedSkill[] {
  const rows: number[] = [];
  for (const code of codes) {
    const row = ctx.extraction.skillRow.get(code);
    if (row !== undefined) rows.push(row);
  }
  const may = unitsThatMayRead(ctx.extraction, rows, p.stemSets, p.unitVecs, unitPostings(p));
  // Readings of other items are dropped before the merge: a skill's score and spans come from its own readings only.
  const perUnit = p.units.map((_, i) =>
    may[i] ? scoreUnit(ctx.extraction, i, p.stemSets[i]!, p.unitVecs[i]!).filter((c) => codes.has(c.code)) : [],
  );
  return aggregateSkills(ctx.referential, p.units, perUnit);
}

/** A ranked-first fiche's items' rows and item codes, once per fiche. */
function topFicheOf(ctx: EngineContext, code: string): TopFiche {
  let x = ctx.topFiche.get(code);
  if (!x) {
    const f = ctx.referential.fiches.get(code)!;
    const items = new Set([...f.competences, ...f.savoirs, ...f.macroCompetences].map((l) => l.code));
    x = { rows: ficheItemRows(ctx.extraction, f), items };
    ctx.topFiche.set(code, x);
  }
  return x;
}
