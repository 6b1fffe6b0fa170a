"use client";
/**
 * Every simulated day as a bar (its generations), coloured by how its dbt tests went, with the
 * day under way as a pending bar while a job runs. Click a bar, drag the scrubber or use the
 * arrow keys to pick the day the rest of the page shows.
 */
import { useCallback, useMemo, type KeyboardEvent } from "react";
import { cn } from "@/components/ui/cn";
import { formatDay, formatInteger, formatPercent, formatUsd } from "@/lib/shared/dashboard/format";
import type { DaySummary, SimulationDay } from "@/lib/shared/simulation";

export type TestStatus = "passed" | "warned" | "failed" | "skipped";

/** How a day's tests went: failed beats warned beats passed; skipped when they did not run. */
export function testStatus(summary: Pick<DaySummary, "tests">): TestStatus {
  const t = summary.tests;
  if (!t) return "skipped";
  return t.failed > 0 ? "failed" : t.warned > 0 ? "warned" : "passed";
}

const BAR: Record<TestStatus, { idle: string; selected: string }> = {
  passed: { idle: "bg-indigo-300 group-hover:bg-indigo-400", selected: "bg-indigo-600" },
  warned: { idle: "bg-amber-300 group-hover:bg-amber-400", selected: "bg-amber-500" },
  failed: { idle: "bg-rose-300 group-hover:bg-rose-400", selected: "bg-rose-600" },
  skipped: { idle: "bg-zinc-300 group-hover:bg-zinc-400", selected: "bg-zinc-500" },
};

function describe(d: DaySummary): string {
  const t = d.tests;
  return [
    `Day ${d.day} · ${formatDay(d.date)}`,
    `+${formatInteger(d.new_users)} users (${formatInteger(d.total_users)} in all)`,
    `${formatInteger(d.generations)} generations · ${formatPercent(d.success_rate)} success`,
    `${formatUsd(d.revenue_usd)} revenue`,
    t
      ? `tests: ${t.passed} passed${t.warned ? `, ${t.warned} warned` : ""}${t.failed ? `, ${t.failed} failed` : ""}`
      : "tests not run",
  ].join("\n");
}

/** A column per day, at most 48 px wide, so a few days do not make a wall of colour. */
function columns(slots: number): string {
  return `repeat(${Math.max(slots, 1)}, minmax(0, 48px))`;
}

export function Timeline(props: {
  days: readonly SimulationDay[];
  selected: number | null;
  onSelect(day: number): void;
  /** The day a job is working on, drawn as a pending bar after the others. */
  pending: { day: number; label: string } | null;
}) {
  const { days, selected, onSelect, pending } = props;
  const max = useMemo(() => Math.max(1, ...days.map((d) => d.summary.generations)), [days]);
  const first = days[0]?.day ?? 1;
  const last = days.at(-1)?.day ?? 1;
  const slots = days.length + (pending && pending.day > last ? 1 : 0);

  const step = useCallback(
    (delta: number) => {
      if (selected === null) return;
      const i = days.findIndex((d) => d.day === selected);
      const next = days[Math.min(days.length - 1, Math.max(0, i + delta))];
      if (next) onSelect(next.day);
    },
    [days, selected, onSelect],
  );
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowLeft") step(-1);
    else if (e.key === "ArrowRight") step(1);
    else if (e.key === "Home" && days[0]) onSelect(days[0].day);
    else if (e.key === "End" && days.at(-1)) onSelect(days.at(-1)!.day);
    else return;
    e.preventDefault();
  };
  const labelEvery = slots > 45 ? 14 : slots > 20 ? 7 : slots > 10 ? 2 : 1;

  return (
    <div className="flex flex-col gap-2">
      <div
        role="listbox"
        aria-label="Simulated days"
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="timeline"
        data-days={days.length}
        className="grid h-32 items-end gap-[3px] rounded-md outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
        style={{ gridTemplateColumns: columns(slots) }}
      >
        {days.map((d) => {
          const status = testStatus(d.summary);
          const isSelected = d.day === selected;
          const height = Math.max(4, Math.round((d.summary.generations / max) * 100));
          return (
            <button
              key={d.day}
              type="button"
              role="option"
              aria-selected={isSelected}
              aria-label={`Day ${d.day}, ${d.date}`}
              title={describe(d.summary)}
              tabIndex={-1}
              onClick={() => onSelect(d.day)}
              data-testid="timeline-day"
              data-day={d.day}
              data-tests={status}
              data-selected={isSelected ? "true" : "false"}
              className="group relative flex h-full min-w-0 cursor-pointer items-end rounded-sm"
            >
              <span
                className={cn(
                  "block w-full rounded-t-sm transition-[height,background-color] duration-300",
                  isSelected ? BAR[status].selected : BAR[status].idle,
                )}
                style={{ height: `${height}%` }}
              />
              {isSelected ? (
                <span className="pointer-events-none absolute inset-x-0 -bottom-1.5 mx-auto h-1 w-1 rounded-full bg-zinc-900" />
              ) : null}
            </button>
          );
        })}
        {pending && pending.day > last ? (
          <div
            className="flex h-full min-w-0 items-end"
            data-testid="timeline-pending"
            data-day={pending.day}
            title={`Day ${pending.day}: ${pending.label}`}
          >
            <span className="block h-1/3 w-full animate-pulse rounded-t-sm border border-dashed border-indigo-300 bg-indigo-50" />
          </div>
        ) : null}
      </div>
      <div
        className="grid gap-[3px] text-[10px] text-zinc-400 tabular-nums"
        style={{ gridTemplateColumns: columns(slots) }}
        aria-hidden="true"
      >
        {days.map((d, i) => (
          <span key={d.day} className="truncate text-center">
            {i === 0 || d.day === last || (d.day - first) % labelEvery === 0 ? d.day : ""}
          </span>
        ))}
        {pending && pending.day > last ? (
          <span className="truncate text-center text-indigo-500">{pending.day}</span>
        ) : null}
      </div>
    </div>
  );
}
