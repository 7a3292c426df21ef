import { defineConfig } from "vitest/config";

/** `npm run test:browser`: the console in headless Chromium against a server the test starts (not part of `npm test`). */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.browser.ts"],
    testTimeout: 120_000,
    // Starting the service loads the referential, the model and the labelled offers (about a minute on a busy machine).
    hookTimeout: 600_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    env: { DOTENV_CONFIG_QUIET: "true" },
  },
});
