"use client";
/**
 * The overview dashboard as it stood on the selected day: the same component and queries as
 * the overview page, fed that day's publish manifest, whose tables are the day's snapshot
 * (simulation/<id>/day-DDDD/). Each day's tables go into a DuckDB-WASM schema of their own, so
 * going back to a day seen before is answered from memory. While the next day's manifest loads,
 * the day before stays on screen, dimmed.
 */
import { useEffect, useMemo, useState } from "react";
import { Dashboard } from "@/components/dashboard/dashboard";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/skeleton";
import { daySchema, loadDayManifest } from "@/lib/browser/simulation";
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import type { ViewResults } from "@/lib/shared/dashboard/types";
import type { PublishManifest } from "@/lib/shared/manifest";
import type { SimulationDay } from "@/lib/shared/simulation";

export interface InitialDay {
  day: number;
  manifest: PublishManifest | null;
  views: ViewResults | null;
  filters: DashboardFilters;
}

export function DayDashboard(props: { entry: SimulationDay; initial: InitialDay }) {
  const { entry, initial } = props;
  const [shown, setShown] = useState<{ day: number; manifest: PublishManifest } | null>(() =>
    initial.manifest ? { day: initial.day, manifest: initial.manifest } : null,
  );
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (
      shown?.day === entry.day &&
      shown.manifest.generated_at === (entry.published_at ?? shown.manifest.generated_at)
    )
      return;
    let cancelled = false;
    setError(null);
    loadDayManifest(entry).then(
      (manifest) => {
        if (!cancelled) setShown({ day: entry.day, manifest });
      },
      (err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [entry, shown]);

  // The server's figures answer the first day shown only.
  const server = useMemo(
    () => ({ filters: initial.filters, views: shown?.day === initial.day ? initial.views : null }),
    [initial, shown?.day],
  );
  const switching = shown !== null && shown.day !== entry.day;

  if (error && !switching) {
    return (
      <p
        className="rounded-lg border border-amber-200 bg-amber-50/60 px-4 py-3 text-sm text-amber-900"
        role="alert"
      >
        The dashboard of day {entry.day} cannot be shown: {error}
      </p>
    );
  }
  if (!shown) {
    return (
      <p className="flex items-center gap-2 py-10 text-sm text-zinc-500">
        <Spinner /> Loading day {entry.day}…
      </p>
    );
  }
  return (
    <div
      data-testid="day-dashboard"
      data-day={shown.day}
      data-publish={shown.manifest.generated_at}
      className={cn("transition-opacity", switching && "opacity-60")}
    >
      <Dashboard manifest={shown.manifest} server={server} schema={daySchema(shown.day)} />
    </div>
  );
}
