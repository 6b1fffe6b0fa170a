import { AppHeader } from "@/components/dashboard/app-header";
import { Dashboard } from "@/components/dashboard/dashboard";
import { EngineStatus } from "@/components/dashboard/engine-status";
import { MissingPublish } from "@/components/dashboard/missing-publish";
import { PublishError } from "@/components/dashboard/publish-error";
import { PublishSummary } from "@/components/dashboard/publish-summary";
import { RunButton } from "@/components/runs/run-button";
import { loadDashboardSnapshot, type DashboardSnapshot } from "@/lib/server/dashboard/snapshot";
import { parseFilters } from "@/lib/shared/dashboard/filters";
import { SbdkError } from "@/lib/shared/errors";

// Reads the publish on every request: a pipeline run swaps it under a running server.
export const dynamic = "force-dynamic";

export default async function OverviewPage(props: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const filters = parseFilters(await props.searchParams);
  let snapshot: DashboardSnapshot;
  try {
    snapshot = await loadDashboardSnapshot(filters);
  } catch (err) {
    return (
      <>
        <AppHeader current="overview" actions={<RunButton />} />
        <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
          <PublishError
            message={err instanceof Error ? err.message : String(err)}
            hint={err instanceof SbdkError ? err.hint : undefined}
          />
        </main>
      </>
    );
  }
  return (
    <>
      <AppHeader
        current="overview"
        status={snapshot.status === "ready" ? <EngineStatus /> : null}
        actions={<RunButton />}
      />
      <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
        {snapshot.status === "missing" ? (
          <MissingPublish publishPath={snapshot.publishPath} />
        ) : (
          <>
            <div className="pt-6 pb-3">
              <PublishSummary manifest={snapshot.manifest} />
            </div>
            <Dashboard
              manifest={snapshot.manifest}
              server={{ filters, kpis: snapshot.kpis, tests: snapshot.tests }}
            />
          </>
        )}
      </main>
    </>
  );
}
