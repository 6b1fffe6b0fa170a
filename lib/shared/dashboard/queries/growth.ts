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
signups as (
  select date_trunc('week', signup_date)::date as week, sum(new_users) as new_users
  from agg_signups_daily
  ${filterWhere.signups(f)}
  group by all
),
-- A user counts once a week: on their first active day in the part of the week in range.
active as (
  select weeks.week, sum(users.users) as active_users
  from weeks
  join (
    select * from agg_active_users_daily
    ${filterWhere.activeUsers(f, { distinct: false })}
  ) as users
    on users.activity_date between weeks.first_day and weeks.last_day
    and (users.previous_activity_date is null or users.previous_activity_date < weeks.first_day)
  group by weeks.week
),
generations as (
  select date_trunc('week', generation_date)::date as week, sum(generations) as generations
  from agg_generations_daily
  ${filterWhere.generations(f)}
  group by all
),
orders as (
  select date_trunc('week', order_date)::date as week, sum(revenue_usd) as revenue_usd
  from agg_orders_daily
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
