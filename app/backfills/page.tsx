import { AppHeader } from "@/components/dashboard/app-header";
import { ApplyLog } from "@/components/backfills/apply-log";
import { BackfillsConsole } from "@/components/backfills/backfills-console";
import { RunButton } from "@/components/runs/run-button";
import { listBackfills } from "@/lib/server/backfills/service";
import { BACKFILL_NAMES } from "@/lib/shared/backfills";

export const dynamic = "force-dynamic";

/** The backfills of new metric columns: status, preview, apply with live progress, and the log. */
export default async function BackfillsPage(props: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { backfill } = await props.searchParams;
  const selected =
    typeof backfill === "string" && (BACKFILL_NAMES as string[]).includes(backfill) ? backfill : null;
  const list = await listBackfills();
  return (
    <>
      <AppHeader current="backfills" actions={<RunButton />} />
      <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
        <div className="pt-6 pb-4">
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Backfills</h1>
          <p className="mt-1 max-w-3xl text-sm text-zinc-500">
            New metric columns of the marts, computed by dbt. Applying one fills its history day by day; from
            then on every daily run fills the new days, and a full refresh keeps them. The status is read from
            the warehouse: the days whose rows all have a value. Also from a terminal:{" "}
            <code className="font-mono text-[13px]">sbdk backfill --list</code>.
          </p>
        </div>
        <BackfillsConsole list={list} selected={selected} />
        <section className="mt-8">
          <h2 className="text-sm font-semibold text-zinc-900">Apply log</h2>
          <p className="mt-0.5 text-xs text-zinc-500">
            Every apply, from this page or from <code className="font-mono">sbdk backfill</code>, kept in the
            warehouse (<code className="font-mono">backfill_history.applies</code>).
          </p>
          <div className="mt-3 rounded-xl border border-zinc-200 bg-white px-5 py-3 shadow-xs">
            <ApplyLog applies={list.applies} />
          </div>
        </section>
      </main>
    </>
  );
}
