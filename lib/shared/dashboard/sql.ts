/**
 * SQL of the dashboard that both engines run: DuckDB-WASM in the browser (live, on every filter
 * change) and the server's DuckDB (the first render, so figures paint before DuckDB-WASM has
 * compiled). It reads the dashboard's aggregate tables (dbt/models/metrics/dashboard/), named
 * after their published files: every figure under any filter is a sum over a few thousand of
 * their rows, where the marts would take a scan of every session and generation.
 */
import { MODELS, type Model } from "@/lib/shared/domain";
import type { DashboardFilters } from "./filters";

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The bits of some models in the aggregates' model masks: model i of MODELS is 2^i, as the dbt
 * var generation_models orders them (dbt/macros/dashboard.sql). 0 for no models.
 */
export function modelMask(models: readonly Model[]): number {
  return models.reduce((mask, m) => mask | (1 << MODELS.indexOf(m)), 0);
}

function inList(column: string, values: readonly string[]): string {
  return `${column} in (${values.map(sqlString).join(", ")})`;
}

function dateConditions(column: string, f: DashboardFilters): string[] {
  const out: string[] = [];
  if (f.from) out.push(`${column} >= date ${sqlString(f.from)}`);
  if (f.to) out.push(`${column} <= date ${sqlString(f.to)}`);
  return out;
}

function userConditions(f: DashboardFilters): string[] {
  const out: string[] = [];
  if (f.tiers.length) out.push(inList("user_tier", f.tiers));
  if (f.regions.length) out.push(inList("region", f.regions));
  return out;
}

function where(conditions: string[]): string {
  return conditions.length ? `where ${conditions.join("\n  and ")}` : "";
}

/**
 * How each filter reaches each table. Sessions match the model filter when at least one of
 * their generations used one of the models (their model mask shares a bit with the filter's);
 * orders and signups have no model, so the model filter leaves them alone (the page says so
 * next to revenue and new users).
 */
export const filterWhere = {
  /** agg_sessions_daily and top_friction_sessions. */
  sessions(f: DashboardFilters): string {
    const c = [...dateConditions("session_date", f), ...userConditions(f)];
    if (f.models.length) c.push(`(model_mask & ${modelMask(f.models)}) <> 0`);
    return where(c);
  },
  /** agg_generations_daily. */
  generations(f: DashboardFilters): string {
    const c = [...dateConditions("generation_date", f), ...userConditions(f)];
    if (f.models.length) c.push(inList("model", f.models));
    return where(c);
  },
  /** agg_orders_daily. */
  orders(f: DashboardFilters): string {
    return where([...dateConditions("order_date", f), ...userConditions(f)]);
  },
  /** agg_signups_daily. */
  signups(f: DashboardFilters): string {
    return where([...dateConditions("signup_date", f), ...userConditions(f)]);
  },
  /**
   * agg_active_users_daily: the rows of the filter's model set on its days. With `distinct`,
   * only each user's first active day in the date range, so that sum(users) counts every user
   * once however many days they were active.
   */
  activeUsers(f: DashboardFilters, options: { distinct: boolean }): string {
    const c = [
      `model_set = ${modelMask(f.models)}`,
      ...dateConditions("activity_date", f),
      ...userConditions(f),
    ];
    if (options.distinct) {
      c.push(
        f.from
          ? `(previous_activity_date is null or previous_activity_date < date ${sqlString(f.from)})`
          : "previous_activity_date is null",
      );
    }
    return where(c);
  },
};

/** dbt test outcomes per model (the model a test is attached to). */
export const testsByModelSql = `select
  model,
  count(*)::double as tests,
  count(case when status in ('fail', 'error') then 1 end)::double as failing,
  count(case when status = 'warn' then 1 end)::double as warning
from dbt_test_results
where model is not null
group by model
order by model`;
