"use client";
/**
 * The day a simulation job is working on, stage by stage (generate, load, dbt models, dbt tests,
 * publish), live from its events: the same five stages and counts as a pipeline run's panel,
 * laid out in a row.
 */
import { STAGE_BAR, StageIcon, stageShare } from "@/components/runs/run-stages";
import { formatDuration, stageCounts } from "@/components/runs/format";
import { cn } from "@/components/ui/cn";
import { formatInteger } from "@/lib/shared/dashboard/format";
import { RUN_STAGES, type RunProgress, type StageProgress } from "@/lib/shared/runs";

/** How long generate took, the rows load wrote; the usual counts for the others. */
function counts(stage: StageProgress): string {
  if ((stage.key === "generate" || stage.key === "load") && stage.status === "succeeded") {
    const took = stage.seconds !== null ? `in ${formatDuration(stage.seconds)}` : "done";
    return stage.rows ? `${formatInteger(stage.rows)} rows ${took}` : took;
  }
  return stageCounts(stage);
}

export function DayStages(props: { progress: RunProgress }) {
  return (
    <ol className="grid grid-cols-2 gap-x-5 gap-y-3 sm:grid-cols-5" data-testid="day-stages">
      {RUN_STAGES.map(({ key, label }) => {
        const stage = props.progress.find((s) => s.key === key);
        if (!stage) return null;
        return (
          <li
            key={key}
            data-testid={`day-stage-${key}`}
            data-status={stage.status}
            data-done={stage.done}
            data-total={stage.total ?? ""}
            className="flex min-w-0 flex-col gap-1.5"
          >
            <span className="flex items-center gap-1.5">
              <span className="flex h-4 w-4 items-center justify-center">
                <StageIcon status={stage.status} />
              </span>
              <span
                className={cn(
                  "text-sm",
                  stage.status === "pending" || stage.status === "skipped"
                    ? "text-zinc-400"
                    : "text-zinc-800",
                )}
              >
                {label}
              </span>
            </span>
            <span className="h-1 overflow-hidden rounded-full bg-zinc-100">
              <span
                className={cn(
                  "block h-full rounded-full transition-[width] duration-300",
                  STAGE_BAR[stage.status],
                )}
                style={{ width: `${Math.round(stageShare(stage) * 100)}%` }}
              />
            </span>
            <span
              className={cn(
                "truncate text-xs tabular-nums",
                stage.status === "failed" ? "text-rose-700" : "text-zinc-500",
              )}
              data-testid="stage-counts"
            >
              {counts(stage)}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
