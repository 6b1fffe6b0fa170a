import type { ReactNode } from "react";
import { Panel } from "@/components/ui/panel";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { RUN_PARAM_KEYS, type RunRecord } from "@/lib/shared/runs";
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

/** What a run was asked to do, what it used, when, and how it ended. */
export function RunFacts(props: { run: RunRecord }) {
  const { run } = props;
  const asked = RUN_PARAM_KEYS.filter((k) => run.params[k] !== undefined);
  const s = run.settings;
  const summary = run.summary;
  return (
    <div className="grid gap-5 md:grid-cols-3">
      <Panel title="Run">
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
      <Panel
        title="Settings"
        description={
          asked.length
            ? `Asked for ${asked.map((k) => `${k} ${String(run.params[k])}`).join(", ")}; the rest from the config`
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
          {summary ? (
            <Facts
              testId="run-summary"
              rows={[
                ["raw rows", formatInteger(summary.raw_rows)],
                ["users", formatInteger(summary.users)],
                [
                  "dates",
                  summary.date_range ? `${summary.date_range.start} → ${summary.date_range.end}` : "–",
                ],
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
              ]}
            />
          ) : (
            <p className="text-sm text-zinc-500">Shown when the run has finished.</p>
          )}
        </Panel>
      )}
    </div>
  );
}
