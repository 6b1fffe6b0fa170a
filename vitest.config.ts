import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // lib/server modules import "server-only", which refuses to load outside a React server
      // bundle; under test they run in plain Node, as in the CLI.
      "server-only": `${root}node_modules/server-only/empty.js`,
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          // Some unit tests load a few days into an in-memory DuckDB: well under a second alone,
          // several seconds on a shared, busy machine. Time is measured in the bench, not here.
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 600_000,
          hookTimeout: 600_000,
          // Real dbt and real DuckDB files: one file at a time keeps 2 cores from thrashing.
          fileParallelism: false,
        },
      },
    ],
  },
});
