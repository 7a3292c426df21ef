import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` (test/unit: no referential, no database, no model; seconds) and `integration`
 * (test/integration: the real ROME data, the model, PostgreSQL). Both mirror src/ folder by folder.
 * `npm test` runs both; `npm run test:unit`, `npm run test:integration` one.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // 2-core machines: two workers, each loading the referential once per file.
    pool: "forks",
    maxWorkers: 2,
    env: { DOTENV_CONFIG_QUIET: "true" },
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          // Builds the HNSW indexes once (when missing or stale) before any worker loads them.
          globalSetup: ["test/global-setup.ts"],
        },
      },
    ],
  },
});
