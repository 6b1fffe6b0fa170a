import { cn } from "@/components/ui/cn";
import { formatInteger, formatPercent } from "@/lib/shared/dashboard/format";
import { formatClockAndDate, formatSeconds } from "@/lib/shared/quality/format";
import type { ReadyQualityReport } from "@/lib/shared/quality/report";

function Tile(props: {
  id: string;
  label: string;
  value: string;
  hint: string;
  /** The unformatted figure, for tests and tools. */
  raw: string | number;
  tone?: "rose" | "amber" | "emerald" | null;
}) {
  return (
    <div
      data-testid={`summary-${props.id}`}
      data-value={String(props.raw)}
      className="flex min-w-0 flex-col gap-1 rounded-xl border border-zinc-200 bg-white px-4 py-3 shadow-xs"
    >
      <span className="flex items-center gap-1.5 truncate text-xs font-medium text-zinc-500">
        {props.tone ? (
          <span
            aria-hidden="true"
            className={cn(
              "h-1.5 w-1.5 rounded-full",
              props.tone === "rose" && "bg-rose-500",
              props.tone === "amber" && "bg-amber-400",
              props.tone === "emerald" && "bg-emerald-500",
            )}
          />
        ) : null}
        {props.label}
      </span>
      <span
        data-testid="summary-value"
        className={cn(
          "truncate text-2xl font-semibold tracking-tight tabular-nums",
          props.tone === "rose"
            ? "text-rose-700"
            : props.tone === "amber"
              ? "text-amber-700"
              : "text-zinc-900",
        )}
      >
        {props.value}
      </span>
      <span className="truncate text-[11px] leading-4 text-zinc-400">{props.hint}</span>
    </div>
  );
}

/** The last dbt build at a glance: tests by outcome, models built, how long it took, when. */
export function SummaryStrip(props: { report: ReadyQualityReport }) {
  const { dbt } = props.report;
  const t = dbt.tests;
  const m = dbt.models;
  const published = formatClockAndDate(props.report.publishedAt);
  const share = (n: number) => (t.total ? `${formatPercent(n / t.total)} of tests` : "no tests");
  return (
    <div
      data-testid="quality-summary"
      className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8"
      aria-label="Summary of the last dbt build"
    >
      <Tile
        id="tests"
        label="Tests"
        value={formatInteger(t.total)}
        raw={t.total}
        hint={`on ${m.total} models`}
      />
      <Tile
        id="passed"
        label="Passed"
        value={formatInteger(t.passed)}
        raw={t.passed}
        hint={share(t.passed)}
        tone={t.passed ? "emerald" : null}
      />
      <Tile
        id="warned"
        label="Warned"
        value={formatInteger(t.warned)}
        raw={t.warned}
        hint={t.warned ? "business rules" : "no warnings"}
        tone={t.warned ? "amber" : null}
      />
      <Tile
        id="failed"
        label="Failed"
        value={formatInteger(t.failed)}
        raw={t.failed}
        hint={t.failed ? "integrity tests" : "no failures"}
        tone={t.failed ? "rose" : null}
      />
      <Tile
        id="skipped"
        label="Skipped"
        value={formatInteger(t.skipped)}
        raw={t.skipped}
        hint={t.skipped ? "upstream did not build" : "none skipped"}
      />
      <Tile
        id="models"
        label="Models built"
        value={`${formatInteger(m.built)}/${formatInteger(m.total)}`}
        raw={m.built}
        hint={m.failed || m.skipped ? `${m.failed} errored · ${m.skipped} skipped` : "all built"}
        tone={m.failed ? "rose" : null}
      />
      <Tile
        id="runtime"
        label="dbt build"
        value={formatSeconds(dbt.elapsed_seconds)}
        raw={dbt.elapsed_seconds}
        hint={`dbt ${dbt.dbt_version}`}
      />
      <Tile
        id="published"
        label="Published"
        value={published.clock}
        raw={props.report.publishedAt}
        hint={`${published.date} UTC`}
      />
    </div>
  );
}
