/**
 * The console's pages (built by `npm run build:console` into dist/console-pages; tsc compiles this module into dist/console), served at `/` beside the API.
 * The server never builds them: until they are built, `/` says how (the API works either way).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import express, { Router } from "express";
import { REPO_ROOT } from "../config.js";

export const CONSOLE_DIR = path.join(REPO_ROOT, "dist", "console-pages");

/** Same-origin only: the pages load nothing from elsewhere and call only this service. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const NOT_BUILT = `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Console non construite</title></head>
<body><h1>La console n'est pas encore construite</h1>
<p>Lancez <code>npm run build:console</code> puis rechargez cette page.
L'API fonctionne déjà sous <a href="/openapi.json">/v1</a>.</p></body></html>`;

export function consoleRoutes(dir: string = CONSOLE_DIR): Router {
  const r = Router();
  const headers = (res: express.Response) => {
    res.set("Content-Security-Policy", CSP);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
  };
  // Built file names carry a content hash: cached for good.
  r.use(
    "/assets",
    (_req, res, next) => (headers(res), next()),
    express.static(path.join(dir, "assets"), { index: false, immutable: true, maxAge: "365d", fallthrough: true }),
  );
  r.get(["/", "/index.html"], (_req, res) => {
    headers(res);
    const file = path.join(dir, "index.html");
    if (!existsSync(file)) {
      res.status(503).type("html").send(NOT_BUILT);
      return;
    }
    res.set("Cache-Control", "no-cache");
    res.sendFile(file);
  });
  return r;
}
