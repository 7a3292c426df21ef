// House rules enforced in CI: typescript-eslint's recommended set, no import cycles, other folders of src/ reached
// only through their index.ts, and dependencies pointing one way (docs/architecture.md).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

/** Layers from the bottom up; a folder may import its own layer's barrels and any lower layer's. */
const LAYERS = [
  ["sources", "text", "embed"],
  ["rome"],
  ["vectors"],
  ["skills"],
  ["match"],
  ["passerelles", "lake"],
  ["ingest", "trends", "tuning"],
  ["console"],
  ["api"],
  ["cli"],
];

/** The folders a folder of layer i must not import: every folder of a higher layer. */
function forbiddenFor(folder) {
  const layer = LAYERS.findIndex((l) => l.includes(folder));
  return LAYERS.slice(layer + 1).flat();
}

const barrelOnly = {
  regex: "^(\\.\\./)+(?!config\\.js$)[a-z-]+/(?!index\\.js$).+",
  message: "Import another folder through its index.ts (its public surface).",
};
/** Tuning also reads the trainers' surface of a folder (fitting.ts), which the runtime never imports. */
const barrelOrFitting = {
  regex: "^(\\.\\./)+(?!config\\.js$)[a-z-]+/(?!(index|fitting)\\.js$).+",
  message: "Import another folder through its index.ts (its public surface) or, from tuning, its fitting.ts.",
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "indexes/", "data/", "test-results/", "**/*.mjs", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/no-explicit-any": "error",
      // Short guards (`cond && act()`) and comma sequences of pushes in hot loops are house style.
      "@typescript-eslint/no-unused-expressions": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...LAYERS.flat().map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    // The console's browser app (src/console/app) is its own small program with its own folders.
    ignores: ["src/console/app/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            folder === "tuning" ? barrelOrFitting : barrelOnly,
            ...forbiddenFor(folder).map((f) => ({
              regex: `^(\\.\\./)+${f}/`,
              message: `${folder} sits below ${f} (docs/architecture.md): dependencies point one way.`,
            })),
          ],
        },
      ],
    },
  })),
);
