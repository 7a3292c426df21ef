import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds the HNSW indexes once (when missing or stale) before any worker loads them.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // 2-core machines: two workers, each loading the referential once per file.
    pool: "forks",
    maxWorkers: 2,
    env: { DOTENV_CONFIG_QUIET: "true" },
  },
});
