"use client";
/** The six headline figures: from the server's first render, then live from DuckDB-WASM. */
import { KpiTile } from "@/components/ui/kpi-tile";
import { useFilters } from "@/lib/browser/dashboard-context";
import { dataOf } from "@/lib/browser/async";
import { kpiQuery } from "@/lib/shared/dashboard/queries/kpis";
import { useViewQuery } from "@/lib/browser/use-view-query";
import { formatDecimal, formatInteger, formatPercent, formatUsd } from "@/lib/shared/dashboard/format";
import type { Kpis } from "@/lib/shared/dashboard/types";

interface TileSpec {
  key: keyof Kpis;
  label: string;
  format(k: Kpis): string;
  hint(k: Kpis, modelFiltered: boolean): string;
}

const ratio = (a: number, b: number) => (b ? a / b : null);

export const KPI_TILES: readonly TileSpec[] = [
  {
    key: "users",
    label: "Active users",
    format: (k) => formatInteger(k.users),
    hint: () => "with at least one session",
  },
  {
    key: "sessions",
    label: "Sessions",
    format: (k) => formatInteger(k.sessions),
    hint: (k) => (k.users ? `${formatDecimal(ratio(k.sessions, k.users))} per active user` : "no sessions"),
  },
  {
    key: "generations",
    label: "Generations",
    format: (k) => formatInteger(k.generations),
    hint: (k) =>
      k.sessions ? `${formatDecimal(ratio(k.generations, k.sessions))} per session` : "no generations",
  },
  {
    key: "success_rate",
    label: "Success rate",
    format: (k) => formatPercent(k.success_rate),
    hint: (k) =>
      k.success_rate === null
        ? "no generations"
        : `${formatInteger(k.generations * (1 - k.success_rate))} failed`,
  },
  {
    key: "revenue_usd",
    label: "Revenue",
    format: (k) => formatUsd(k.revenue_usd),
    hint: (k, modelFiltered) =>
      modelFiltered
        ? "all models (orders have none)"
        : k.users
          ? `${formatUsd(ratio(k.revenue_usd, k.users), true)} per active user`
          : "no active users",
  },
  {
    key: "avg_friction",
    label: "Avg friction",
    format: (k) => formatDecimal(k.avg_friction),
    hint: () => "0–100, lower is better",
  },
];

export function KpiStrip() {
  const modelFiltered = useFilters((s) => s.filters.models.length > 0);
  const { state, filterKey, publish } = useViewQuery(kpiQuery);
  const kpis = dataOf(state);
  return (
    <div
      className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6"
      data-testid="kpis"
      data-state={state.status === "ready" ? "ready" : state.status}
      data-source={state.status === "ready" ? state.source : undefined}
      data-filter-key={filterKey ?? undefined}
      data-publish={publish ?? undefined}
    >
      {KPI_TILES.map((t) => (
        <KpiTile
          key={t.key}
          data-testid={`kpi-${t.key.replace(/_/g, "-")}`}
          data-value={kpis ? String(kpis[t.key] ?? "") : undefined}
          label={t.label}
          value={kpis ? t.format(kpis) : state.status === "error" ? "–" : null}
          hint={state.status === "error" ? state.error : kpis ? t.hint(kpis, modelFiltered) : undefined}
          dimmed={state.status === "loading"}
        />
      ))}
    </div>
  );
}
