"use client";
/**
 * The dry run of a backfill: what an apply would fill, the null share before and after, the new
 * value's distribution, sample rows with their value now and after, what dbt would run, the
 * estimate and the dbt code. Nothing here writes.
 */
import { BarList } from "@/components/charts/bar-list";
import { Histogram } from "@/components/charts/histogram";
import { palette } from "@/components/charts/palette";
import { formatDuration } from "@/components/runs/format";
import { cn } from "@/components/ui/cn";
import {
  findBackfill,
  formatBackfillValue,
  formatDayRanges,
  type BackfillPreview,
} from "@/lib/shared/backfills";
import { formatInteger, formatPercent } from "@/lib/shared/dashboard/format";

const CATEGORY_COLORS: Record<string, string> = {
  excellent: "#10b981",
  good: "#6366f1",
  acceptable: "#a5b4fc",
  poor: "#f59e0b",
  failed: "#f43f5e",
};

function Figure(props: { label: string; value: string; hint?: string; testId: string; dataValue?: string }) {
  return (
    <div
      className="min-w-0 rounded-lg border border-zinc-100 bg-zinc-50/60 px-3 py-2"
      data-testid={props.testId}
      data-value={props.dataValue}
    >
      <div className="truncate text-[11px] font-medium text-zinc-500">{props.label}</div>
      <div className="text-lg font-semibold tracking-tight text-zinc-900 tabular-nums">{props.value}</div>
      {props.hint ? <div className="truncate text-[11px] text-zinc-400">{props.hint}</div> : null}
    </div>
  );
}

export function PreviewBody(props: { preview: BackfillPreview }) {
  const p = props.preview;
  const definition = findBackfill(p.backfill);
  const d = p.distribution;
  const fmt = (v: string | number | boolean | null) => formatBackfillValue(definition, v);
  return (
    <div className="flex flex-col gap-5">
      <div className="grid grid-cols-2 gap-2 lg:grid-cols-4">
        <Figure
          testId="preview-affected"
          dataValue={String(p.affected.rows)}
          label="Would fill"
          value={`${formatInteger(p.affected.rows)} rows`}
          hint={
            p.affected.days
              ? `${p.affected.days} days: ${formatDayRanges(p.affected.ranges, 2)}`
              : "every day has its values"
          }
        />
        <Figure
          testId="preview-null-share"
          dataValue={`${p.nullShare.before}:${p.nullShare.after}`}
          label={`Null share of ${p.column}`}
          value={`${formatPercent(p.nullShare.before)} → ${formatPercent(p.nullShare.after)}`}
          hint={`of ${formatInteger(p.status.rows)} rows in ${p.model}`}
        />
        <Figure
          testId="preview-estimate"
          dataValue={String(p.estimate.seconds)}
          label="Estimated time"
          value={p.estimate.seconds ? `≈ ${formatDuration(p.estimate.seconds)}` : "nothing to run"}
          hint={
            p.estimate.batches
              ? `${p.estimate.batches} batch(es) of ≤ ${p.estimate.batchDays} days`
              : undefined
          }
        />
        <Figure
          testId="preview-downstream"
          dataValue={String(p.dbt.downstreamModels.length)}
          label="Downstream of the mart"
          value={`${p.dbt.downstreamModels.length} models`}
          hint={`${p.dbt.downstreamTests.length} tests on them`}
        />
      </div>

      <div className="grid gap-5 lg:grid-cols-5">
        <div className="lg:col-span-2">
          <h4 className="text-xs font-semibold text-zinc-700">
            New values <span className="font-normal text-zinc-400">({formatInteger(d.count)} rows)</span>
          </h4>
          {d.kind === "number" ? (
            <p className="mt-0.5 text-[11px] text-zinc-500">
              min {fmt(d.min)} · mean {fmt(d.mean === null ? null : Number(d.mean.toFixed(4)))} · max{" "}
              {fmt(d.max)}
            </p>
          ) : null}
          <div
            className="mt-2"
            data-testid="preview-histogram"
            data-kind={d.kind}
            data-counts={JSON.stringify(
              d.kind === "number" ? d.bins.map((b) => b.count) : d.categories.map((c) => [c.value, c.count]),
            )}
          >
            {d.kind === "number" ? (
              <Histogram
                height={200}
                xLabel={`${p.column}${definition.value.kind === "number" && definition.value.unit === "usd" ? " (US$)" : ""}`}
                formatY={(n) => formatInteger(n)}
                rows={d.bins.map((b) => ({
                  start: b.start,
                  end: b.end,
                  value: b.count,
                  color: palette.primary,
                  tooltip: {
                    title: `${fmt(b.start)} – ${fmt(b.end)}`,
                    lines: [
                      { label: "rows", value: formatInteger(b.count) },
                      { label: "share", value: formatPercent(d.count ? b.count / d.count : null) },
                    ],
                  },
                }))}
              />
            ) : (
              <BarList
                height={200}
                format={(n) => formatInteger(n)}
                rows={d.categories.map((c) => ({
                  key: c.value,
                  label: c.value,
                  value: c.count,
                  color: CATEGORY_COLORS[c.value] ?? palette.primary,
                  tooltip: [
                    { label: "rows", value: formatInteger(c.count) },
                    { label: "share", value: formatPercent(d.count ? c.count / d.count : null) },
                  ],
                }))}
              />
            )}
          </div>
          {d.kind === "number" ? (
            <p className="mt-1 text-[11px] leading-5 text-zinc-500" data-testid="preview-bins">
              {d.bins
                .filter((b) => b.count > 0)
                .map((b) => `${fmt(b.start)}–${fmt(b.end)}: ${formatInteger(b.count)}`)
                .join(" · ")}
            </p>
          ) : null}
        </div>

        <div className="min-w-0 lg:col-span-3">
          <h4 className="text-xs font-semibold text-zinc-700">
            Sample rows{" "}
            <span className="font-normal text-zinc-400">
              ({p.samples.length} of {formatInteger(p.sampleOf)} {p.affected.rows ? "to fill" : "rows"}; a
              couple per
              {d.kind === "number" ? " bin" : " value"})
            </span>
          </h4>
          <div className="mt-2 max-h-72 overflow-auto">
            <table className="w-full border-collapse text-xs" data-testid="preview-samples">
              <thead className="sticky top-0 bg-white">
                <tr className="border-b border-zinc-200 text-left text-zinc-500">
                  <th className="py-1.5 pr-2 font-medium">{p.key}</th>
                  <th className="px-2 py-1.5 font-medium">day</th>
                  <th className="px-2 py-1.5 text-right font-medium">now</th>
                  <th className="px-2 py-1.5 text-right font-medium">after</th>
                  {definition.context.map((c) => (
                    <th key={c} className="px-2 py-1.5 font-medium">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {p.samples.map((s) => (
                  <tr
                    key={s.key}
                    className="border-b border-zinc-100 last:border-0"
                    data-testid="preview-sample"
                    data-key={s.key}
                    data-old={s.old === null ? "" : String(s.old)}
                    data-new={s.new === null ? "" : String(s.new)}
                  >
                    <td className="py-1.5 pr-2 font-mono text-zinc-500">{s.key}</td>
                    <td className="px-2 py-1.5 whitespace-nowrap text-zinc-500">{s.batchDate}</td>
                    <td
                      className={cn(
                        "px-2 py-1.5 text-right tabular-nums",
                        s.old === null ? "text-zinc-300" : "text-zinc-700",
                      )}
                    >
                      {s.old === null ? "null" : fmt(s.old)}
                    </td>
                    <td className="px-2 py-1.5 text-right font-medium text-indigo-700 tabular-nums">
                      {fmt(s.new)}
                    </td>
                    {definition.context.map((c) => (
                      <td
                        key={c}
                        className="max-w-64 truncate px-2 py-1.5 text-zinc-600"
                        title={String(s.context[c] ?? "")}
                      >
                        {String(s.context[c] ?? "–")}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>

      <div className="grid gap-5 lg:grid-cols-2">
        <div data-testid="preview-dbt">
          <h4 className="text-xs font-semibold text-zinc-700">What dbt would run</h4>
          <ol className="mt-1.5 list-decimal space-y-1 pl-4 text-xs text-zinc-600">
            <li>
              Per batch ({p.estimate.batches || "none"}): <code className="font-mono">dbt build</code> of{" "}
              {p.dbt.batchModels.map((m) => (
                <code key={m} className="mr-1 rounded bg-zinc-100 px-1 font-mono text-[11px]">
                  {m}
                </code>
              ))}
              with the batch's days, and the test{" "}
              <code className="rounded bg-zinc-100 px-1 font-mono text-[11px]">{p.dbt.batchTest}</code>.
            </li>
            <li>
              Then <code className="font-mono">dbt run</code> ({p.dbt.projectModels} models) and{" "}
              <code className="font-mono">dbt test</code> ({p.dbt.projectTests} tests), and a publish.
              Downstream of <code className="font-mono">{p.model}</code>:{" "}
              <span data-testid="preview-downstream-models">
                {p.dbt.downstreamModels.length ? p.dbt.downstreamModels.join(", ") : "nothing"}
              </span>
              .
            </li>
          </ol>
          <p className="mt-2 text-[11px] text-zinc-400">Estimate from {p.estimate.basis}.</p>
        </div>
        <details className="min-w-0 text-xs" data-testid="preview-code">
          <summary className="cursor-pointer font-semibold text-zinc-700">
            The dbt code: <code className="font-mono font-normal">dbt/{p.code.file}</code>
          </summary>
          <pre className="mt-2 max-h-64 overflow-auto rounded-lg bg-zinc-900 p-3 font-mono text-[11px] leading-5 text-zinc-100">
            {p.code.source}
          </pre>
        </details>
      </div>
    </div>
  );
}
