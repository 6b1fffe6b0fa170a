"use client";
/**
 * Backfilled metrics: each backfill's column (lib/shared/backfills.ts) over the filtered days,
 * tiers and regions: how much of it is filled, and its mean or its mix of categories. A
 * backfill that is not applied says so, with the way to apply it.
 */
import Link from "next/link";
import { Section } from "@/components/ui/section";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/components/ui/cn";
import { dataOf } from "@/lib/browser/async";
import { useViewQuery } from "@/lib/browser/use-view-query";
import { BACKFILLS, formatBackfillValue, type BackfillDefinition } from "@/lib/shared/backfills";
import { STATIC_SITE } from "@/lib/shared/dashboard/constants";
import { formatInteger, formatPercent } from "@/lib/shared/dashboard/format";
import { backfillMetricsQuery, type BackfillMetric } from "@/lib/shared/dashboard/queries/backfills";
import { ModelsTrustBadge } from "./trust";

const CATEGORY_COLORS: Record<string, string> = {
  excellent: "#10b981",
  good: "#6366f1",
  acceptable: "#a5b4fc",
  poor: "#f59e0b",
  failed: "#f43f5e",
};

/** Decimals of a mean: cents for dollars, 3 for a 0–1 score, 1 for a 0–100 one. */
function meanDigits(definition: BackfillDefinition): number {
  if (definition.value.kind !== "number") return 0;
  if (definition.value.unit === "usd") return 2;
  return (definition.value.max ?? 100) <= 1 ? 3 : 1;
}

function stateOf(m: BackfillMetric): "applied" | "partial" | "not_applied" | "empty" {
  if (m.rows === 0) return "empty";
  if (m.filledRows === 0) return "not_applied";
  return m.filledDays === m.days ? "applied" : "partial";
}

function Tile(props: { metric: BackfillMetric | null; name: string; dimmed: boolean }) {
  const definition: BackfillDefinition = BACKFILLS.find((b) => b.name === props.name)!;
  const headline = definition.value.kind === "category" ? (definition.value.values[0] ?? "") : null;
  const m = props.metric;
  const state = m ? stateOf(m) : null;
  const value =
    m === null
      ? null
      : definition.value.kind === "number"
        ? m.mean === null
          ? "–"
          : formatBackfillValue(definition, Number(m.mean.toFixed(meanDigits(definition))))
        : m.filledRows
          ? formatPercent((m.categories.find((c) => c.value === headline)?.count ?? 0) / m.filledRows)
          : "–";
  return (
    <div
      className="flex min-w-0 flex-col gap-1.5 rounded-xl border border-zinc-200 bg-white px-4 py-3 shadow-xs"
      data-testid={`backfill-metric-${props.name}`}
      data-state={state ?? "loading"}
      data-value={
        m
          ? definition.value.kind === "number"
            ? String(m.mean ?? "")
            : JSON.stringify(m.categories)
          : undefined
      }
      data-filled-rows={m?.filledRows}
      data-rows={m?.rows}
    >
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <span className="block truncate text-xs font-medium text-zinc-500">
            {headline === null ? `Avg ${definition.title.toLowerCase()}` : definition.title}
          </span>
          <span className="block truncate font-mono text-[10px] text-zinc-400">
            {definition.model}.{definition.column}
          </span>
        </div>
        <ModelsTrustBadge models={[definition.model]} />
      </div>
      {value === null ? (
        <Skeleton className="my-1 h-7 w-24" label={`Loading ${definition.title}`} />
      ) : (
        <span
          data-testid="backfill-metric-value"
          className={cn(
            "text-2xl font-semibold tracking-tight tabular-nums transition-opacity",
            state === "not_applied" || state === "empty" ? "text-zinc-300" : "text-zinc-900",
            props.dimmed && "opacity-50",
          )}
        >
          {value}
          {headline !== null && m?.filledRows ? (
            <span className="ml-1.5 text-sm font-medium text-zinc-500">{headline}</span>
          ) : null}
        </span>
      )}
      {m && definition.value.kind === "category" && m.filledRows > 0 ? (
        <div className="flex h-1.5 overflow-hidden rounded-full bg-zinc-100" aria-hidden="true">
          {m.categories.map((c) => (
            <div
              key={c.value}
              title={`${c.value}: ${formatInteger(c.count)}`}
              style={{
                width: `${(c.count / m.filledRows) * 100}%`,
                background: CATEGORY_COLORS[c.value] ?? "#6366f1",
              }}
            />
          ))}
        </div>
      ) : null}
      <span className="truncate text-[11px] leading-4 text-zinc-500" data-testid="backfill-metric-state">
        {m === null
          ? " "
          : state === "empty"
            ? "no rows in this range"
            : state === "not_applied"
              ? "not applied"
              : state === "partial"
                ? `partly filled: ${m.filledDays} of ${m.days} days`
                : `filled on all ${m.days} days · ${formatInteger(m.filledRows)} rows`}
      </span>
      {!STATIC_SITE && state !== "applied" && state !== null && state !== "empty" ? (
        <Link
          href={`/backfills?backfill=${props.name}`}
          className="text-[11px] font-medium text-indigo-700 hover:underline"
        >
          Preview and apply →
        </Link>
      ) : null}
    </div>
  );
}

export function BackfillsView() {
  const { state, filterKey } = useViewQuery(backfillMetricsQuery);
  const metrics = dataOf(state);
  return (
    <Section
      id="backfills"
      title="Backfilled metrics"
      description="Metric columns added to the marts and filled by backfills; the model filter does not apply to them."
    >
      <div
        className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:col-span-6 xl:grid-cols-4"
        data-testid="backfill-metrics"
        data-state={state.status === "ready" ? "ready" : state.status}
        data-source={state.status === "ready" ? state.source : undefined}
        data-filter-key={filterKey ?? undefined}
      >
        {state.status === "error" ? (
          <p className="col-span-full text-xs text-rose-700" role="alert">
            {state.error}
          </p>
        ) : (
          BACKFILLS.map((b) => (
            <Tile
              key={b.name}
              name={b.name}
              metric={metrics?.find((m) => m.name === b.name) ?? null}
              dimmed={state.status === "loading"}
            />
          ))
        )}
      </div>
    </Section>
  );
}
