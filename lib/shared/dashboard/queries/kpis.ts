import { testsByModelSql } from "@/lib/shared/dashboard/sql";
import type { Kpis, ModelTests } from "@/lib/shared/dashboard/types";
import { tierSummaryQuery } from "./tiers";
import { num, str, type ViewQuery } from "./types";

/**
 * The six headline figures: the tier summary's rows added up. Every user has one tier, so the
 * tiers' active users add up to the distinct users of the slice; the rates are the sums' ratios.
 * One statement for both views: DuckDB-WASM plans and runs it once per filter change.
 */
export const kpiQuery: ViewQuery<Kpis> = {
  id: "kpis",
  tables: tierSummaryQuery.tables,
  sql: tierSummaryQuery.sql,
  rows: (rows) => {
    const sum = (key: string) => rows.reduce((s, r) => s + num(r[key]), 0);
    const [sessions, generations] = [sum("sessions"), sum("generations")];
    return {
      users: sum("users"),
      sessions,
      generations,
      success_rate: generations ? sum("successful_generations") / generations : null,
      revenue_usd: sum("revenue_usd"),
      avg_friction: sessions ? sum("friction_score_sum") / sessions : null,
    };
  },
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
