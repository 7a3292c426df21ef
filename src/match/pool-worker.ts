/**
 * One engine in a worker thread (see pool.ts). Messages in: { id, op: "match", input } | { id, op: "extract", text }
 * | { id, op: "embed", texts, role } | { id, op: "learn", feedback } (the lake's labelled offers: the memory rebuilt, see
 * live.ts); out: { id, ok: true, result } | { id, ok: false, error }.
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "../config.js";
import { CodedError } from "../errors.js";
import type { EmbedRole } from "../embed/index.js";
import { createEngine } from "./create.js";
import type { Exemplar } from "./exemplars.js";
import { countsOf, engineWithFeedback } from "./live.js";
import type { MatchInput } from "./types.js";

type Request =
  | { id: number; op: "match"; input: MatchInput }
  | { id: number; op: "extract"; text: string }
  | { id: number; op: "embed"; texts: string[]; role: EmbedRole }
  | { id: number; op: "learn"; feedback: Exemplar[] };

const port = parentPort!;
// Linux gives each thread its own nice value: matching yields the CPU to the event-loop thread, so that /health,
// lake reads and refusals stay fast however much matching is queued (no effect where unsupported).
try {
  setPriority(10);
} catch {
  // not permitted or not supported: same priority as the loop
}
const base = await createEngine(workerData as Config);
/** The engine calls start with: a call keeps it to the end, a `learn` swaps it for the next ones. */
let engine = base;
port.on("message", (req: Request) => {
  void (async () => {
    try {
      if (req.op === "learn") {
        engine = engineWithFeedback(base, req.feedback);
        port.postMessage({ id: req.id, ok: true, result: countsOf(engine) });
      } else if (req.op === "embed") {
        const vecs = await engine.embedder.embed(req.texts, req.role);
        port.postMessage(
          { id: req.id, ok: true, result: vecs },
          vecs.map((v) => v.buffer as ArrayBuffer),
        );
      } else {
        const result = req.op === "match" ? await engine.match(req.input) : await engine.extractSkills(req.text);
        port.postMessage({ id: req.id, ok: true, result });
      }
    } catch (e) {
      const code = e instanceof CodedError ? e.code : undefined;
      port.postMessage({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e), code });
    }
  })();
});
port.postMessage({ ready: true });
