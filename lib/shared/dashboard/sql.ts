/**
 * SQL of the dashboard that both engines run: DuckDB-WASM in the browser (live, on every filter
 * change) and the server's DuckDB (the first render, so figures paint before DuckDB-WASM has
 * compiled). Tables are named after the published files (fct_sessions, fct_generations, …).
 */
import type { DashboardFilters } from "./filters";

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
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

function userConditions(f: DashboardFilters, prefix = ""): string[] {
  const out: string[] = [];
  if (f.tiers.length) out.push(inList(`${prefix}user_tier`, f.tiers));
  if (f.regions.length) out.push(inList(`${prefix}region`, f.regions));
  return out;
}

function where(conditions: string[]): string {
  return conditions.length ? `where ${conditions.join("\n  and ")}` : "";
}

/**
 * How each filter reaches each table. Sessions match the model filter when at least one of
 * their generations used one of the models; orders and signups have no model, so the model
 * filter leaves them alone (the page says so next to revenue and new users).
 */
export const filterWhere = {
  sessions(f: DashboardFilters, alias = ""): string {
    const p = alias ? `${alias}.` : "";
    const c = [...dateConditions(`${p}session_date`, f), ...userConditions(f, p)];
    if (f.models.length) {
      c.push(`${p}session_id in (select session_id from fct_generations where ${inList("model", f.models)})`);
    }
    return where(c);
  },
  generations(f: DashboardFilters, alias = ""): string {
    const p = alias ? `${alias}.` : "";
    const c = [...dateConditions(`${p}generation_date`, f), ...userConditions(f, p)];
    if (f.models.length) c.push(inList(`${p}model`, f.models));
    return where(c);
  },
  orders(f: DashboardFilters, alias = ""): string {
    const p = alias ? `${alias}.` : "";
    return where([...dateConditions(`${p}order_date`, f), ...userConditions(f, p)]);
  },
  signups(f: DashboardFilters, alias = ""): string {
    const p = alias ? `${alias}.` : "";
    return where([...dateConditions(`${p}signup_date`, f), ...userConditions(f, p)]);
  },
};

/** One row: the six headline figures. */
export function kpiSql(f: DashboardFilters): string {
  return `with
sessions as (
  select count(*) as sessions, count(distinct user_id) as users, avg(friction_score) as avg_friction
  from fct_sessions
  ${filterWhere.sessions(f)}
),
generations as (
  select count(*) as generations, avg(case when is_success then 1.0 else 0.0 end) as success_rate
  from fct_generations
  ${filterWhere.generations(f)}
),
orders as (
  select cast(coalesce(sum(amount_usd), 0) as double) as revenue_usd
  from fct_orders
  ${filterWhere.orders(f)}
)
select
  sessions.users::double as users,
  sessions.sessions::double as sessions,
  generations.generations::double as generations,
  generations.success_rate,
  orders.revenue_usd,
  sessions.avg_friction
from sessions, generations, orders`;
}

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
