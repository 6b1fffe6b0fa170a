import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/skeleton";
import { RUN_STAGES, type RunProgress, type StageProgress, type StageStatus } from "@/lib/shared/runs";
import { stageCounts } from "./format";

export const STAGE_BAR: Record<StageStatus, string> = {
  pending: "bg-zinc-200",
  running: "bg-indigo-500",
  succeeded: "bg-emerald-500",
  failed: "bg-rose-500",
  skipped: "bg-zinc-200",
};

export function stageShare(stage: StageProgress): number {
  if (stage.status === "succeeded") return 1;
  if (stage.total === null || stage.total === 0) return stage.status === "running" ? 0.08 : 0;
  return Math.min(1, stage.done / stage.total);
}

export function StageIcon(props: { status: StageStatus }) {
  switch (props.status) {
    case "running":
      return <Spinner className="h-3.5 w-3.5 text-indigo-600!" />;
    case "succeeded":
      return (
        <svg viewBox="0 0 16 16" className="h-3.5 w-3.5 text-emerald-600" fill="none" aria-hidden="true">
          <path
            d="M3.5 8.5l3 3 6-7"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      );
    case "failed":
      return (
        <svg viewBox="0 0 16 16" className="h-3.5 w-3.5 text-rose-600" fill="none" aria-hidden="true">
          <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      );
    default:
      return <span className="m-1 h-1.5 w-1.5 rounded-full bg-zinc-300" aria-hidden="true" />;
  }
}

/** The five stages of a run (generate, load, dbt models, dbt tests, publish) with their counts. */
export function RunStages(props: { progress: RunProgress; className?: string }) {
  return (
    <ol className={cn("flex flex-col gap-2.5", props.className)} data-testid="run-stages">
      {RUN_STAGES.map(({ key, label }) => {
        const stage = props.progress.find((s) => s.key === key);
        if (!stage) return null;
        const counts = stageCounts(stage);
        return (
          <li
            key={key}
            data-testid={`run-stage-${key}`}
            data-status={stage.status}
            data-done={stage.done}
            data-total={stage.total ?? ""}
            className="grid grid-cols-[1rem_6rem_1fr] items-center gap-x-2 gap-y-1"
          >
            <span className="flex h-4 w-4 items-center justify-center">
              <StageIcon status={stage.status} />
            </span>
            <span
              className={cn(
                "text-sm",
                stage.status === "pending" || stage.status === "skipped" ? "text-zinc-400" : "text-zinc-800",
              )}
            >
              {label}
            </span>
            <span
              className={cn(
                "text-right text-xs tabular-nums",
                stage.status === "failed" ? "text-rose-700" : "text-zinc-500",
              )}
              data-testid="stage-counts"
            >
              {counts}
            </span>
            <span className="col-span-2 col-start-2 h-1 overflow-hidden rounded-full bg-zinc-100">
              <span
                className={cn(
                  "block h-full rounded-full transition-[width] duration-300",
                  STAGE_BAR[stage.status],
                )}
                style={{ width: `${Math.round(stageShare(stage) * 100)}%` }}
              />
            </span>
          </li>
        );
      })}
    </ol>
  );
}
