"use client";
/** Tiers: how free, pro and enterprise users split the usage and the revenue. */
import { useState } from "react";
import { palette } from "@/components/charts/palette";
import { ShareBars } from "@/components/charts/share-bars";
import { TimeSeries } from "@/components/charts/time-series";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Section } from "@/components/ui/section";
import { Segmented } from "@/components/ui/segmented";
import { useFilters } from "@/lib/browser/dashboard-context";
import { tierOverTimeQuery, tierSummaryQuery, type TierRow } from "@/lib/shared/dashboard/queries/tiers";
import { modelsOf } from "@/lib/shared/dashboard/queries/types";
import { useViewQuery } from "@/lib/browser/use-view-query";
import { formatDecimal, formatInteger, formatPercent, formatUsd } from "@/lib/shared/dashboard/format";
import { ChartPanel } from "./chart-panel";

const TIER_LABEL: Record<string, string> = { free: "Free", pro: "Pro", enterprise: "Enterprise" };

function TierName(props: { tier: string }) {
  return (
    <span className="inline-flex items-center gap-1.5 font-medium text-zinc-900">
      <span className="h-2 w-2 rounded-sm" style={{ background: palette.tier[props.tier] }} />
      {TIER_LABEL[props.tier] ?? props.tier}
    </span>
  );
}

const ratio = (a: number, b: number) => (b ? a / b : null);

const isTierSummaryEmpty = (rows: readonly TierRow[]) =>
  rows.every((r) => r.users === 0 && r.generations === 0 && r.revenue === 0);

const TIER_COLUMNS: readonly Column<TierRow>[] = [
  { key: "tier", header: "Tier", render: (r) => <TierName tier={r.tier} /> },
  { key: "users", header: "Active users", align: "right", render: (r) => formatInteger(r.users) },
  { key: "sessions", header: "Sessions", align: "right", render: (r) => formatInteger(r.sessions) },
  { key: "generations", header: "Generations", align: "right", render: (r) => formatInteger(r.generations) },
  {
    key: "per-user",
    header: "Gens / user",
    align: "right",
    render: (r) => formatDecimal(ratio(r.generations, r.users)),
  },
  { key: "success", header: "Success", align: "right", render: (r) => formatPercent(r.successRate) },
  { key: "revenue", header: "Revenue", align: "right", render: (r) => formatUsd(r.revenue) },
  {
    key: "arpu",
    header: "Rev / user",
    align: "right",
    render: (r) => formatUsd(ratio(r.revenue, r.users), true),
  },
];

type Measure = "generations" | "users" | "revenue";
const MEASURES: readonly { value: Measure; label: string }[] = [
  { value: "generations", label: "Generations" },
  { value: "users", label: "Active users" },
  { value: "revenue", label: "Revenue" },
];

export function TierView() {
  const summary = useViewQuery(tierSummaryQuery);
  const overTime = useViewQuery(tierOverTimeQuery);
  const [measure, setMeasure] = useState<Measure>("generations");
  const modelFiltered = useFilters((s) => s.filters.models.length > 0);
  const models = modelsOf(tierSummaryQuery);

  return (
    <Section
      id="tiers"
      title="Tiers"
      description="Free, pro and enterprise users: how many are active, how much they generate and what they pay."
    >
      <ChartPanel
        testId="chart-tier-mix"
        className="lg:col-span-2"
        title="Tier mix"
        description="Each measure split across tiers."
        result={summary}
        models={models}
        height={184}
        isEmpty={isTierSummaryEmpty}
        footer={
          <span className="flex gap-4">
            {Object.entries(TIER_LABEL).map(([k, v]) => (
              <span key={k} className="inline-flex items-center gap-1.5">
                <span className="h-2 w-2 rounded-sm" style={{ background: palette.tier[k] }} />
                {v}
              </span>
            ))}
          </span>
        }
      >
        {(rows) => (
          <ShareBars
            label="Active users, sessions, generations and revenue split across tiers"
            height={184}
            segments={rows.map((r) => ({
              key: r.tier,
              label: TIER_LABEL[r.tier] ?? r.tier,
              color: palette.tier[r.tier] ?? palette.primary,
            }))}
            rows={[
              {
                label: "Active users",
                values: Object.fromEntries(rows.map((r) => [r.tier, r.users])),
                format: formatInteger,
              },
              {
                label: "Sessions",
                values: Object.fromEntries(rows.map((r) => [r.tier, r.sessions])),
                format: formatInteger,
              },
              {
                label: "Generations",
                values: Object.fromEntries(rows.map((r) => [r.tier, r.generations])),
                format: formatInteger,
              },
              {
                label: "Revenue",
                values: Object.fromEntries(rows.map((r) => [r.tier, r.revenue])),
                format: (n) => formatUsd(n),
              },
            ]}
          />
        )}
      </ChartPanel>
      <ChartPanel
        testId="table-tier-summary"
        className="lg:col-span-4"
        title="Usage and revenue by tier"
        description={
          modelFiltered
            ? "Revenue is not filtered by model: orders buy credits and plans, not generations of a model."
            : "Per tier over the selected days."
        }
        result={summary}
        models={models}
        height={184}
        isEmpty={isTierSummaryEmpty}
      >
        {(rows) => (
          <DataTable data-testid="tier-rows" columns={TIER_COLUMNS} rows={rows} rowKey={(r) => r.tier} />
        )}
      </ChartPanel>
      <ChartPanel
        testId="chart-tier-over-time"
        className="lg:col-span-6"
        title="Tiers over time"
        description={`${MEASURES.find((m) => m.value === measure)?.label} per day, stacked by tier.`}
        result={overTime}
        models={models}
        height={240}
        isEmpty={(rows) => rows.length === 0}
        deps={[measure]}
        actions={
          <Segmented<Measure> aria-label="Measure" options={MEASURES} value={measure} onChange={setMeasure} />
        }
      >
        {(rows) => {
          const tiers = Object.keys(TIER_LABEL).filter((t) =>
            rows.some((r) => Number(r[`${t}_${measure}`]) > 0),
          );
          return (
            <TimeSeries
              label={`${MEASURES.find((m) => m.value === measure)?.label ?? measure} per day, stacked by tier`}
              height={240}
              rows={rows}
              series={tiers.map((t) => ({
                key: `${t}_${measure}`,
                label: TIER_LABEL[t] ?? t,
                color: palette.tier[t] ?? palette.primary,
                kind: measure === "revenue" ? ("bar" as const) : ("area" as const),
                stack: "tiers",
              }))}
              formatLeft={measure === "revenue" ? (n) => formatUsd(n) : formatInteger}
              tooltipTotal="All tiers"
            />
          );
        }}
      </ChartPanel>
    </Section>
  );
}
