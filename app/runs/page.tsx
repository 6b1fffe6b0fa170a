import { AppHeader } from "@/components/dashboard/app-header";
import { RefreshWhileActive } from "@/components/runs/refresh-while-active";
import { RunButton } from "@/components/runs/run-button";
import { RunsTable } from "@/components/runs/runs-table";
import { listRuns } from "@/lib/server/runs/service";

export const dynamic = "force-dynamic";

/** Every run and simulation job, from this app or from a terminal, newest first. */
export default function RunsPage() {
  const { runs, active } = listRuns({ limit: 100 });
  return (
    <>
      <AppHeader current="runs" actions={<RunButton />} />
      <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
        <div className="pt-6 pb-4">
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Runs</h1>
          <p className="mt-1 text-sm text-zinc-500">
            Every pipeline run and simulation job, started here or with{" "}
            <code className="font-mono text-[13px]">sbdk run</code> or{" "}
            <code className="font-mono text-[13px]">sbdk simulate</code> in a terminal. One job writes the
            warehouse at a time.
          </p>
        </div>
        <section className="rounded-xl border border-zinc-200 bg-white px-5 py-3 shadow-xs">
          {runs.length ? (
            <RunsTable runs={runs} />
          ) : (
            <p className="py-8 text-center text-sm text-zinc-500" data-testid="runs-empty">
              No runs yet. Start one with <span className="font-medium text-zinc-700">Run pipeline</span>, or
              run <code className="font-mono text-[13px]">npm run pipeline</code>.
            </p>
          )}
        </section>
        {active ? <RefreshWhileActive /> : null}
      </main>
    </>
  );
}
