"use client";
import type { DatePreset } from "@/lib/shared/dashboard/filters";
import { cn } from "./cn";

/** From/to day inputs bounded by the data, with quick presets. */
export function DateRange(props: {
  from: string | null;
  to: string | null;
  min: string;
  max: string;
  presets: readonly DatePreset[];
  onChange(range: { from: string | null; to: string | null }): void;
}) {
  const active = props.presets.find((p) => p.from === props.from && p.to === props.to);
  return (
    <div className="flex items-center gap-2" data-testid="filter-dates">
      <div className="flex h-8 items-center rounded-lg border border-zinc-200 bg-white text-xs shadow-xs">
        <input
          type="date"
          aria-label="From"
          data-testid="filter-from"
          value={props.from ?? props.min}
          min={props.min}
          max={props.to ?? props.max}
          onChange={(e) =>
            props.onChange({
              from: e.target.value && e.target.value !== props.min ? e.target.value : null,
              to: props.to,
            })
          }
          className="h-full rounded-l-lg bg-transparent px-2 text-zinc-800 tabular-nums outline-none focus:bg-indigo-50"
        />
        <span className="text-zinc-300">→</span>
        <input
          type="date"
          aria-label="To"
          data-testid="filter-to"
          value={props.to ?? props.max}
          min={props.from ?? props.min}
          max={props.max}
          onChange={(e) =>
            props.onChange({
              from: props.from,
              to: e.target.value && e.target.value !== props.max ? e.target.value : null,
            })
          }
          className="h-full rounded-r-lg bg-transparent px-2 text-zinc-800 tabular-nums outline-none focus:bg-indigo-50"
        />
      </div>
      <div className="flex h-8 items-center rounded-lg border border-zinc-200 bg-zinc-50 p-0.5 text-xs">
        {props.presets.map((p) => (
          <button
            key={p.label}
            type="button"
            data-testid={`preset-${p.label.toLowerCase().replace(/\s+/g, "-")}`}
            onClick={() => props.onChange({ from: p.from, to: p.to })}
            className={cn(
              "h-full rounded-md px-2 font-medium transition-colors",
              active === p ? "bg-white text-zinc-900 shadow-xs" : "text-zinc-500 hover:text-zinc-800",
            )}
          >
            {p.label}
          </button>
        ))}
      </div>
    </div>
  );
}
