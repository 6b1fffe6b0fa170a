/**
 * The dashboard's figures computed row by row from the marts: the SQL the dashboard ran before
 * it read the aggregate tables (dbt/models/metrics/dashboard/), kept as the reference those
 * aggregate queries must equal (dashboard-aggregates.test.ts). Tables are named after the
 * published files.
 */
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import { FRICTION_BUCKET, TOP_SESSIONS } from "@/lib/shared/dashboard/queries/friction";
import { sqlString } from "@/lib/shared/dashboard/sql";
import { USER_TIERS } from "@/lib/shared/domain";

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
const filterWhere = {
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

/** The SQL of each dashboard query (by id) over the marts. */
export const ROW_LEVEL_SQL: Record<string, (f: DashboardFilters) => string> = {
  // The headline figures add up the tier summary's rows, from its statement.
  kpis: (f) => tierSummary(f),
  // The friction view's four charts read one statement (per tier, per region, per day, in
  // total with the histogram's bin_<edge> counts): the same shape here.
  "friction-histogram": (f) => sessionsBreakdown(f),
  "friction-by-tier": (f) => sessionsBreakdown(f),
  "friction-by-region": (f) => sessionsBreakdown(f),
  "friction-over-time": (f) => sessionsBreakdown(f),
  "top-friction-sessions": (f) => `select
  session_id, user_id, user_tier, region,
  strftime(session_date, '%Y-%m-%d') as day,
  generation_count::double as generations,
  error_rate, avg_latency_ms, avg_retry_count, friction_score
from fct_sessions
${filterWhere.sessions(f)}
order by friction_score desc, session_id
limit ${TOP_SESSIONS}`,
  "tier-summary": (f) => tierSummary(f),
  "tier-over-time": (f) => `with
generations as (
  select generation_date as day, user_tier, count(*) as generations
  from fct_generations
  ${filterWhere.generations(f)}
  group by all
),
active as (
  select session_date as day, user_tier, count(distinct user_id) as users
  from fct_sessions
  ${filterWhere.sessions(f)}
  group by all
),
orders as (
  select order_date as day, user_tier, sum(amount_usd) as revenue_usd
  from fct_orders
  ${filterWhere.orders(f)}
  group by all
),
keys as (
  select day, user_tier from generations
  union select day, user_tier from active
  union select day, user_tier from orders
)
select
  strftime(keys.day, '%Y-%m-%d') as day,
  keys.user_tier,
  coalesce(generations.generations, 0)::double as generations,
  coalesce(active.users, 0)::double as users,
  coalesce(orders.revenue_usd, 0)::double as revenue_usd
from keys
left join generations using (day, user_tier)
left join active using (day, user_tier)
left join orders using (day, user_tier)
order by keys.day, keys.user_tier`,
  "weekly-growth": (f) => `with
bounds as (
  select ${windowBounds(f).first} as first_day, ${windowBounds(f).last} as last_day
  from (select signup_date as d from dim_users union all select session_date from fct_sessions)
),
spine as (
  select unnest(generate_series(first_day, last_day, interval 1 day))::date as day
  from bounds
  where first_day <= last_day
),
weeks as (
  select date_trunc('week', day)::date as week, count(*) as days
  from spine
  group by all
),
signups as (
  select date_trunc('week', signup_date)::date as week, count(*) as new_users
  from dim_users
  ${filterWhere.signups(f)}
  group by all
),
active as (
  select date_trunc('week', session_date)::date as week,
    count(distinct user_id) as active_users
  from fct_sessions
  ${filterWhere.sessions(f)}
  group by all
),
generations as (
  select date_trunc('week', generation_date)::date as week, count(*) as generations
  from fct_generations
  ${filterWhere.generations(f)}
  group by all
),
orders as (
  select date_trunc('week', order_date)::date as week, sum(amount_usd) as revenue_usd
  from fct_orders
  ${filterWhere.orders(f)}
  group by all
)
select
  strftime(weeks.week, '%Y-%m-%d') as week,
  weeks.days::double as days,
  coalesce(signups.new_users, 0)::double as new_users,
  coalesce(active.active_users, 0)::double as active_users,
  coalesce(generations.generations, 0)::double as generations,
  coalesce(orders.revenue_usd, 0)::double as revenue_usd
from weeks
left join signups using (week)
left join active using (week)
left join generations using (week)
left join orders using (week)
order by weeks.week`,
};

function tierSummary(f: DashboardFilters): string {
  return `with
tiers as (select * from (values ${tierValues(f)}) as t(user_tier, ord)),
sessions as (
  select user_tier, count(distinct user_id) as users, count(*) as sessions, sum(friction_score) as friction_score_sum
  from fct_sessions
  ${filterWhere.sessions(f)}
  group by user_tier
),
generations as (
  select user_tier, count(*) as generations, count(*) filter (where is_success) as successful_generations,
    avg(case when is_success then 1.0 else 0.0 end) as success_rate
  from fct_generations
  ${filterWhere.generations(f)}
  group by user_tier
),
orders as (
  select user_tier, sum(amount_usd) as revenue_usd, count(*) as orders
  from fct_orders
  ${filterWhere.orders(f)}
  group by user_tier
)
select
  tiers.user_tier,
  coalesce(sessions.users, 0)::double as users,
  coalesce(sessions.sessions, 0)::double as sessions,
  coalesce(generations.generations, 0)::double as generations,
  generations.success_rate,
  coalesce(orders.revenue_usd, 0)::double as revenue_usd,
  coalesce(orders.orders, 0)::double as orders,
  coalesce(sessions.friction_score_sum, 0)::double as friction_score_sum,
  coalesce(generations.successful_generations, 0)::double as successful_generations
from tiers
left join sessions on sessions.user_tier = tiers.user_tier
left join generations on generations.user_tier = tiers.user_tier
left join orders on orders.user_tier = tiers.user_tier
order by tiers.ord`;
}

function sessionsBreakdown(f: DashboardFilters): string {
  const bins = Array.from({ length: 100 / FRICTION_BUCKET }, (_, i) => i * FRICTION_BUCKET);
  return `with
binned as (
  select *, least(floor(friction_score / ${FRICTION_BUCKET}) * ${FRICTION_BUCKET}, ${100 - FRICTION_BUCKET}) as start
  from fct_sessions
  ${filterWhere.sessions(f)}
)
select
  grouping(user_tier, region, session_date) as breakdown,
  coalesce(user_tier, region) as key,
  strftime(session_date, '%Y-%m-%d') as day,
  count(*)::double as sessions,
  avg(friction_score) as avg_friction,
  avg(case when friction_category = 'high' then 1.0 else 0.0 end) as high_share,
  ${bins.map((b) => `count(*) filter (where start = ${b})::double as bin_${b}`).join(",\n  ")}
from binned
group by grouping sets ((user_tier), (region), (session_date), ())
order by breakdown, key, session_date`;
}

function tiersOf(f: DashboardFilters): readonly string[] {
  return f.tiers.length ? f.tiers : USER_TIERS;
}

function tierValues(f: DashboardFilters): string {
  return tiersOf(f)
    .map((t, i) => `(${sqlString(t)}, ${i})`)
    .join(", ");
}

function windowBounds(f: DashboardFilters): { first: string; last: string } {
  return {
    first: f.from ? `greatest(min(d), date ${sqlString(f.from)})` : "min(d)",
    last: f.to ? `least(max(d), date ${sqlString(f.to)})` : "max(d)",
  };
}
