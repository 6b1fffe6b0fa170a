/** Formats of the quality page: durations, the publish time, node labels of the lineage graph. */

/** "0.17 s", "2.4 s", "17 s", "2 min 05 s". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  if (seconds < 1) return `${seconds.toFixed(2)} s`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m} min ${String(s).padStart(2, "0")} s`;
}

const stamp = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
  timeZone: "UTC",
});

/** "Dec 14, 2025, 10:32 UTC" from an ISO timestamp. */
export function formatPublishedAt(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${stamp.format(d)} UTC`;
}

/**
 * A node name on at most two lines of `max` characters: whole when it fits, else broken after
 * the underscore nearest the middle ("int_generations_" / "enriched"), else cut with "…".
 */
export function splitNodeName(name: string, max: number): string[] {
  if (name.length <= max) return [name];
  let best: number | null = null;
  for (let i = 1; i < name.length; i++) {
    if (name[i - 1] !== "_" || name[i] === "_") continue;
    if (i > max || name.length - i > max) continue;
    if (best === null || Math.abs(i - name.length / 2) < Math.abs(best - name.length / 2)) best = i;
  }
  if (best !== null) return [name.slice(0, best), name.slice(best)];
  const cut = name.lastIndexOf("_", max) > 0 ? name.lastIndexOf("_", max) + 1 : max;
  const rest = name.slice(cut);
  return [name.slice(0, cut), rest.length <= max ? rest : `${rest.slice(0, max - 1)}…`];
}

const clock = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
  timeZone: "UTC",
});
const date = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});

/** "10:32" (UTC) and "Dec 14, 2025" from an ISO timestamp. */
export function formatClockAndDate(iso: string): { clock: string; date: string } {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? { clock: iso, date: "" }
    : { clock: clock.format(d), date: date.format(d) };
}
