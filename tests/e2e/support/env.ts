/**
 * Where the end-to-end run keeps its data and which ports its servers use. The folder is made
 * once per run (by playwright.config.ts, passed to workers through the environment).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.SBDK_E2E_DIR ??= join(tmpdir(), `sbdk-e2e-${process.pid}-${Date.now().toString(36)}`);

export const E2E_DIR = process.env.SBDK_E2E_DIR;
export const E2E_CONFIG = join(E2E_DIR, "sbdk_config.json");
export const E2E_WAREHOUSE = join(E2E_DIR, "sbdk.duckdb");
export const E2E_PUBLISH = join(E2E_DIR, "publish");
/** A publish folder that stays empty, for the "nothing published" page. */
export const E2E_EMPTY_PUBLISH = join(E2E_DIR, "empty-publish");

export const PORT = Number(process.env.SBDK_E2E_PORT ?? 3210);
export const EMPTY_PORT = PORT + 1;
export const BASE_URL = `http://127.0.0.1:${PORT}`;
export const EMPTY_BASE_URL = `http://127.0.0.1:${EMPTY_PORT}`;
/** A plain static file server over the exported site (tests/e2e/export.spec.ts). */
export const STATIC_PORT = PORT + 2;

/** The GitHub webhook's secret on the main server; the empty-publish server has none (webhook off). */
export const E2E_WEBHOOK_SECRET = "e2e-webhook-secret";
/**
 * The simulation player's own server, config, warehouse and publish (tests/e2e/simulate.spec.ts):
 * a simulation starts the warehouse over, so it never touches the data the other specs check.
 */
export const E2E_SIM_DIR = join(E2E_DIR, "simulation");
export const E2E_SIM_CONFIG = join(E2E_SIM_DIR, "sbdk_config.json");
export const E2E_SIM_WAREHOUSE = join(E2E_SIM_DIR, "sbdk.duckdb");
export const E2E_SIM_PUBLISH = join(E2E_SIM_DIR, "publish");
export const SIM_PORT = PORT + 3;
export const SIM_BASE_URL = `http://127.0.0.1:${SIM_PORT}`;
/** A plain static file server over the exported replay. */
export const SIM_STATIC_PORT = PORT + 4;
/** Small: a day's dbt build is mostly dbt's fixed cost. Day 1 is a Sunday, so day 2 starts a week. */
export const E2E_SIM_DATA = { seed: 11, users: 300, days: 30, start_date: "2026-01-04" } as const;

/** A small, fixed dataset: the numbers are deterministic and the pipeline takes seconds. */
export const E2E_DATA = { seed: 7, users: 1000, days: 14, start_date: "2025-12-01" } as const;

/**
 * Writes the run's sbdk_config.json (and the empty publish folder). Called when the Playwright
 * config loads, before the servers start: they read the config on every request.
 */
export function writeE2EConfig(root: string): void {
  mkdirSync(E2E_EMPTY_PUBLISH, { recursive: true });
  mkdirSync(E2E_SIM_DIR, { recursive: true });
  writeFileSync(
    E2E_SIM_CONFIG,
    JSON.stringify(
      {
        ...E2E_SIM_DATA,
        duckdb_path: E2E_SIM_WAREHOUSE,
        publish_path: E2E_SIM_PUBLISH,
        dbt_path: join(root, "dbt"),
        profiles_dir: join(root, "dbt"),
      },
      null,
      2,
    ),
  );
  writeFileSync(
    E2E_CONFIG,
    JSON.stringify(
      {
        ...E2E_DATA,
        duckdb_path: E2E_WAREHOUSE,
        publish_path: E2E_PUBLISH,
        dbt_path: join(root, "dbt"),
        profiles_dir: join(root, "dbt"),
      },
      null,
      2,
    ),
  );
}
