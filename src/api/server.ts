import type { Server } from "node:http";
import type { Config } from "../config.js";
import type { Engine } from "../match/index.js";
import { createApp, type AppContext } from "./app.js";
import { createAuth, parseApiKeys } from "./auth.js";
import { answerClientErrors } from "./errors.js";
import { passerellesIndexes } from "./routes/passerelles.js";

/** Starts the HTTP server; resolves once it listens. Closes cleanly on SIGTERM/SIGINT. */
export async function startServer(config: Config, engine: Engine, extra: Partial<AppContext> = {}): Promise<Server> {
  const ctx: AppContext = { config, engine, auth: createAuth(parseApiKeys(config.apiKeys)), ...extra };
  const app = createApp(ctx);
  // Built now (~2–6 s of CPU with the text similarities) rather than by the first passerelles request, which would hold
  // every other one; profile labels are read with the engine's own stated extractor (no second one, ~5 s and ~90 MB).
  passerellesIndexes(engine.referential, engine.stated);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  // A slow or stalled client cannot hold a socket: headers within 10 s, the whole request within 30 s, idle
  // keep-alive sockets closed after 5 s, any socket silent for 2 min closed.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.setTimeout(120_000);
  answerClientErrors(server);
  const addr = server.address();
  console.error(
    `rome-match listening on ${typeof addr === "object" && addr ? `http://${addr.address}:${addr.port}` : addr} (ROME ${engine.referential.version}, model ${engine.modelId})`,
  );
  const stop = () => {
    server.close(() => process.exit(0));
    // Keep-alive clients that never hang up must not hold the process forever.
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  return server;
}
