import Link from "next/link";
import { notFound } from "next/navigation";
import { AppHeader } from "@/components/dashboard/app-header";
import { RunButton } from "@/components/runs/run-button";
import { RunFacts } from "@/components/runs/run-facts";
import { RunLive } from "@/components/runs/run-live";
import { RunStatusBadge } from "@/components/runs/run-status-badge";
import { getRun } from "@/lib/server/runs/service";
import { isSbdkError } from "@/lib/shared/errors";

export const dynamic = "force-dynamic";

/** One run: what it was asked to do, how far it got, how it ended, and its log (live while it runs). */
export default async function RunPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  let detail: ReturnType<typeof getRun>;
  try {
    detail = getRun(id);
  } catch (err) {
    if (isSbdkError(err) && err.kind === "not_found") notFound();
    throw err;
  }
  const { run, log } = detail;
  return (
    <>
      <AppHeader current="runs" actions={<RunButton />} />
      <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6" data-testid="run-page" data-run-id={run.id}>
        <div className="pt-6 pb-4">
          <Link href="/runs" className="text-xs font-medium text-zinc-500 hover:text-zinc-800">
            ← Runs
          </Link>
          <div className="mt-1 flex flex-wrap items-center gap-3">
            <h1 className="font-mono text-lg font-semibold tracking-tight text-zinc-900">{run.id}</h1>
            <RunStatusBadge status={run.status} />
          </div>
        </div>
        <div className="flex flex-col gap-5">
          <RunFacts run={run} />
          <RunLive run={run} log={log.text} logTruncated={log.truncated} />
        </div>
      </main>
    </>
  );
}
