import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".venv/",
      "**/.next/",
      "**/out/",
      "dbt/",
      "public/",
      "next-env.d.ts",
      "test-results/",
      "bench/results/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Browser code never reaches for Node built-ins or the server's DuckDB.
    files: ["lib/browser/**", "components/**"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["node:*", "@duckdb/node-api", "@/lib/server/*", "**/lib/server/**"] },
      ],
    },
  },
  {
    // Server code never loads DuckDB-WASM or browser modules.
    files: ["lib/server/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["@duckdb/duckdb-wasm", "@/lib/browser/*", "**/lib/browser/**"] },
      ],
    },
  },
);
