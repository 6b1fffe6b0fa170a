/** The weekly growth view: new users, generations and revenue per week (weeks start Monday). */
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import { filterWhere, sqlString } from "@/lib/shared/dashboard/sql";
import { num, str, type ViewQuery } from "./types";

export interface GrowthWeek {
  week: string;
  /** Days of the week inside the data and the date filter (7 for a whole week). */
  days: number;
  newUsers: number;
  activeUsers: number;
  generations: number;
  revenue: number;
  newUsersChange: number | null;
  generationsChange: number | null;
  revenueChange: number | null;
}

/**
 * Week-over-week change of the daily average, so a partial week (the first or last of the data,
 * or cut by the date filter) compares fairly with a whole one; for whole weeks it is the plain
 * change of the totals.
 */
function change(
  current: number,
  days: number,
  previous: number | undefined,
  previousDays: number | undefined,
): number | null {
  if (previous === undefined || !previousDays || !days || previous === 0) return null;
  return current / days / (previous / previousDays) - 1;
}

function windowBounds(f: DashboardFilters): { first: string; last: string } {
  return {
    first: f.from ? `greatest(min(d), date ${sqlString(f.from)})` : "min(d)",
    last: f.to ? `least(max(d), date ${sqlString(f.to)})` : "max(d)",
  };
}

/**
 * The first day in range of an active day's week: its Monday, or the date filter's first day
 * when that is later. (The data's first day needs no say: no one was active before it.)
 */
function weekStartInRange(f: DashboardFilters): string {
  const monday = "date_trunc('week', activity_date)::date";
  return f.from ? `greatest(${monday}, date ${sqlString(f.from)})` : monday;
}

export const weeklyGrowthQuery: ViewQuery<GrowthWeek[]> = {
  id: "weekly-growth",
  tables: [
    "agg_signups_daily",
    "agg_sessions_daily",
    "agg_active_users_daily",
    "agg_generations_daily",
    "agg_orders_daily",
  ],
  sql: (f) => `with
bounds as (
  select ${windowBounds(f).first} as first_day, ${windowBounds(f).last} as last_day
  from (select signup_date as d from agg_signups_daily union all select session_date from agg_sessions_daily)
),
spine as (
  select unnest(generate_series(first_day, last_day, interval 1 day))::date as day
  from bounds
  where first_day <= last_day
),
weeks as (
  select date_trunc('week', day)::date as week, count(*) as days, min(day) as first_day, max(day) as last_day
  from spine
  group by all
),
-- Everything per week in one aggregation (half the time in DuckDB-WASM of one per table and
-- their joins). A user counts once a week: on their first active day in the part of the week in
-- range, the day with no earlier active day in that part.
parts as (
  select date_trunc('week', signup_date)::date as week, new_users, 0 as active_users, 0 as generations,
    0 as revenue_usd
  from agg_signups_daily
  ${filterWhere.signups(f)}
  union all
  select date_trunc('week', activity_date)::date, 0, users, 0, 0
  from agg_active_users_daily
  ${filterWhere.activeUsers(f, { distinct: false })}
    and (previous_activity_date is null or previous_activity_date < ${weekStartInRange(f)})
  union all
  select date_trunc('week', generation_date)::date, 0, 0, generations, 0
  from agg_generations_daily
  ${filterWhere.generations(f)}
  union all
  select date_trunc('week', order_date)::date, 0, 0, 0, revenue_usd
  from agg_orders_daily
  ${filterWhere.orders(f)}
),
totals as (
  select
    week,
    sum(new_users) as new_users,
    sum(active_users) as active_users,
    sum(generations) as generations,
    sum(revenue_usd) as revenue_usd
  from parts
  group by week
)
select
  strftime(weeks.week, '%Y-%m-%d') as week,
  weeks.days::double as days,
  coalesce(totals.new_users, 0)::double as new_users,
  coalesce(totals.active_users, 0)::double as active_users,
  coalesce(totals.generations, 0)::double as generations,
  coalesce(totals.revenue_usd, 0)::double as revenue_usd
from weeks
left join totals using (week)
order by weeks.week`,
  rows: (rows) => {
    const out: GrowthWeek[] = [];
    for (const r of rows) {
      const prev = out[out.length - 1];
      const w = {
        week: str(r.week),
        days: num(r.days),
        newUsers: num(r.new_users),
        activeUsers: num(r.active_users),
        generations: num(r.generations),
        revenue: num(r.revenue_usd),
      };
      out.push({
        ...w,
        newUsersChange: change(w.newUsers, w.days, prev?.newUsers, prev?.days),
        generationsChange: change(w.generations, w.days, prev?.generations, prev?.days),
        revenueChange: change(w.revenue, w.days, prev?.revenue, prev?.days),
      });
    }
    return out;
  },
};
