import type { ReactNode } from "react";
import { Panel } from "@/components/ui/panel";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { RUN_PARAM_KEYS, type RunRecord } from "@/lib/shared/runs";
import { describeSimulationJob, formatDayRange } from "@/lib/shared/simulation";
import { formatDuration, formatStamp } from "./format";

function Facts(props: { rows: [string, ReactNode][]; testId?: string }) {
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm" data-testid={props.testId}>
      {props.rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-zinc-500">{label}</dt>
          <dd className="text-zinc-800 tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function settingsPanel(run: RunRecord) {
  const s = run.settings;
  if (run.kind === "simulation") {
    return (
      <Panel title="Settings" description={`Asked to ${describeSimulationJob(run.params)}`}>
        <Facts
          testId="run-settings"
          rows={
            s
              ? [
                  ["seed", s.seed],
                  ["base users", formatInteger(s.users)],
                  ["start date", s.start_date],
                  [
                    "days",
                    run.simulation.from_day !== null && run.simulation.to_day !== null
                      ? formatDayRange(run.simulation.from_day, run.simulation.to_day)
                      : formatInteger(run.params.days),
                  ],
                  [
                    "pace",
                    run.params.seconds_per_day
                      ? `${run.params.seconds_per_day} s a day`
                      : "as fast as possible",
                  ],
                ]
              : [["", "known once the job starts"]]
          }
        />
      </Panel>
    );
  }
  const params = run.params;
  const asked = RUN_PARAM_KEYS.filter((k) => params[k] !== undefined);
  return (
    <Panel
      title="Settings"
      description={
        asked.length
          ? `Asked for ${asked.map((k) => `${k} ${String(params[k])}`).join(", ")}; the rest from the config`
          : "The server's config, unchanged"
      }
    >
      <Facts
        testId="run-settings"
        rows={
          s
            ? [
                ["seed", s.seed],
                ["users", formatInteger(s.users)],
                ["scale", s.scale],
                ["days", formatInteger(s.days)],
                ["start date", s.start_date],
              ]
            : [["", "known once the run starts"]]
        }
      />
    </Panel>
  );
}

function resultRows(run: RunRecord): [string, ReactNode][] | null {
  if (!run.summary) return null;
  if (run.kind === "simulation") {
    const s = run.summary;
    const last = s.days.at(-1);
    return [
      [
        "simulation",
        <span key="id" className="font-mono text-xs">
          {s.simulation_id}
        </span>,
      ],
      [
        "days done",
        `${last ? formatDayRange(s.days[0]!.day, last.day) : "none"}${s.paused ? ` (paused; ${formatDayRange(s.from_day, s.to_day)} asked)` : ""}`,
      ],
      ["last date", last?.date ?? "–"],
      [
        "dbt tests",
        last?.tests
          ? `${last.tests.passed} passed${last.tests.failed ? ` · ${last.tests.failed} failed` : ""}${last.tests.warned ? ` · ${last.tests.warned} warned` : ""} (last day)`
          : "not run",
      ],
      [
        "time",
        `generate ${formatDuration(s.timings.generate)} · load ${formatDuration(s.timings.load)} · dbt ${formatDuration(s.timings.dbt)} · publish ${formatDuration(s.timings.publish)}`,
      ],
    ];
  }
  const summary = run.summary;
  return [
    ["raw rows", formatInteger(summary.raw_rows)],
    ["users", formatInteger(summary.users)],
    ["dates", summary.date_range ? `${summary.date_range.start} → ${summary.date_range.end}` : "–"],
    ["dbt models", `${summary.models.built}/${summary.models.total} built`],
    [
      "dbt tests",
      `${summary.tests.passed}/${summary.tests.total} passed${summary.tests.failed ? ` · ${summary.tests.failed} failed` : ""}${summary.tests.warned ? ` · ${summary.tests.warned} warned` : ""}`,
    ],
    [
      "published",
      <span key="v" className="font-mono text-xs">
        {summary.publish.version}
      </span>,
    ],
  ];
}

/** What a run was asked to do, what it used, when, and how it ended. */
export function RunFacts(props: { run: RunRecord }) {
  const { run } = props;
  const result = resultRows(run);
  return (
    <div className="grid gap-5 md:grid-cols-3">
      <Panel title={run.kind === "simulation" ? "Simulation job" : "Run"}>
        <Facts
          testId="run-facts"
          rows={[
            ["trigger", run.trigger],
            ["created", formatStamp(run.created)],
            ["started", formatStamp(run.started)],
            ["finished", formatStamp(run.finished)],
            ["duration", formatDuration(run.duration_seconds)],
            ["exit code", run.exit_code ?? "–"],
          ]}
        />
      </Panel>
      {settingsPanel(run)}
      {run.error ? (
        <section
          className="rounded-xl border border-rose-200 bg-rose-50/60 px-5 py-4 shadow-xs"
          data-testid="run-error"
          role="alert"
        >
          <h3 className="text-sm font-semibold text-rose-900">
            Why it {run.status === "interrupted" ? "stopped" : "failed"}
          </h3>
          <p className="mt-1 font-mono text-xs break-words text-rose-800" data-testid="run-error-message">
            {run.error.message}
          </p>
          {run.error.details?.length ? (
            <pre className="mt-2 max-h-40 overflow-auto font-mono text-[11px] whitespace-pre-wrap text-rose-700/90">
              {run.error.details.slice(0, 10).join("\n")}
            </pre>
          ) : null}
          {run.error.hint ? <p className="mt-2 text-xs text-rose-700">{run.error.hint}</p> : null}
          <p className="mt-2 text-xs text-rose-700/80">code {run.error.code}</p>
        </section>
      ) : (
        <Panel title="Result">
          {result ? (
            <Facts testId="run-summary" rows={result} />
          ) : (
            <p className="text-sm text-zinc-500">Shown when the run has finished.</p>
          )}
        </Panel>
      )}
    </div>
  );
}
