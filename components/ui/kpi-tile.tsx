import type { ReactNode } from "react";
import { cn } from "./cn";
import { Skeleton } from "./skeleton";

/** A headline figure: label, value, one line of context. */
export function KpiTile(props: {
  label: string;
  value: string | null;
  hint?: ReactNode;
  dimmed?: boolean;
  "data-testid"?: string;
  /** The unformatted figure, for tests and tools. */
  "data-value"?: string;
}) {
  return (
    <div
      className="flex min-w-0 flex-col gap-1 rounded-xl border border-zinc-200 bg-white px-4 py-3 shadow-xs"
      data-testid={props["data-testid"]}
      data-value={props["data-value"]}
    >
      <span className="truncate text-xs font-medium text-zinc-500">{props.label}</span>
      {props.value === null ? (
        <Skeleton className="my-1 h-7 w-24" label={`Loading ${props.label}`} />
      ) : (
        <span
          data-testid="kpi-value"
          className={cn(
            "text-2xl font-semibold tracking-tight text-zinc-900 tabular-nums transition-opacity",
            props.dimmed && "opacity-50",
          )}
        >
          {props.value}
        </span>
      )}
      <span className="truncate text-[11px] leading-4 text-zinc-400">{props.hint ?? " "}</span>
    </div>
  );
}
