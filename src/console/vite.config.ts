/** Builds the console (src/console/app) into dist/console-pages (not dist/console, where tsc puts the compiled router): `npm run build:console`. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(here, "app"),
  base: "/",
  publicDir: false,
  logLevel: "warn",
  build: {
    outDir: path.resolve(here, "..", "..", "dist", "console-pages"),
    emptyOutDir: true,
    target: "es2022",
    // One small bundle: no preload polyfill, no inline scripts (the pages are served with a strict CSP).
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
