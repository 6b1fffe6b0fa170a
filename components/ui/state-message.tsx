import type { ReactNode } from "react";

/** Shown where a chart would be when nothing matches the filters. */
export function EmptyState(props: { height: number; title: string; hint?: ReactNode; action?: ReactNode }) {
  return (
    <div
      data-testid="empty-state"
      className="flex flex-col items-center justify-center gap-1 rounded-lg border border-dashed border-zinc-200 bg-zinc-50/60 px-6 text-center"
      style={{ height: props.height }}
    >
      <p className="text-sm font-medium text-zinc-700">{props.title}</p>
      {props.hint ? <p className="text-xs text-zinc-500">{props.hint}</p> : null}
      {props.action ? <div className="mt-2">{props.action}</div> : null}
    </div>
  );
}

/** Shown where a chart would be when its query failed: what failed and a way to try again. */
export function ErrorState(props: { height: number; message: string; onRetry?: () => void }) {
  return (
    <div
      data-testid="error-state"
      role="alert"
      className="flex flex-col items-center justify-center gap-2 rounded-lg border border-rose-200 bg-rose-50/60 px-6 text-center"
      style={{ height: props.height }}
    >
      <p className="text-sm font-medium text-rose-800">This chart could not be computed</p>
      <p className="max-w-md font-mono text-xs break-words text-rose-700">{props.message}</p>
      {props.onRetry ? (
        <button
          type="button"
          onClick={props.onRetry}
          className="mt-1 rounded-md border border-rose-200 bg-white px-2.5 py-1 text-xs font-medium text-rose-700 hover:bg-rose-50"
        >
          Try again
        </button>
      ) : null}
    </div>
  );
}
