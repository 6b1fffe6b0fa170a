import { kpiSql, testsByModelSql } from "@/lib/shared/dashboard/sql";
import { toKpis, type Kpis, type ModelTests } from "@/lib/shared/dashboard/types";
import { num, str, type ViewQuery } from "./types";

export const kpiQuery: ViewQuery<Kpis> = {
  id: "kpis",
  tables: ["agg_sessions_daily", "agg_active_users_daily", "agg_generations_daily", "agg_orders_daily"],
  sql: kpiSql,
  rows: (rows) => toKpis(rows[0]),
};

export const testsQuery: ViewQuery<ModelTests[]> = {
  id: "tests",
  tables: ["dbt_test_results"],
  sql: () => testsByModelSql,
  rows: (rows) =>
    rows.map((r) => ({
      model: str(r.model),
      tests: num(r.tests),
      failing: num(r.failing),
      warning: num(r.warning),
    })),
};
