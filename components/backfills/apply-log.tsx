import { formatDuration, formatStamp } from "@/components/runs/format";
import { DataTable, type Column } from "@/components/ui/data-table";
import type { ApplyRecord } from "@/lib/shared/backfills";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { ApplyStatusBadge } from "./badges";

function outcome(a: ApplyRecord) {
  if (a.error) {
    return (
      <span className="block max-w-sm truncate text-rose-700" title={a.error}>
        {a.error}
      </span>
    );
  }
  if (a.status === "succeeded" && a.days_planned === 0)
    return <span className="text-zinc-500">nothing to fill</span>;
  if (a.status === "succeeded") {
    return (
      <span className="text-zinc-600">
        test {a.test_status ?? "–"}
        {a.other_failing_tests ? (
          <span className="text-amber-700"> · {a.other_failing_tests} other test(s) failing</span>
        ) : null}
      </span>
    );
  }
  return <span className="text-indigo-700">running…</span>;
}

const COLUMNS: readonly Column<ApplyRecord>[] = [
  { key: "status", header: "Outcome", render: (a) => <ApplyStatusBadge status={a.status} /> },
  {
    key: "backfill",
    header: "Backfill",
    render: (a) => (
      <span className="font-mono" data-testid="apply-backfill">
        {a.backfill}
      </span>
    ),
  },
  { key: "started", header: "Started", render: (a) => formatStamp(a.started_at) },
  { key: "trigger", header: "Trigger", render: (a) => a.trigger },
  {
    key: "days",
    header: "Days",
    align: "right",
    render: (a) => (
      <span data-testid="apply-days" title={a.day_ranges}>
        {a.days_done}/{a.days_planned}
      </span>
    ),
  },
  {
    key: "rows",
    header: "Rows filled",
    align: "right",
    render: (a) => <span data-testid="apply-rows">{formatInteger(a.rows_filled)}</span>,
  },
  { key: "batches", header: "Batches", align: "right", render: (a) => `${a.batches} × ≤ ${a.batch_days} d` },
  { key: "duration", header: "Duration", align: "right", render: (a) => formatDuration(a.seconds) },
  { key: "outcome", header: "Tests / reason", render: outcome },
];

/** Every apply, newest first: what it filled, how long it took, how it ended. */
export function ApplyLog(props: { applies: readonly ApplyRecord[] }) {
  if (props.applies.length === 0) {
    return (
      <p className="py-6 text-center text-sm text-zinc-500" data-testid="apply-log-empty">
        No backfill applied yet.
      </p>
    );
  }
  return <DataTable columns={COLUMNS} rows={props.applies} rowKey={(a) => a.id} data-testid="apply-log" />;
}
