import Link from "next/link";
import { DataTable, type Column } from "@/components/ui/data-table";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { RUN_STAGES, type RunRecord } from "@/lib/shared/runs";
import { formatDuration, formatStamp } from "./format";
import { RunStatusBadge } from "./run-status-badge";

function testsCell(run: RunRecord) {
  const t = run.summary?.tests;
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
  if (run.status === "succeeded" && run.summary) {
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
    return <span className="text-indigo-700">{label ? `${label}…` : "starting…"}</span>;
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
    header: "Raw rows",
    align: "right",
    render: (r) => (r.summary ? formatInteger(r.summary.raw_rows) : <span className="text-zinc-400">–</span>),
  },
  { key: "tests", header: "dbt tests", render: testsCell },
  { key: "outcome", header: "Publish / reason", render: outcomeCell },
];

/** Every run, newest first: how it went, how long it took, what it produced. */
export function RunsTable(props: { runs: readonly RunRecord[] }) {
  return <DataTable columns={COLUMNS} rows={props.runs} rowKey={(r) => r.id} data-testid="runs-table" />;
}
