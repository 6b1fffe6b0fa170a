/**
 * The backfilled metrics view: per backfill (lib/shared/backfills.ts) over the filters' days,
 * tiers and regions, how many rows its mart has and how many have a value, on how many days
 * every row has one, and the mean of the values (number backfills) or their count per category.
 * The model filter does not apply: prompts, users and sessions have no single model.
 */
import { BACKFILLS } from "@/lib/shared/backfills";
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import { sqlString } from "@/lib/shared/dashboard/sql";
import { num, numOrNull, str, type ViewQuery } from "./types";

export interface BackfillMetric {
  name: string;
  /** Days (batch_date) of the mart in the filters' range, and those whose every row has a value. */
  days: number;
  filledDays: number;
  rows: number;
  filledRows: number;
  /** Mean of a number backfill's values; null for a category backfill or without values. */
  mean: number | null;
  /** Rows per value of a category backfill, in the registry's order. */
  categories: { value: string; count: number }[];
}

function where(f: DashboardFilters): string {
  const c: string[] = [];
  if (f.from) c.push(`date_day >= date ${sqlString(f.from)}`);
  if (f.to) c.push(`date_day <= date ${sqlString(f.to)}`);
  if (f.tiers.length) c.push(`user_tier in (${f.tiers.map(sqlString).join(", ")})`);
  if (f.regions.length) c.push(`region in (${f.regions.map(sqlString).join(", ")})`);
  return c.length ? `where ${c.join("\n  and ")}` : "";
}

export const backfillMetricsQuery: ViewQuery<BackfillMetric[]> = {
  id: "backfill-metrics",
  tables: ["agg_backfills_daily"],
  sql: (f) => `with
rows_in as (select * from agg_backfills_daily ${where(f)}),
per_day as (
  select backfill_name, date_day, sum(row_count) as row_count, sum(filled_rows) as filled_rows
  from rows_in group by backfill_name, date_day
),
days as (
  select backfill_name, count(*) as days, count(*) filter (where filled_rows = row_count) as filled_days
  from per_day group by backfill_name
),
totals as (
  select backfill_name, sum(row_count) as row_count, sum(filled_rows) as filled_rows,
    sum(value_sum)::double / nullif(sum(filled_rows), 0) as mean
  from rows_in group by backfill_name
)
select 'total' as kind, totals.backfill_name, null as category, days.days::double as days,
  days.filled_days::double as filled_days, totals.row_count::double as row_count,
  totals.filled_rows::double as filled_rows, totals.mean
from totals join days on days.backfill_name = totals.backfill_name
union all
select 'category' as kind, backfill_name, category, null, null, null, sum(filled_rows)::double, null
from rows_in where category is not null group by backfill_name, category
order by 2, 1 desc, 3`,
  rows: (rows) =>
    BACKFILLS.map((b) => {
      const total = rows.find((r) => str(r.kind) === "total" && str(r.backfill_name) === b.name);
      const order: readonly string[] = b.value.kind === "category" ? b.value.values : [];
      const categories = rows
        .filter((r) => str(r.kind) === "category" && str(r.backfill_name) === b.name)
        .map((r) => ({ value: str(r.category), count: num(r.filled_rows) }))
        .sort((x, y) => order.indexOf(x.value) - order.indexOf(y.value));
      return {
        name: b.name,
        days: num(total?.days),
        filledDays: num(total?.filled_days),
        rows: num(total?.row_count),
        filledRows: num(total?.filled_rows),
        mean: b.value.kind === "number" ? numOrNull(total?.mean) : null,
        categories,
      };
    }),
};
