/** Starts `rome-match serve` for the browser tests: embedded lake in a temp folder, fixed test keys, a free port. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../src/config.js";

export const TEST_KEYS = {
  advisor: "console-test-advisor-0001",
  analyst: "console-test-analyst-0001",
  ingest: "console-test-ingest-00001",
} as const;

export interface TestServer {
  url: string;
  stop(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  // A server already running with the same keys (CONSOLE_TEST_URL) saves a minute while writing tests.
  if (process.env.CONSOLE_TEST_URL)
    return { url: process.env.CONSOLE_TEST_URL.replace(/\/$/, ""), stop: async () => undefined };
  const lakeDir = mkdtempSync(path.join(os.tmpdir(), "console-lake-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    LAKE_DIR: lakeDir,
    DATABASE_URL: "",
    WORKERS: "1",
    MATCH_THREADS: "0",
    API_KEYS: `${TEST_KEYS.advisor}:advisor;${TEST_KEYS.analyst}:analyst;${TEST_KEYS.ingest}:ingest`,
  };
  const child = spawn(path.join(REPO_ROOT, "node_modules", ".bin", "tsx"), ["src/cli/main.ts", "serve"], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      log += b.toString();
      const m = log.match(/listening on (http:\/\/[^\s]+)/);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening:\n${log.slice(-2000)}`)));
  });
  return {
    url,
    async stop() {
      await stopChild(child);
      rmSync(lakeDir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => (clearTimeout(t), resolve()));
    child.kill("SIGTERM");
  });
}

/** Synthetic dated offers: two sources over six months; "logiciel Pennylane" rare, then in most offers. */
export function syntheticOffers(): Record<string, unknown>[] {
  const filler = [
    "Saisie des écritures comptables et rapprochements bancaires.",
    "Préparation des déclarations de TVA et des clôtures mensuelles.",
    "Suivi des comptes fournisseurs et relances clients.",
    "Participation à l'élaboration du bilan annuel.",
    "Maîtrise d'un logiciel de comptabilité et d'Excel.",
    "Travail en équipe avec l'expert-comptable.",
  ];
  const out: Record<string, unknown>[] = [];
  for (let m = 0; m < 6; m++) {
    for (let i = 0; i < 14; i++) {
      const lines = [filler[(i + m) % filler.length]!, filler[(i + 2 * m + 1) % filler.length]!];
      const rising = m < 3 ? i === 0 : i < 11;
      if (rising) lines.push("Pratique du logiciel Pennylane appréciée.");
      out.push({
        kind: "offer",
        source: i % 2 ? "site-a" : "site-b",
        externalId: `o-${m}-${i}`,
        title: i % 3 ? "Comptable" : "Assistant comptable / Assistante comptable",
        text: lines.join("\n"),
        documentDate: `2025-${String(m + 1).padStart(2, "0")}-${String(3 + i).padStart(2, "0")}`,
      });
    }
  }
  const care = [
    "Aide-soignant en EHPAD : soins d'hygiène et de confort, aide aux repas, transmissions.",
    "Aide-soignante de nuit en clinique : surveillance des constantes, travail en équipe pluridisciplinaire.",
    "Agent de service hospitalier : bionettoyage des chambres, distribution des repas.",
  ];
  care.forEach((text, i) =>
    out.push({
      kind: "offer",
      source: "site-a",
      externalId: `soin-${i}`,
      title: i < 2 ? "Aide-soignant / Aide-soignante" : "Agent de service hospitalier",
      text,
      documentDate: "2025-06-20",
    }),
  );
  return out;
}
