/** The tier view: who the free, pro and enterprise users are worth, in usage and revenue. */
import { USER_TIERS } from "@/lib/shared/domain";
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import { filterWhere, sqlString } from "@/lib/shared/dashboard/sql";
import { num, numOrNull, str, type ViewQuery } from "./types";

function tiersOf(f: DashboardFilters): readonly string[] {
  return f.tiers.length ? f.tiers : USER_TIERS;
}

function tierValues(f: DashboardFilters): string {
  return tiersOf(f)
    .map((t, i) => `(${sqlString(t)}, ${i})`)
    .join(", ");
}

export interface TierRow {
  tier: string;
  users: number;
  sessions: number;
  generations: number;
  successRate: number | null;
  revenue: number;
  orders: number;
}

/**
 * Per tier over the filters' days: active users, sessions, generations, revenue. The headline
 * figures are these added up (kpis.ts), from the same statement.
 */
export const tierSummaryQuery: ViewQuery<TierRow[]> = {
  id: "tier-summary",
  tables: ["agg_active_users_daily", "agg_sessions_daily", "agg_generations_daily", "agg_orders_daily"],
  sql: (f) => `with
tiers as (select * from (values ${tierValues(f)}) as t(user_tier, ord)),
users as (
  select user_tier, sum(users) as users
  from agg_active_users_daily
  ${filterWhere.activeUsers(f, { distinct: true })}
  group by user_tier
),
sessions as (
  select user_tier, sum(sessions) as sessions, sum(friction_score_sum) as friction_score_sum
  from agg_sessions_daily
  ${filterWhere.sessions(f)}
  group by user_tier
),
generations as (
  select user_tier, sum(generations) as generations, sum(successful_generations) as successful_generations,
    sum(successful_generations)::double / sum(generations) as success_rate
  from agg_generations_daily
  ${filterWhere.generations(f)}
  group by user_tier
),
orders as (
  select user_tier, sum(revenue_usd) as revenue_usd, sum(orders) as orders
  from agg_orders_daily
  ${filterWhere.orders(f)}
  group by user_tier
)
select
  tiers.user_tier,
  coalesce(users.users, 0)::double as users,
  coalesce(sessions.sessions, 0)::double as sessions,
  coalesce(generations.generations, 0)::double as generations,
  generations.success_rate,
  coalesce(orders.revenue_usd, 0)::double as revenue_usd,
  coalesce(orders.orders, 0)::double as orders,
  -- For the headline figures, which add the tiers up (kpis.ts).
  coalesce(sessions.friction_score_sum, 0)::double as friction_score_sum,
  coalesce(generations.successful_generations, 0)::double as successful_generations
from tiers
left join users on users.user_tier = tiers.user_tier
left join sessions on sessions.user_tier = tiers.user_tier
left join generations on generations.user_tier = tiers.user_tier
left join orders on orders.user_tier = tiers.user_tier
order by tiers.ord`,
  rows: (rows) =>
    rows.map((r) => ({
      tier: str(r.user_tier),
      users: num(r.users),
      sessions: num(r.sessions),
      generations: num(r.generations),
      successRate: numOrNull(r.success_rate),
      revenue: num(r.revenue_usd),
      orders: num(r.orders),
    })),
};

/** One row per day, a column per tier and measure ("free_generations", "pro_revenue", …). */
export type TierDay = { day: string } & Record<string, number | string>;

export const tierOverTimeQuery: ViewQuery<TierDay[]> = {
  id: "tier-over-time",
  tables: ["agg_active_users_daily", "agg_generations_daily", "agg_orders_daily"],
  // One aggregation over the three tables' rows, each in one set of columns: about half the time
  // in DuckDB-WASM of an aggregation per table joined on a union of their keys.
  sql: (f) => `select
  strftime(day, '%Y-%m-%d') as day,
  user_tier,
  sum(generations)::double as generations,
  sum(users)::double as users,
  sum(revenue_usd)::double as revenue_usd
from (
  select generation_date as day, user_tier, generations, 0 as users, 0 as revenue_usd
  from agg_generations_daily
  ${filterWhere.generations(f)}
  union all
  select activity_date, user_tier, 0, users, 0
  from agg_active_users_daily
  ${filterWhere.activeUsers(f, { distinct: false })}
  union all
  select order_date, user_tier, 0, 0, revenue_usd
  from agg_orders_daily
  ${filterWhere.orders(f)}
)
group by all
order by day, user_tier`,
  rows: (rows) => {
    const byDay = new Map<string, TierDay>();
    for (const r of rows) {
      const day = str(r.day);
      let d = byDay.get(day);
      if (!d) {
        d = { day };
        for (const t of USER_TIERS) {
          d[`${t}_generations`] = 0;
          d[`${t}_users`] = 0;
          d[`${t}_revenue`] = 0;
        }
        byDay.set(day, d);
      }
      const t = str(r.user_tier);
      d[`${t}_generations`] = num(r.generations);
      d[`${t}_users`] = num(r.users);
      d[`${t}_revenue`] = num(r.revenue_usd);
    }
    return [...byDay.values()];
  },
};
