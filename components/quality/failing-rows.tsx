import { cn } from "@/components/ui/cn";
import { formatInteger } from "@/lib/shared/dashboard/format";
import type { PlainValue } from "@/lib/shared/rows";
import type { QualityTest } from "@/lib/shared/quality/report";

function cell(value: PlainValue): string {
  if (value === null) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** What a failing or warned test found: dbt's message and the sample of rows that broke it. */
export function FailingRows(props: { test: QualityTest }) {
  const { test } = props;
  const sample = test.failingRows;
  const tone = test.status === "warn" ? "amber" : "rose";
  // Columns whose values are all numbers (or null) read right-aligned, as in the tables above.
  const numeric =
    sample?.columns.map((_, j) => sample.rows.every((r) => r[j] === null || typeof r[j] === "number")) ?? [];
  return (
    <div className="flex flex-col gap-3 py-3" data-testid="test-details">
      {test.message ? (
        <p
          data-testid="test-message"
          className={
            tone === "amber"
              ? "rounded-md border border-amber-200 bg-amber-50 px-3 py-2 font-mono text-[11px] whitespace-pre-wrap text-amber-900"
              : "rounded-md border border-rose-200 bg-rose-50 px-3 py-2 font-mono text-[11px] whitespace-pre-wrap text-rose-900"
          }
        >
          {test.message}
        </p>
      ) : null}
      {sample && sample.rows.length ? (
        <div>
          <p className="mb-1.5 text-[11px] text-zinc-500">
            {test.failures !== null && test.failures > sample.rows.length
              ? `The first ${formatInteger(sample.rows.length)} of ${formatInteger(test.failures)} failing rows`
              : sample.rows.length === 1
                ? "The failing row"
                : `All ${formatInteger(sample.rows.length)} failing rows`}
          </p>
          <div className="overflow-x-auto rounded-md border border-zinc-200 bg-white">
            <table className="min-w-[40%] border-collapse font-mono text-[11px]" data-testid="failing-rows">
              <thead>
                <tr className="border-b border-zinc-200 bg-zinc-50">
                  {sample.columns.map((c, j) => (
                    <th
                      key={c}
                      scope="col"
                      className={cn(
                        "px-3 py-1.5 font-medium whitespace-nowrap text-zinc-500",
                        numeric[j] ? "text-right" : "text-left",
                      )}
                    >
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {sample.rows.map((row, i) => (
                  <tr key={i} className="border-b border-zinc-100 last:border-0">
                    {row.map((v, j) => (
                      <td
                        key={j}
                        className={cn(
                          "px-3 py-1 whitespace-nowrap",
                          numeric[j] ? "text-right tabular-nums" : "text-left",
                          v === null ? "text-zinc-400 italic" : "text-zinc-800",
                        )}
                      >
                        {cell(v)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        <p className="text-[11px] text-zinc-500" data-testid="no-failing-rows">
          {test.status === "error"
            ? "The test did not run to the end, so there are no failing rows to show."
            : "No sample of failing rows was kept for this test."}
        </p>
      )}
    </div>
  );
}
