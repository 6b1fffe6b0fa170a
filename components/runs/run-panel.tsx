"use client";
/** The live view of one run under the header: its five stages, elapsed time, and how it ended. */
import Link from "next/link";
import type { ApiError, RunStreamState } from "@/lib/browser/runs";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { emptyRunProgress } from "@/lib/shared/runs";
import { formatDayRange } from "@/lib/shared/simulation";
import { Elapsed } from "./elapsed";
import { RunStages } from "./run-stages";
import { RunStatusBadge } from "./run-status-badge";

export function RunPanel(props: {
  stream: RunStreamState;
  /** The request is on its way. */
  starting: boolean;
  /** The run could not be started. */
  requestError: ApiError | null;
  /** Why the panel shows a run other than a new one (another run was active). */
  attachedBecause: string | null;
  onClose(): void;
}) {
  const { run, progress, log, connection } = props.stream;
  const settings = run?.settings;
  return (
    <section
      role="dialog"
      aria-label={run?.kind === "simulation" ? "Simulation job" : "Pipeline run"}
      data-testid="run-panel"
      data-status={run?.status ?? (props.requestError ? "refused" : "starting")}
      data-run-id={run?.id ?? ""}
      className="absolute top-full right-0 z-40 mt-2 w-[26rem] rounded-xl border border-zinc-200 bg-white shadow-lg shadow-zinc-900/10"
    >
      <header className="flex items-start justify-between gap-3 border-b border-zinc-100 px-4 pt-3 pb-2.5">
        <div className="min-w-0">
          <div className="flex items-center gap-2">
            <h2 className="text-sm font-semibold text-zinc-900">
              {run?.kind === "simulation" ? "Simulation job" : "Pipeline run"}
            </h2>
            {run ? <RunStatusBadge status={run.status} /> : null}
            {run ? <Elapsed run={run} className="text-xs text-zinc-500 tabular-nums" /> : null}
          </div>
          <p className="mt-0.5 truncate text-xs text-zinc-500">
            {run ? (
              <>
                <span className="font-mono">{run.id}</span>
                {settings
                  ? ` · seed ${settings.seed} · ${formatInteger(settings.users)} users × ${formatInteger(settings.days)} days`
                  : ""}
              </>
            ) : props.starting ? (
              "Starting a run…"
            ) : (
              " "
            )}
          </p>
        </div>
        <button
          type="button"
          onClick={props.onClose}
          aria-label="Close"
          className="-mr-1 rounded-md p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
        >
          <svg viewBox="0 0 16 16" className="h-4 w-4" fill="none" aria-hidden="true">
            <path
              d="M4.5 4.5l7 7M11.5 4.5l-7 7"
              stroke="currentColor"
              strokeWidth="1.75"
              strokeLinecap="round"
            />
          </svg>
        </button>
      </header>

      <div className="px-4 py-3">
        {props.attachedBecause ? (
          <p
            data-testid="run-attached"
            className="mb-3 rounded-md border border-indigo-100 bg-indigo-50/60 px-2.5 py-1.5 text-xs text-indigo-800"
          >
            A run was already in progress ({props.attachedBecause}); following it instead of starting another.
          </p>
        ) : null}
        {props.requestError ? (
          <ErrorBox error={props.requestError} lead="The run could not be started." />
        ) : (
          <RunStages progress={run ? progress : emptyRunProgress()} />
        )}
        {connection === "lost" ? (
          <p className="mt-3 text-xs text-amber-700">Connection to the server lost; reconnecting…</p>
        ) : null}
        {connection === "failed" ? (
          <p className="mt-3 text-xs text-rose-700">
            Lost the connection to the server; the runs page shows how the run went.
          </p>
        ) : null}
      </div>

      {run ? (
        <footer className="border-t border-zinc-100 px-4 py-2.5 text-xs">
          {run.kind === "simulation" && run.status === "succeeded" && run.summary ? (
            <p data-testid="run-result" className="text-emerald-800">
              Simulated{" "}
              {run.summary.days.length
                ? formatDayRange(run.summary.days[0]!.day, run.summary.days.at(-1)!.day)
                : "no day"}
              {run.summary.paused ? " (paused)" : ""}. The dashboard shows the last day.
            </p>
          ) : null}
          {run.kind === "pipeline" && run.status === "succeeded" && run.summary ? (
            <p data-testid="run-result" className="text-emerald-800">
              Published {formatInteger(run.summary.publish.tables)} tables (
              {formatInteger(run.summary.raw_rows)} raw rows, {run.summary.tests.passed}/
              {run.summary.tests.total} tests passed). The dashboard shows the new data.
            </p>
          ) : null}
          {(run.status === "failed" || run.status === "interrupted") && run.error ? (
            <ErrorBox error={run.error} lead="The run failed; the dashboard still shows the last publish." />
          ) : null}
          {run.status === "running" || run.status === "queued" ? (
            <p className="truncate font-mono text-[11px] text-zinc-500" data-testid="run-last-line">
              {log.at(-1) ?? (run.status === "queued" ? "waiting for the warehouse…" : "starting…")}
            </p>
          ) : null}
          <Link
            href={`/runs/${run.id}`}
            className="mt-1.5 inline-block font-medium text-indigo-700 hover:underline"
            data-testid="run-link"
          >
            Run details and log →
          </Link>
        </footer>
      ) : null}
    </section>
  );
}

export function ErrorBox(props: { error: ApiError; lead: string }) {
  return (
    <div
      data-testid="run-error"
      role="alert"
      className="rounded-md border border-rose-200 bg-rose-50/70 px-3 py-2 text-xs"
    >
      <p className="font-medium text-rose-900">{props.lead}</p>
      <p className="mt-1 font-mono break-words text-rose-800" data-testid="run-error-message">
        {props.error.message}
      </p>
      {props.error.details?.[0] ? (
        <pre className="mt-1 line-clamp-3 font-mono text-[11px] whitespace-pre-wrap text-rose-700/90">
          {props.error.details[0]}
        </pre>
      ) : null}
      {props.error.hint ? <p className="mt-1 text-rose-700">{props.error.hint}</p> : null}
    </div>
  );
}
