import Link from "next/link";
import { DataTable, type Column } from "@/components/ui/data-table";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { RUN_STAGES, type RunRecord } from "@/lib/shared/runs";
import { describeSimulationJob, formatDayRange } from "@/lib/shared/simulation";
import { formatDuration, formatStamp } from "./format";
import { RunStatusBadge } from "./run-status-badge";

/** A simulation job's tests: those of its last day, and how many of its days had a failure. */
function simulationTests(run: Extract<RunRecord, { kind: "simulation" }>) {
  const days = run.summary?.days ?? [];
  const last = days.at(-1)?.tests;
  if (!last) return null;
  const failing = days.filter((d) => (d.tests?.failed ?? 0) > 0).length;
  return { ...last, failingDays: failing };
}

function testsCell(run: RunRecord) {
  if (run.kind === "simulation" && run.summary) {
    const t = simulationTests(run);
    if (!t) return <span className="text-zinc-400">skipped</span>;
    return (
      <span data-testid="run-tests" title="the tests of the last day">
        <span className="text-emerald-700">{formatInteger(t.passed)} passed</span>
        {t.failed ? <span className="text-rose-700"> · {formatInteger(t.failed)} failed</span> : null}
        {t.warned ? <span className="text-amber-700"> · {formatInteger(t.warned)} warned</span> : null}
        {t.failingDays > 1 ? <span className="text-rose-700"> ({t.failingDays} days failing)</span> : null}
      </span>
    );
  }
  const t = run.kind === "pipeline" ? run.summary?.tests : null;
  if (!t) {
    const stage = run.progress.find((s) => s.key === "tests");
    if (!stage || stage.done === 0) return <span className="text-zinc-400">–</span>;
    return (
      <span>
        {formatInteger(stage.done - stage.failed - stage.warned - stage.skipped)} passed
        {stage.failed ? <span className="text-rose-700"> · {formatInteger(stage.failed)} failed</span> : null}
        {stage.skipped ? (
          <span className="text-zinc-400"> · {formatInteger(stage.skipped)} skipped</span>
        ) : null}
      </span>
    );
  }
  return (
    <span data-testid="run-tests">
      <span className="text-emerald-700">{formatInteger(t.passed)} passed</span>
      {t.failed ? <span className="text-rose-700"> · {formatInteger(t.failed)} failed</span> : null}
      {t.warned ? <span className="text-amber-700"> · {formatInteger(t.warned)} warned</span> : null}
    </span>
  );
}

function outcomeCell(run: RunRecord) {
  if (run.kind === "simulation" && run.status === "succeeded" && run.summary) {
    const s = run.summary;
    return (
      <span className="text-zinc-500">
        <span className="font-mono text-[11px]">{s.simulation_id}</span>
        {s.paused ? (
          <span className="ml-1.5 rounded bg-amber-50 px-1 text-[11px] text-amber-800 ring-1 ring-amber-200">
            paused
          </span>
        ) : null}
      </span>
    );
  }
  if (run.kind === "pipeline" && run.status === "succeeded" && run.summary) {
    return <span className="font-mono text-[11px] text-zinc-500">{run.summary.publish.version}</span>;
  }
  if (run.error) {
    return (
      <span className="block max-w-xs truncate text-rose-700" title={run.error.message}>
        {run.error.message}
      </span>
    );
  }
  if (run.status === "running") {
    const current = run.progress.find((s) => s.status === "running");
    const label = RUN_STAGES.find((s) => s.key === current?.key)?.label;
    const day = run.kind === "simulation" && run.simulation.day !== null ? `day ${run.simulation.day}: ` : "";
    return (
      <span className="text-indigo-700">
        {day}
        {label ? `${label}…` : "starting…"}
      </span>
    );
  }
  return <span className="text-zinc-400">waiting</span>;
}

const COLUMNS: readonly Column<RunRecord>[] = [
  { key: "status", header: "Status", render: (r) => <RunStatusBadge status={r.status} /> },
  {
    key: "id",
    header: "Run",
    render: (r) => (
      <Link href={`/runs/${r.id}`} className="font-mono text-indigo-700 hover:underline" data-testid="run-id">
        {r.id}
      </Link>
    ),
  },
  {
    key: "kind",
    header: "Job",
    render: (r) => (
      <span data-testid="run-kind" data-kind={r.kind} className="whitespace-nowrap">
        {r.kind === "simulation" ? (
          <>
            <span className="rounded bg-violet-50 px-1.5 py-0.5 text-[11px] font-medium text-violet-800 ring-1 ring-violet-200">
              simulation
            </span>{" "}
            <span className="text-zinc-500">{describeSimulationJob(r.params)}</span>
          </>
        ) : (
          <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-[11px] font-medium text-zinc-700 ring-1 ring-zinc-200">
            pipeline
          </span>
        )}
      </span>
    ),
  },
  { key: "trigger", header: "Trigger", render: (r) => <span data-testid="run-trigger">{r.trigger}</span> },
  { key: "started", header: "Started", render: (r) => formatStamp(r.started ?? r.created) },
  {
    key: "duration",
    header: "Duration",
    align: "right",
    render: (r) => <span data-testid="run-duration">{formatDuration(r.duration_seconds)}</span>,
  },
  {
    key: "rows",
    header: "Raw rows / days",
    align: "right",
    render: (r) => {
      if (r.kind === "pipeline") {
        return r.summary ? formatInteger(r.summary.raw_rows) : <span className="text-zinc-400">–</span>;
      }
      const days = r.summary?.days;
      if (days?.length)
        return <span data-testid="run-days">{formatDayRange(days[0]!.day, days.at(-1)!.day)}</span>;
      return <span className="text-zinc-400">–</span>;
    },
  },
  { key: "tests", header: "dbt tests", render: testsCell },
  { key: "outcome", header: "Publish / reason", render: outcomeCell },
];

/** Every run, newest first: how it went, how long it took, what it produced. */
export function RunsTable(props: { runs: readonly RunRecord[] }) {
  return <DataTable columns={COLUMNS} rows={props.runs} rowKey={(r) => r.id} data-testid="runs-table" />;
}
