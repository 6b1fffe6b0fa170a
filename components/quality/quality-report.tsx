/**
 * The data-quality page, rendered only from a QualityReport (no request data), so the live
 * server and the static export draw the same page from the same loader.
 */
import { MissingPublish } from "@/components/dashboard/missing-publish";
import { formatDayLong, formatInteger } from "@/lib/shared/dashboard/format";
import { formatPublishedAt } from "@/lib/shared/quality/format";
import type { QualityReport, ReadyQualityReport } from "@/lib/shared/quality/report";
import { QualityExplorer } from "./quality-explorer";
import { SummaryStrip } from "./summary-strip";

function Verdict(props: { report: ReadyQualityReport }) {
  const t = props.report.dbt.tests;
  const m = props.report.dbt.models;
  const bad = t.failed + m.failed;
  const tone = bad
    ? "border-rose-200 bg-rose-50 text-rose-800"
    : t.warned
      ? "border-amber-200 bg-amber-50 text-amber-800"
      : "border-emerald-200 bg-emerald-50 text-emerald-800";
  const text = bad
    ? [
        t.failed ? `${formatInteger(t.failed)} failing` : null,
        m.failed ? `${m.failed} models errored` : null,
        t.warned ? `${formatInteger(t.warned)} warning` : null,
      ]
        .filter(Boolean)
        .join(" · ")
    : t.warned
      ? `${formatInteger(t.warned)} warning · the rest pass`
      : `All ${formatInteger(t.total)} tests pass`;
  return (
    <span
      data-testid="quality-verdict"
      data-status={bad ? "failing" : t.warned ? "warning" : "passing"}
      className={`inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-xs font-medium ${tone}`}
    >
      <span
        aria-hidden="true"
        className={`h-1.5 w-1.5 rounded-full ${bad ? "bg-rose-500" : t.warned ? "bg-amber-400" : "bg-emerald-500"}`}
      />
      {text}
    </span>
  );
}

export function QualityReportView(props: { report: QualityReport }) {
  const { report } = props;
  if (report.status === "missing") return <MissingPublish publishPath={report.publishPath} />;
  const facts = [
    `${report.project}`,
    report.dateRange
      ? `${formatDayLong(report.dateRange.start)} – ${formatDayLong(report.dateRange.end)}`
      : "no dates",
    `dbt ${report.dbt.dbt_version}`,
    `published ${formatPublishedAt(report.publishedAt)}`,
    `seed ${report.seed}`,
  ];
  return (
    <div className="flex flex-col gap-5 pt-6" data-testid="quality-report">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Data quality</h1>
          <p className="mt-1 text-sm text-zinc-500">{facts.join(" · ")}</p>
        </div>
        <Verdict report={report} />
      </div>
      <SummaryStrip report={report} />
      <QualityExplorer report={report} />
    </div>
  );
}
