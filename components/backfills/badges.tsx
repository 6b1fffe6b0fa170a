import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/skeleton";
import type { ApplyStatus, BackfillStatus } from "@/lib/shared/backfills";
import { describeState } from "@/lib/shared/backfills";

const STATE_TONE: Record<BackfillStatus["state"], string> = {
  applied: "border-emerald-200 bg-emerald-50 text-emerald-700",
  partial: "border-amber-200 bg-amber-50 text-amber-800",
  not_applied: "border-zinc-200 bg-zinc-50 text-zinc-600",
  no_data: "border-zinc-200 bg-white text-zinc-400",
};

/** A backfill's status as a pill: applied, partly applied (n of m days), not applied. */
export function BackfillStateBadge(props: { status: BackfillStatus | null; className?: string }) {
  const { status } = props;
  return (
    <span
      data-testid="backfill-state"
      data-state={status?.state ?? "unknown"}
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full border px-2 py-0.5 text-[11px] font-medium whitespace-nowrap",
        status ? STATE_TONE[status.state] : "border-zinc-200 bg-white text-zinc-400",
        props.className,
      )}
    >
      <span className="h-1.5 w-1.5 rounded-full bg-current" aria-hidden="true" />
      {status ? describeState(status) : "status unavailable"}
    </span>
  );
}

const APPLY_TONE: Record<ApplyStatus, string> = {
  running: "border-indigo-200 bg-indigo-50 text-indigo-700",
  succeeded: "border-emerald-200 bg-emerald-50 text-emerald-700",
  failed: "border-rose-200 bg-rose-50 text-rose-700",
  interrupted: "border-amber-200 bg-amber-50 text-amber-800",
};

/** How an apply went, as a pill. */
export function ApplyStatusBadge(props: { status: ApplyStatus }) {
  return (
    <span
      data-testid="apply-status"
      data-status={props.status}
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full border px-2 py-0.5 text-[11px] font-medium whitespace-nowrap",
        APPLY_TONE[props.status],
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
