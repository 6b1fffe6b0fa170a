"use client";
/** An apply, live: days filled of the days to fill, each batch with its test, then run, test, publish. */
import { formatDuration } from "@/components/runs/format";
import type { ApiError } from "@/lib/browser/runs";
import type { ApplyStreamState } from "@/lib/browser/backfills";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { ApplyStatusBadge } from "./badges";

const PHASE_LABEL: Record<ApplyStreamState["phase"], string> = {
  starting: "Starting dbt…",
  batches: "Filling the history, batch by batch…",
  run: "dbt run: the project, downstream models included…",
  test: "dbt test: every test of the project…",
  publish: "Publishing…",
  done: "Done",
};

export function ApplyProgress(props: {
  backfill: string;
  stream: ApplyStreamState;
  requestError: ApiError | null;
}) {
  const { stream } = props;
  if (props.requestError)
    return (
      <ErrorBox
        lead="The apply could not be started."
        message={props.requestError.message}
        hint={props.requestError.hint}
      />
    );
  const share = stream.daysPlanned ? stream.daysDone / stream.daysPlanned : stream.phase === "done" ? 1 : 0;
  const status =
    stream.record?.status ?? (stream.phase === "done" ? (stream.error ? "failed" : "succeeded") : "running");
  return (
    <div
      className="rounded-lg border border-zinc-200 bg-white px-4 py-3"
      data-testid="apply-progress"
      data-phase={stream.phase}
      data-status={status}
      data-days-done={stream.daysDone}
      data-days-planned={stream.daysPlanned}
    >
      <div className="flex items-center gap-2">
        <h4 className="text-sm font-semibold text-zinc-900">Applying {props.backfill}</h4>
        <ApplyStatusBadge status={status} />
        <span className="ml-auto text-xs text-zinc-500 tabular-nums" data-testid="apply-progress-days">
          {stream.daysDone}/{stream.daysPlanned} days · {formatInteger(stream.rowsDone)}/
          {formatInteger(stream.rowsPlanned)} rows
        </span>
      </div>
      <div
        className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-100"
        role="progressbar"
        aria-valuenow={Math.round(share * 100)}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div
          className="h-full rounded-full bg-indigo-500 transition-[width]"
          style={{ width: `${Math.round(share * 100)}%` }}
        />
      </div>
      <p className="mt-2 text-xs text-zinc-500">
        {stream.phase === "done" ? null : PHASE_LABEL[stream.phase]}
      </p>
      {stream.batches.length || stream.stages.length ? (
        <ul className="mt-1 space-y-0.5 font-mono text-[11px] text-zinc-600" data-testid="apply-steps">
          {stream.batches.map((b) => (
            <li key={b.batch}>
              batch {b.batch}/{b.batches} {b.start === b.end ? b.start : `${b.start} – ${b.end}`}:{" "}
              {formatInteger(b.rows)} rows · test{" "}
              <span className={b.test === "pass" ? "text-emerald-700" : "text-rose-700"}>{b.test}</span> ·{" "}
              {formatDuration(b.seconds)}
            </li>
          ))}
          {stream.stages.map((s) => (
            <li key={s.stage}>
              {s.stage === "publish" ? "publish" : `dbt ${s.stage}`}
              {s.detail ? ` ${s.detail}` : ""} · {formatDuration(s.seconds)}
            </li>
          ))}
        </ul>
      ) : null}
      {stream.phase === "done" && !stream.error && stream.record ? (
        <p className="mt-2 text-xs text-emerald-800" data-testid="apply-result">
          {stream.record.days_planned === 0
            ? "Already applied: nothing to fill."
            : `Filled ${stream.record.days_done} days, ${formatInteger(stream.record.rows_filled)} rows in ${formatDuration(stream.record.seconds)}, and published: the dashboard shows the new values.`}
        </p>
      ) : null}
      {stream.error ? (
        <ErrorBox
          lead="The apply failed; the days it filled are kept, apply again to go on."
          message={stream.error.message}
          hint={stream.error.hint}
        />
      ) : null}
      {stream.connection === "lost" ? (
        <p className="mt-2 text-xs text-amber-700">Connection to the server lost; reconnecting…</p>
      ) : null}
      {stream.phase === "starting" && stream.log.length ? (
        <p className="mt-2 truncate font-mono text-[11px] text-zinc-400">{stream.log.at(-1)}</p>
      ) : null}
    </div>
  );
}

function ErrorBox(props: { lead: string; message: string; hint?: string | undefined }) {
  return (
    <div
      role="alert"
      data-testid="apply-error"
      className="mt-2 rounded-md border border-rose-200 bg-rose-50/70 px-3 py-2 text-xs"
    >
      <p className="font-medium text-rose-900">{props.lead}</p>
      <p className="mt-1 font-mono break-words text-rose-800">{props.message}</p>
      {props.hint ? <p className="mt-1 text-rose-700">{props.hint}</p> : null}
    </div>
  );
}
