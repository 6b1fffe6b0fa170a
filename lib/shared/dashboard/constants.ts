/**
 * Where the browser finds things. Both values are inlined at build time (next.config.mjs
 * `env`): the app served by `npm start` lives at the root with its routes; the static site of
 * `npm run export` can live under any base path and has no server behind it.
 */

/** The path the site is served under: "" at the root, "/team/sbdk" for a static export there. */
export const BASE_PATH = process.env.SBDK_BASE_PATH ?? "";

/** True in the static site: no server, no API, no run button; the engine files are gzipped. */
export const STATIC_SITE = process.env.SBDK_STATIC_SITE === "1";

/** The publish: app/published/[...path]/route.ts, or a folder of the static site. */
export const PUBLISHED_URL = `${BASE_PATH}/published`;

/** The DuckDB-WASM and parquet-wasm bundles: app/engine/[file]/route.ts, or a folder of the static site. */
export const ENGINE_URL = `${BASE_PATH}/engine`;

/**
 * The published tables the dashboard queries: the aggregates dbt builds for it
 * (dbt/models/metrics/dashboard/), a few hundred kB where the marts are tens of MB at a
 * million sessions, and the test results for the trust badges.
 */
export const DASHBOARD_TABLES = [
  "agg_sessions_daily",
  "agg_active_users_daily",
  "agg_generations_daily",
  "agg_orders_daily",
  "agg_signups_daily",
  "top_friction_sessions",
  "agg_backfills_daily",
  "dbt_test_results",
] as const;
export type DashboardTable = (typeof DASHBOARD_TABLES)[number];
