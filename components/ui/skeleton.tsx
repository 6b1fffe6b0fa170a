import { cn } from "./cn";

export function Skeleton(props: { className?: string; label?: string }) {
  return (
    <div
      role="status"
      aria-label={props.label ?? "Loading"}
      className={cn("animate-pulse rounded-md bg-zinc-100", props.className)}
    />
  );
}

/**
 * A chart-shaped placeholder: still bars and a line saying what is happening. Only the small
 * spinner moves: a dozen pulsing panels keep a software-rendered page (headless, no GPU)
 * repainting and slow down DuckDB-WASM's start next to it.
 */
export function ChartSkeleton(props: { height: number; label: string }) {
  const bars = [38, 62, 48, 80, 55, 70, 42, 66, 50, 74, 58, 45];
  return (
    <div role="status" aria-label={props.label} className="relative" style={{ height: props.height }}>
      <div className="absolute inset-x-0 bottom-6 top-2 flex items-end gap-2 opacity-70">
        {bars.map((h, i) => (
          <div key={i} className="flex-1 rounded-t bg-zinc-100" style={{ height: `${h}%` }} />
        ))}
      </div>
      <div className="absolute inset-x-0 bottom-0 flex items-center justify-center gap-2 text-xs text-zinc-400">
        <Spinner />
        {props.label}
      </div>
    </div>
  );
}

export function Spinner(props: { className?: string }) {
  return (
    <svg
      className={cn("h-3.5 w-3.5 animate-spin text-zinc-400", props.className)}
      viewBox="0 0 24 24"
      fill="none"
      aria-hidden="true"
    >
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}
