"use client";
/** Every simulated day with its summary; a row opens that day. */
import { cn } from "@/components/ui/cn";
import { formatDay, formatInteger, formatPercent, formatUsd } from "@/lib/shared/dashboard/format";
import type { SimulationDay } from "@/lib/shared/simulation";
import { testStatus } from "./timeline";

const DOT = {
  passed: "bg-emerald-500",
  warned: "bg-amber-500",
  failed: "bg-rose-500",
  skipped: "bg-zinc-300",
} as const;

export function DaysTable(props: {
  days: readonly SimulationDay[];
  selected: number | null;
  onSelect(day: number): void;
}) {
  const head = "px-2 py-2 font-medium whitespace-nowrap text-zinc-500 first:pl-0 last:pr-0";
  const cell = "px-2 py-1.5 whitespace-nowrap first:pl-0 last:pr-0";
  return (
    <div className="max-h-80 overflow-auto">
      <table className="w-full border-collapse text-xs" data-testid="days-table">
        <thead className="sticky top-0 bg-white">
          <tr className="border-b border-zinc-200">
            <th scope="col" className={cn(head, "text-left")}>
              Day
            </th>
            <th scope="col" className={cn(head, "text-left")}>
              Date
            </th>
            {["New users", "Users so far", "Active", "Generations", "Success", "Revenue"].map((h) => (
              <th key={h} scope="col" className={cn(head, "text-right")}>
                {h}
              </th>
            ))}
            <th scope="col" className={cn(head, "text-left")}>
              dbt tests
            </th>
          </tr>
        </thead>
        <tbody>
          {[...props.days].reverse().map(({ day, summary: d }) => {
            const status = testStatus(d);
            const selected = day === props.selected;
            return (
              <tr
                key={day}
                onClick={() => props.onSelect(day)}
                data-testid="days-row"
                data-day={day}
                aria-selected={selected}
                className={cn(
                  "cursor-pointer border-b border-zinc-100 last:border-0",
                  selected ? "bg-indigo-50/70" : "hover:bg-zinc-50",
                )}
              >
                <td className={cn(cell, "font-medium text-zinc-900 tabular-nums")}>{day}</td>
                <td className={cn(cell, "text-zinc-600")}>{formatDay(d.date)}</td>
                <td className={cn(cell, "text-right text-zinc-700 tabular-nums")}>
                  +{formatInteger(d.new_users)}
                </td>
                <td className={cn(cell, "text-right text-zinc-700 tabular-nums")}>
                  {formatInteger(d.total_users)}
                </td>
                <td className={cn(cell, "text-right text-zinc-700 tabular-nums")}>
                  {formatInteger(d.active_users)}
                </td>
                <td
                  className={cn(cell, "text-right text-zinc-700 tabular-nums")}
                  data-testid="days-generations"
                >
                  {formatInteger(d.generations)}
                </td>
                <td className={cn(cell, "text-right text-zinc-700 tabular-nums")}>
                  {formatPercent(d.success_rate)}
                </td>
                <td className={cn(cell, "text-right text-zinc-700 tabular-nums")}>
                  {formatUsd(d.revenue_usd)}
                </td>
                <td className={cn(cell, "text-zinc-600")} data-testid="days-tests" data-status={status}>
                  <span className="inline-flex items-center gap-1.5">
                    <span className={cn("h-1.5 w-1.5 rounded-full", DOT[status])} />
                    {d.tests
                      ? `${formatInteger(d.tests.passed)} passed${d.tests.warned ? ` · ${d.tests.warned} warned` : ""}${d.tests.failed ? ` · ${d.tests.failed} failed` : ""}`
                      : "not run"}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
