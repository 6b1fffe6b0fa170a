/** How the runs views write durations, times and stage counts. */
import { formatInteger } from "@/lib/shared/dashboard/format";
import type { StageProgress } from "@/lib/shared/runs";

/** "8.4s", "42s", "3m 05s", "1h 02m". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

const stampFormat = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
  timeZone: "UTC",
});

/** "Nov 23, 03:05:44 UTC": the same on the server's render and in the browser. */
export function formatStamp(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${stampFormat.format(d)} UTC`;
}

/** The counts a stage shows: "12/18", "3/14 days · 12,345 rows", "140 passed · 3 failed". */
export function stageCounts(stage: StageProgress): string {
  const of = (unit = "") =>
    stage.total === null
      ? `${formatInteger(stage.done)}${unit}`
      : `${formatInteger(stage.done)}/${formatInteger(stage.total)}${unit}`;
  if (stage.status === "pending" || (stage.status === "skipped" && stage.done === 0)) return "–";
  // dbt says how many models and tests it found once it has parsed the project.
  if (stage.status === "running" && stage.total === null && stage.done === 0) {
    return stage.key === "models" || stage.key === "tests" ? "parsing the project…" : "starting…";
  }
  switch (stage.key) {
    case "generate":
      return of(" days");
    case "load":
      return `${of(" days")}${stage.rows ? ` · ${formatInteger(stage.rows)} rows` : ""}`;
    case "models":
    case "tests": {
      const ended = stage.status === "succeeded" || stage.status === "failed";
      if (!ended || (stage.failed === 0 && stage.skipped === 0 && stage.warned === 0)) return of();
      const ok = stage.done - stage.failed - stage.skipped - stage.warned;
      const parts = [`${formatInteger(ok)} ${stage.key === "models" ? "built" : "passed"}`];
      if (stage.failed)
        parts.push(`${formatInteger(stage.failed)} ${stage.key === "models" ? "errored" : "failed"}`);
      if (stage.warned) parts.push(`${formatInteger(stage.warned)} warned`);
      if (stage.skipped) parts.push(`${formatInteger(stage.skipped)} skipped`);
      return `${parts.join(" · ")} of ${formatInteger(stage.total ?? stage.done)}`;
    }
    case "publish":
      return `${of(stage.total === null ? (stage.done === 1 ? " table" : " tables") : " tables")}${stage.rows ? ` · ${formatInteger(stage.rows)} rows` : ""}`;
  }
}
