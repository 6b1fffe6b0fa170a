/** Where the browser finds the publish (served by app/published/[...path]/route.ts). */
export const PUBLISHED_URL = "/published";

/** The published tables the dashboard queries. */
export const DASHBOARD_TABLES = [
  "fct_sessions",
  "fct_generations",
  "fct_orders",
  "dim_users",
  "dbt_test_results",
] as const;
export type DashboardTable = (typeof DASHBOARD_TABLES)[number];
