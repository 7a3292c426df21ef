/**
 * The trend analysis in a worker thread (see trends-analyses.ts): the detector, the attachment of candidates by
 * vector and the report are computed here, off the HTTP event loop. The main thread keeps the database I/O and
 * answers this thread's requests for phrase documents.
 * In: { id, op: "analyze", counts, options } | { reply, rows }. Out: { id, ok, report | error } | { ask, phrases }.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "../config.js";
import { TransformersEmbedder } from "../embed/index.js";
import type { TrendCountCell, TrendCounts, TrendEvidenceRow } from "../lake/index.js";
import { loadReferential } from "../rome/index.js";
import {
  analyzeCounts,
  createPhraseAttacher,
  detailsFromDocuments,
  type PhraseSums,
  type TrendDocument,
  type TrendOptions,
} from "../trends/index.js";

type Series = Map<string, TrendCountCell[]>;
type In =
  | { id: number; op: "analyze"; counts: TrendCounts & { sums?: PhraseSums[] }; options: TrendOptions }
  | { reply: number; rows: Record<string, TrendEvidenceRow[]>; series?: Series; error?: string };

const port = parentPort!;
const config = workerData as Config;
const referential = loadReferential(config.romeDir);
const embedder = await TransformersEmbedder.fromConfig(config);
const attacher = await createPhraseAttacher(referential, embedder);
let nextAsk = 0;
const asks = new Map<
  number,
  { resolve: (r: { rows: Record<string, TrendEvidenceRow[]>; series?: Series }) => void; reject: (e: Error) => void }
>();

port.on("message", (m: In) => {
  if ("reply" in m) {
    const a = asks.get(m.reply);
    asks.delete(m.reply);
    if (m.error) a?.reject(new Error(m.error));
    else a?.resolve({ rows: m.rows, ...(m.series ? { series: m.series } : {}) });
    return;
  }
  void (async () => {
    try {
      const o = m.options;
      const report = await analyzeCounts(
        m.counts,
        async (keys, recentFrom) => {
          const ask = nextAsk++;
          const got = await new Promise<{ rows: Record<string, TrendEvidenceRow[]>; series?: Series }>(
            (resolve, reject) => {
              asks.set(ask, { resolve, reject });
              port.postMessage({
                ask,
                phrases: [...keys],
                series: m.counts.sums !== undefined,
                ...(o.from ? { from: o.from } : {}),
                ...(o.to ? { to: o.to } : {}),
              });
            },
          );
          const details = await detailsFromDocuments(() => documentsOf(got.rows), o, keys, recentFrom);
          return got.series ? { ...details, series: got.series } : details;
        },
        o,
        { referential, attacher, wholeFactor: config.trendsWholeFactor },
      );
      port.postMessage({ id: m.id, ok: true, report });
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
port.postMessage({ ready: true });

/** Rows fetched per phrase → one document each, carrying every phrase it was fetched for. */
function documentsOf(rows: Record<string, TrendEvidenceRow[]>): TrendDocument[] {
  const byId = new Map<string, TrendDocument>();
  for (const [phrase, list] of Object.entries(rows)) {
    for (const r of list) {
      const d = byId.get(r.id);
      if (d) d.phrases.push(phrase);
      else
        byId.set(r.id, {
          id: r.id,
          kind: r.kind,
          source: r.source,
          documentDate: new Date(r.documentDate),
          metiers: r.metiers,
          competences: r.competences,
          phrases: [phrase],
          text: r.text,
        });
    }
  }
  return [...byId.values()];
}
