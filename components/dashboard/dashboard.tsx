"use client";
/** The overview dashboard: filters, headline figures, the friction, tier and growth views, backfilled metrics. */
import { DashboardProvider, type ServerFigures } from "@/lib/browser/dashboard-context";
import { usePrefetchOneClickAway } from "@/lib/browser/use-prefetch";
import type { PublishManifest } from "@/lib/shared/manifest";
import { BackfillsView } from "./backfills-view";
import { FilterBar } from "./filter-bar";
import { FrictionView } from "./friction-view";
import { GrowthView } from "./growth-view";
import { KpiStrip } from "./kpi-strip";
import { TierView } from "./tier-view";
import { TestsProvider } from "./trust";

export function Dashboard(props: {
  manifest: PublishManifest;
  server: ServerFigures;
  /** The DuckDB-WASM schema of the publish's tables (the player gives each simulated day its own). */
  schema?: string;
}) {
  return (
    <DashboardProvider
      manifest={props.manifest}
      server={props.server}
      {...(props.schema ? { schema: props.schema } : {})}
    >
      <TestsProvider>
        <PrefetchOneClickAway />
        <div className="sticky top-0 z-20 -mx-4 border-b border-zinc-200/80 bg-zinc-50/90 px-4 py-2.5 backdrop-blur sm:-mx-6 sm:px-6">
          <FilterBar />
        </div>
        <div className="mt-5 flex flex-col gap-10">
          <KpiStrip />
          <FrictionView />
          <TierView />
          <GrowthView />
          <BackfillsView />
        </div>
      </TestsProvider>
    </DashboardProvider>
  );
}

/** Prepares the figures of the filters one click away (lib/browser/use-prefetch.ts). */
function PrefetchOneClickAway() {
  usePrefetchOneClickAway();
  return null;
}
