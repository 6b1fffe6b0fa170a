"use client";
/** Weekly growth: new users, generations and revenue per week and their week-over-week change. */
import { WeeklyBars } from "@/components/charts/weekly-bars";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Section } from "@/components/ui/section";
import { cn } from "@/components/ui/cn";
import { useFilters } from "@/lib/browser/dashboard-context";
import { weeklyGrowthQuery, type GrowthWeek } from "@/lib/shared/dashboard/queries/growth";
import { modelsOf } from "@/lib/shared/dashboard/queries/types";
import { useViewQuery } from "@/lib/browser/use-view-query";
import {
  formatChange,
  formatCompact,
  formatDay,
  formatInteger,
  formatUsd,
  formatUsdCompact,
} from "@/lib/shared/dashboard/format";
import { ChartPanel } from "./chart-panel";

function Change(props: { value: number | null }) {
  const v = props.value;
  return (
    <span
      className={cn(
        "inline-block w-14 text-right text-[11px] tabular-nums",
        v === null
          ? "text-zinc-300"
          : v > 0.0005
            ? "text-emerald-600"
            : v < -0.0005
              ? "text-rose-600"
              : "text-zinc-500",
      )}
    >
      {formatChange(v)}
    </span>
  );
}

const GROWTH_COLUMNS: readonly Column<GrowthWeek>[] = [
  {
    key: "week",
    header: "Week of",
    render: (r) => (
      <span className="inline-flex items-center gap-2">
        {formatDay(r.week)}
        {r.days < 7 ? (
          <span
            className="rounded bg-zinc-100 px-1 text-[10px] text-zinc-500"
            title={`${r.days} of 7 days in range`}
          >
            {r.days}/7 days
          </span>
        ) : null}
      </span>
    ),
  },
  {
    key: "new-users",
    header: "New users",
    align: "right",
    render: (r) => (
      <>
        {formatInteger(r.newUsers)} <Change value={r.newUsersChange} />
      </>
    ),
  },
  { key: "active", header: "Active users", align: "right", render: (r) => formatInteger(r.activeUsers) },
  {
    key: "generations",
    header: "Generations",
    align: "right",
    render: (r) => (
      <>
        {formatInteger(r.generations)} <Change value={r.generationsChange} />
      </>
    ),
  },
  {
    key: "revenue",
    header: "Revenue",
    align: "right",
    render: (r) => (
      <>
        {formatUsd(r.revenue)} <Change value={r.revenueChange} />
      </>
    ),
  },
];

export function GrowthView() {
  const weekly = useViewQuery(weeklyGrowthQuery);
  const modelFiltered = useFilters((s) => s.filters.models.length > 0);
  const isEmpty = (rows: GrowthWeek[]) => rows.length === 0;
  const charts = [
    {
      id: "new-users",
      title: "New users",
      description: modelFiltered ? "Signups per week (not filtered by model)." : "Signups per week.",
      models: ["agg_signups_daily"],
      pick: (r: GrowthWeek) => ({ value: r.newUsers, change: r.newUsersChange }),
      format: formatCompact,
    },
    {
      id: "generations",
      title: "Generations",
      description: "Generations per week.",
      models: ["agg_generations_daily"],
      pick: (r: GrowthWeek) => ({ value: r.generations, change: r.generationsChange }),
      format: formatCompact,
    },
    {
      id: "revenue",
      title: "Revenue",
      description: modelFiltered
        ? "Order revenue per week (not filtered by model)."
        : "Order revenue per week.",
      models: ["agg_orders_daily"],
      pick: (r: GrowthWeek) => ({ value: r.revenue, change: r.revenueChange }),
      format: formatUsdCompact,
    },
  ];

  return (
    <Section
      id="growth"
      title="Weekly growth"
      description="Weeks start on Monday. Week-over-week change compares daily averages, so partial weeks (lighter bars) compare fairly."
    >
      {charts.map((c) => (
        <ChartPanel
          key={c.id}
          testId={`chart-weekly-${c.id}`}
          className="lg:col-span-2"
          title={c.title}
          description={c.description}
          result={weekly}
          models={c.models}
          height={200}
          isEmpty={isEmpty}
        >
          {(rows) => (
            <WeeklyBars
              height={200}
              label={c.title}
              format={c.format}
              rows={rows.map((r) => ({ week: r.week, days: r.days, ...c.pick(r) }))}
            />
          )}
        </ChartPanel>
      ))}
      <ChartPanel
        testId="table-weekly-growth"
        className="lg:col-span-6"
        title="Week by week"
        description="Totals per week with the week-over-week change of the daily average."
        result={weekly}
        models={modelsOf(weeklyGrowthQuery)}
        height={160}
        isEmpty={isEmpty}
      >
        {(rows) => (
          <DataTable data-testid="weekly-rows" columns={GROWTH_COLUMNS} rows={rows} rowKey={(r) => r.week} />
        )}
      </ChartPanel>
    </Section>
  );
}
