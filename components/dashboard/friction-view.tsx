"use client";
/** Friction: how much trouble sessions run into (errors, latency, retries) and where. */
import { BarList } from "@/components/charts/bar-list";
import { Histogram } from "@/components/charts/histogram";
import { palette } from "@/components/charts/palette";
import { TimeSeries } from "@/components/charts/time-series";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Section } from "@/components/ui/section";
import {
  frictionByRegionQuery,
  frictionByTierQuery,
  frictionHistogramQuery,
  frictionOverTimeQuery,
  topFrictionSessionsQuery,
  TOP_SESSIONS,
  type FrictionSegment,
  type FrictionSession,
} from "@/lib/shared/dashboard/queries/friction";
import { modelsOf } from "@/lib/shared/dashboard/queries/types";
import { useViewQuery } from "@/lib/browser/use-view-query";
import { formatDay, formatDecimal, formatInteger, formatPercent } from "@/lib/shared/dashboard/format";
import { ChartPanel } from "./chart-panel";

const SEGMENT_LABELS: Record<string, string> = {
  free: "Free",
  pro: "Pro",
  enterprise: "Enterprise",
  "us-west": "US West",
  "us-east": "US East",
  europe: "Europe",
  asia: "Asia",
  other: "Other",
};

function segmentRows(rows: readonly FrictionSegment[], colors?: Record<string, string>) {
  return rows.map((r) => ({
    key: r.key,
    label: SEGMENT_LABELS[r.key] ?? r.key,
    value: r.avgFriction ?? 0,
    color: colors?.[r.key],
    tooltip: [
      { label: "Avg friction", value: formatDecimal(r.avgFriction) },
      { label: "High-friction share", value: formatPercent(r.highShare) },
      { label: "Sessions", value: formatInteger(r.sessions) },
    ],
  }));
}

function CategoryPill(props: { category: "low" | "medium" | "high" }) {
  const tone = {
    low: "bg-emerald-50 text-emerald-700 ring-emerald-200",
    medium: "bg-amber-50 text-amber-800 ring-amber-200",
    high: "bg-rose-50 text-rose-700 ring-rose-200",
  }[props.category];
  return (
    <span className={`rounded-full px-1.5 py-px text-[10px] font-medium ring-1 ring-inset ${tone}`}>
      {props.category}
    </span>
  );
}

const SESSION_COLUMNS: readonly Column<FrictionSession>[] = [
  {
    key: "session",
    header: "Session",
    render: (r) => <span className="font-mono text-zinc-500">#{r.sessionId}</span>,
  },
  { key: "user", header: "User", render: (r) => <span className="font-mono text-zinc-500">{r.userId}</span> },
  { key: "tier", header: "Tier", render: (r) => SEGMENT_LABELS[r.tier] ?? r.tier },
  { key: "region", header: "Region", render: (r) => SEGMENT_LABELS[r.region] ?? r.region },
  { key: "day", header: "Day", render: (r) => formatDay(r.day) },
  { key: "generations", header: "Generations", align: "right", render: (r) => formatInteger(r.generations) },
  { key: "errors", header: "Error rate", align: "right", render: (r) => formatPercent(r.errorRate, 0) },
  {
    key: "latency",
    header: "Avg latency",
    align: "right",
    render: (r) => (r.avgLatencyMs === null ? "–" : `${formatDecimal(r.avgLatencyMs / 1000)} s`),
  },
  { key: "retries", header: "Avg retries", align: "right", render: (r) => formatDecimal(r.avgRetries) },
  {
    key: "friction",
    header: "Friction",
    align: "right",
    render: (r) => (
      <span className="inline-flex items-center gap-2">
        <CategoryPill category={r.category} />
        <span className="w-9 font-semibold text-zinc-900">{formatDecimal(r.friction)}</span>
      </span>
    ),
  },
];

export function FrictionView() {
  const histogram = useViewQuery(frictionHistogramQuery);
  const byTier = useViewQuery(frictionByTierQuery);
  const byRegion = useViewQuery(frictionByRegionQuery);
  const overTime = useViewQuery(frictionOverTimeQuery);
  const top = useViewQuery(topFrictionSessionsQuery);
  const sessionsModels = modelsOf(frictionHistogramQuery);

  return (
    <Section
      id="friction"
      title="Friction"
      description="Friction score per session (0–100): error rate × 50 + latency (up to 5 s) × 33 + retries (up to 2) × 17. Low under 10, high from 30."
    >
      <ChartPanel
        testId="chart-friction-histogram"
        className="lg:col-span-4"
        title="Distribution of friction"
        description="Sessions by friction score, in bins of 5 points."
        result={histogram}
        models={sessionsModels}
        height={304}
        isEmpty={(rows) => rows.every((r) => r.sessions === 0)}
        emptyTitle="No sessions match these filters"
        footer={
          <span className="flex gap-4">
            {(["low", "medium", "high"] as const).map((c) => (
              <span key={c} className="inline-flex items-center gap-1.5">
                <span className="h-2 w-2 rounded-sm" style={{ background: palette.friction[c] }} />
                {c === "low" ? "Low (< 10)" : c === "medium" ? "Medium (10–30)" : "High (≥ 30)"}
              </span>
            ))}
          </span>
        }
      >
        {(rows) => {
          const total = rows.reduce((s, r) => s + r.sessions, 0);
          return (
            <Histogram
              label="Sessions by friction score"
              height={304}
              xLabel="Friction score"
              formatY={(n) => formatInteger(n)}
              rows={rows.map((r) => ({
                start: r.start,
                end: r.end,
                value: r.sessions,
                color: palette.friction[r.category],
                tooltip: {
                  title: `Friction ${r.start}–${r.end === 100 ? "100" : `${r.end}`}`,
                  lines: [
                    { label: "Sessions", value: formatInteger(r.sessions) },
                    { label: "Share", value: formatPercent(total ? r.sessions / total : null) },
                    { label: "Category", value: r.category },
                  ],
                },
              }))}
            />
          );
        }}
      </ChartPanel>
      <div className="flex flex-col gap-4 lg:col-span-2">
        <ChartPanel
          testId="chart-friction-by-tier"
          title="By tier"
          description="Average friction per session."
          result={byTier}
          models={sessionsModels}
          height={104}
          isEmpty={(rows) => rows.length === 0}
        >
          {(rows) => (
            <BarList
              label="Average friction per session by tier"
              rows={segmentRows(rows, palette.tier)}
              height={104}
              format={formatDecimal}
              formatAxis={formatInteger}
            />
          )}
        </ChartPanel>
        <ChartPanel
          testId="chart-friction-by-region"
          title="By region"
          description="Average friction per session."
          result={byRegion}
          models={sessionsModels}
          height={150}
          isEmpty={(rows) => rows.length === 0}
        >
          {(rows) => (
            <BarList
              label="Average friction per session by region"
              rows={segmentRows(rows)}
              height={150}
              format={formatDecimal}
              formatAxis={formatInteger}
              color={palette.primary}
            />
          )}
        </ChartPanel>
      </div>
      <ChartPanel
        testId="chart-friction-over-time"
        className="lg:col-span-6"
        title="Friction over time"
        description="Average friction per session by day (area, left axis) and the share of sessions with high friction (line, right axis)."
        result={overTime}
        models={sessionsModels}
        height={220}
        isEmpty={(rows) => rows.length === 0}
      >
        {(rows) => (
          <TimeSeries
            label="Average friction and high-friction share by day"
            height={220}
            rows={rows}
            series={[
              { key: "avgFriction", label: "Avg friction", color: palette.primary, kind: "area" },
              {
                key: "highShare",
                label: "High-friction share",
                color: palette.friction.high,
                kind: "line",
                axis: "right",
              },
            ]}
            formatLeft={formatInteger}
            formatRight={(n) => formatPercent(n, 0)}
          />
        )}
      </ChartPanel>
      <ChartPanel
        testId="table-top-friction"
        className="lg:col-span-6"
        title="Highest-friction sessions"
        description={`The ${TOP_SESSIONS} sessions with the highest friction score.`}
        result={top}
        models={modelsOf(topFrictionSessionsQuery)}
        height={160}
        isEmpty={(rows) => rows.length === 0}
      >
        {(rows) => (
          <DataTable
            data-testid="top-friction-rows"
            columns={SESSION_COLUMNS}
            rows={rows}
            // By rank: a filter change rewrites the rows' text in place rather than building
            // twenty new rows.
            rowKey={(r) => String(rows.indexOf(r))}
          />
        )}
      </ChartPanel>
    </Section>
  );
}
