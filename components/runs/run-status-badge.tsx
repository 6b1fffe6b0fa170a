import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/skeleton";
import type { RunStatus } from "@/lib/shared/runs";

const TONE: Record<RunStatus, string> = {
  queued: "border-zinc-200 bg-zinc-50 text-zinc-600",
  running: "border-indigo-200 bg-indigo-50 text-indigo-700",
  succeeded: "border-emerald-200 bg-emerald-50 text-emerald-700",
  failed: "border-rose-200 bg-rose-50 text-rose-700",
  interrupted: "border-amber-200 bg-amber-50 text-amber-800",
};

/** A run's status as a small pill. */
export function RunStatusBadge(props: { status: RunStatus; className?: string }) {
  return (
    <span
      data-testid="run-status"
      data-status={props.status}
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full border px-2 py-0.5 text-[11px] font-medium whitespace-nowrap",
        TONE[props.status],
        props.className,
      )}
    >
      {props.status === "running" ? (
        <Spinner className="h-3 w-3 text-current!" />
      ) : (
        <span className="h-1.5 w-1.5 rounded-full bg-current" aria-hidden="true" />
      )}
      {props.status}
    </span>
  );
}
