import type { CSSProperties } from "react";
import { cn } from "@/components/ui/cn";
import { formatSeconds } from "@/lib/shared/quality/format";
import type { QualityNode, QualityTest } from "@/lib/shared/quality/report";
import { HEALTH_DOT } from "./tones";

const MATERIALIZED_TONE: Record<string, string> = {
  view: "bg-sky-50 text-sky-700 ring-sky-600/15",
  table: "bg-violet-50 text-violet-700 ring-violet-600/15",
  incremental: "bg-indigo-50 text-indigo-700 ring-indigo-600/15",
};

/** How long each model took to build in the last dbt build, the slowest first. */
export function ModelTimings(props: {
  nodes: readonly QualityNode[];
  tests: readonly QualityTest[];
  elapsedSeconds: number;
}) {
  const models = props.nodes
    .filter((n) => n.resource_type === "model" && n.seconds !== null)
    .sort((a, b) => b.seconds! - a.seconds! || a.name.localeCompare(b.name));
  const max = Math.max(0, ...models.map((m) => m.seconds!));
  const modelSeconds = models.reduce((s, m) => s + m.seconds!, 0);
  const testSeconds = props.tests.reduce((s, t) => s + t.seconds, 0);
  return (
    <div className="flex flex-col gap-3">
      <ol
        className="grid grid-cols-1 gap-x-10 gap-y-1 lg:grid-flow-col lg:grid-cols-2 lg:[grid-template-rows:repeat(var(--rows),auto)]"
        style={{ "--rows": Math.ceil(models.length / 2) } as CSSProperties}
        data-testid="model-timings"
      >
        {models.map((m) => (
          <li
            key={m.id}
            data-testid="timing-row"
            data-model={m.name}
            data-seconds={m.seconds!}
            className="grid grid-cols-[minmax(0,11rem)_minmax(0,1fr)_3.25rem] items-center gap-2 text-xs"
          >
            <span className="flex min-w-0 items-center gap-1.5">
              <span
                aria-hidden="true"
                className={cn("h-1.5 w-1.5 shrink-0 rounded-full", HEALTH_DOT[m.health])}
              />
              <span className="truncate font-mono text-[11px] text-zinc-700" title={m.name}>
                {m.name}
              </span>
            </span>
            <span className="flex min-w-0 items-center gap-2">
              <span
                className={cn(
                  "w-[4.75rem] shrink-0 rounded px-1.5 py-px text-center text-[10px] font-medium ring-1 ring-inset",
                  MATERIALIZED_TONE[m.materialized ?? ""] ?? "bg-zinc-100 text-zinc-600 ring-zinc-500/15",
                )}
              >
                {m.materialized ?? "model"}
              </span>
              <span className="h-2 flex-1 rounded-full bg-zinc-100">
                <span
                  className="block h-2 rounded-full bg-indigo-500/80"
                  style={{ width: `${max ? Math.max(2, (m.seconds! / max) * 100) : 0}%` }}
                />
              </span>
            </span>
            <span className="text-right text-zinc-600 tabular-nums">{formatSeconds(m.seconds)}</span>
          </li>
        ))}
      </ol>
      <p className="border-t border-zinc-100 pt-2 text-[11px] leading-5 text-zinc-500">
        Models {formatSeconds(modelSeconds)} and tests {formatSeconds(testSeconds)} in total; the build took{" "}
        {formatSeconds(props.elapsedSeconds)}, running several at once.
      </p>
    </div>
  );
}
