"use client";
import { cn } from "./cn";

/** A small switch between a few options (the measure a chart shows). */
export function Segmented<T extends string>(props: {
  options: readonly { value: T; label: string }[];
  value: T;
  onChange(value: T): void;
  "aria-label": string;
}) {
  return (
    <div
      role="radiogroup"
      aria-label={props["aria-label"]}
      className="flex rounded-md bg-zinc-100 p-0.5 text-[11px]"
    >
      {props.options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={o.value === props.value}
          onClick={() => props.onChange(o.value)}
          className={cn(
            "rounded px-2 py-0.5 font-medium transition-colors",
            o.value === props.value
              ? "bg-white text-zinc-900 shadow-xs"
              : "text-zinc-500 hover:text-zinc-800",
          )}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
