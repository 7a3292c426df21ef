import { writeFileSync } from "node:fs";
import { loadConfig } from "../../config.js";
import { openLake } from "../../ingest/index.js";
import { createEngine } from "../../match/index.js";
import { readOffers } from "../../sources/index.js";
import { createCoverageChecker } from "../../match/index.js";
import {
  analyzeTrends,
  buildProposal,
  createPhraseAttacher,
  offersToTrendDocuments,
  trendOptions,
  TrendQuerySchema,
  type TrendDocumentSource,
  type TrendReport,
} from "../../trends/index.js";
import { defineCommand, UsageError } from "../command.js";

const USAGE = `trends [--offers FILE.jsonl | --lake] [--from DATE] [--to DATE] [--split DATE] [--metier CODE]
        [--period month|week] [--limit N] [--min-support N] [--min-sources N] [--no-skills]
        [--json] [--series OUT.json] [--propose PHRASE [--out FILE.json]]`;

/** Emerging compétences report from a JSONL offers file (no database) or from the lake. */
export const trendsCommand = defineCommand({
  name: "trends",
  summary: "Emerging compétences: uncovered phrases rising over time, where they would attach in ROME",
  usage: USAGE,
  async run({ flags }) {
    const parsed = TrendQuerySchema.safeParse({
      from: flags.get("from"),
      to: flags.get("to"),
      split: flags.get("split"),
      metier: flags.get("metier"),
      period: flags.get("period"),
      limit: flags.get("limit"),
      minSupport: flags.get("min-support"),
      minSources: flags.get("min-sources"),
    });
    if (!parsed.success)
      throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), true);
    const q = parsed.data;
    const offersFile = flags.get("offers");
    if (!offersFile && !flags.has("lake")) throw new UsageError("give --offers FILE.jsonl or --lake", true);
    const config = loadConfig();
    const engine = await createEngine(config);
    const ref = engine.referential;
    let source: TrendDocumentSource;
    let close = async () => {};
    if (offersFile) {
      const withSkills = !flags.has("no-skills");
      process.stderr.write(
        `reading ${offersFile}${withSkills ? " (extracting ROME skills: ~0.1 s an offer; --no-skills to skip)" : ""}…\n`,
      );
      const docs = await offersToTrendDocuments(readOffers(offersFile), {
        checker: createCoverageChecker(ref),
        ...(withSkills ? { extractSkills: (t: string) => engine.extractSkills(t) } : {}),
      });
      source = () => docs;
    } else {
      const lake = await openLake(config, engine, { retentionSweepMs: 0 });
      close = () => lake.close();
      source = () =>
        lake.trendDocuments({
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
          ...(q.metier ? { metier: q.metier } : {}),
        });
    }
    try {
      const attacher = await createPhraseAttacher(ref, engine.embedder);
      const propose = flags.get("propose");
      const report = await analyzeTrends(source, trendOptions(propose ? { ...q, limit: 200 } : q), {
        referential: ref,
        attacher,
        wholeFactor: config.trendsWholeFactor,
      });
      if (propose) {
        const p = buildProposal(report, propose, ref);
        if (!p) {
          console.error(
            `trends: "${propose}" is not an emerging phrase in this window (status ${report.status}${report.message ? `: ${report.message}` : ""})`,
          );
          return 1;
        }
        const out = JSON.stringify(p, null, 2);
        if (flags.get("out")) writeFileSync(flags.get("out")!, out);
        else console.log(out);
        return 0;
      }
      const seriesOut = flags.get("series");
      if (seriesOut)
        writeFileSync(
          seriesOut,
          JSON.stringify(
            report.emerging.map((e) => ({ phrase: e.label, key: e.key, series: e.series })),
            null,
            2,
          ),
        );
      if (flags.has("json")) console.log(JSON.stringify(report, null, 2));
      else console.log(formatReport(report));
      return 0;
    } finally {
      await close();
    }
  },
});

/** Plain-text report for a terminal. */
export function formatReport(r: TrendReport): string {
  const lines = [
    `Emerging compétences — ${r.window.from?.slice(0, 10) ?? "start"} → ${r.window.to?.slice(0, 10) ?? "end"}, recent part from ${r.window.split?.slice(0, 10) ?? "-"} (${r.window.period})`,
    `${r.documents.total} documents (${r.documents.baseline} baseline, ${r.documents.recent} recent; ${r.documents.offers} offers, ${r.documents.cvs} CVs; ${r.documents.sources} sources), ${r.tested} phrases with enough support tested`,
  ];
  if (r.status !== "ok") return [...lines, `${r.status}: ${r.message ?? ""}`].join("\n");
  if (r.emerging.length === 0) lines.push("No phrase rises significantly with the required support.");
  r.emerging.forEach((e, i) => {
    const f = e.figures;
    lines.push(
      `\n${i + 1}. ${e.label}${e.variants.length ? ` (also: ${e.variants.slice(0, 3).join(", ")})` : ""}`,
      `   ${f.baseline} → ${f.recent} documents, share ${(f.baselineShare * 100).toFixed(2)}% → ${(f.recentShare * 100).toFixed(2)}%, rate ratio ${f.rateRatio.toFixed(1)} (≥ ${f.rateRatioBound.toFixed(1)}), q = ${f.qValue.toExponential(1)}, ${f.sources} sources`,
      `   attach under: ${e.attachment.macroCompetence ? `${e.attachment.macroCompetence.libelle} [${e.attachment.macroCompetence.codeArbo}] (${e.attachment.attachedBy})` : "—"}`,
      `   nearest compétences: ${
        e.attachment.competences
          .slice(0, 3)
          .map((c) => c.libelle)
          .join("; ") || "—"
      }`,
      `   métiers: ${
        e.metiers
          .slice(0, 4)
          .map((m) => `${m.code} ${m.libelle} (${m.documents})`)
          .join("; ") || "—"
      }`,
      ...e.evidence.map((ev) => `   « ${ev.snippet} » (${ev.date})`),
    );
  });
  if (r.items.rising.length || r.items.falling.length) {
    lines.push(
      `\nROME items rising: ${
        r.items.rising
          .slice(0, 8)
          .map((i) => `${i.libelle} (${i.figures.baseline}→${i.figures.recent})`)
          .join("; ") || "—"
      }`,
    );
    lines.push(
      `ROME items falling: ${
        r.items.falling
          .slice(0, 8)
          .map((i) => `${i.libelle} (${i.figures.baseline}→${i.figures.recent})`)
          .join("; ") || "—"
      }`,
    );
  }
  return lines.join("\n");
}
