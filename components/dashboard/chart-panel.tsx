"use client";
/**
 * A panel that shows one query's result through its async states: a skeleton while DuckDB-WASM
 * starts or the query runs (the previous result dimmed when there is one), a message when
 * nothing matches the filters, the error with a retry, and the trust badge of its models.
 */
import { useStore } from "zustand";
import { useMemo, type ReactNode } from "react";
import { Panel } from "@/components/ui/panel";
import { ChartSkeleton, Spinner } from "@/components/ui/skeleton";
import { EmptyState, ErrorState } from "@/components/ui/state-message";
import { cn } from "@/components/ui/cn";
import { dataOf } from "@/lib/browser/async";
import { useDashboard } from "@/lib/browser/dashboard-context";
import { engineStore } from "@/lib/browser/engine";
import type { ViewQueryResult } from "@/lib/browser/use-view-query";
import { ModelsTrustBadge } from "./trust";

export function ChartPanel<T>(props: {
  testId: string;
  title: string;
  description?: ReactNode;
  result: ViewQueryResult<T>;
  /** The dbt models the chart reads, for its trust badge. */
  models: readonly string[];
  height: number;
  isEmpty(data: T): boolean;
  emptyTitle?: string;
  actions?: ReactNode;
  footer?: ReactNode;
  className?: string;
  /**
   * What the chart shows besides its data (a chosen measure): the chart is drawn again only
   * when its data or one of these changes, not when the panel only dims or undims.
   */
  deps?: readonly unknown[];
  children(data: T): ReactNode;
}) {
  const { state, filterKey, publish, retry } = props.result;
  const { store } = useDashboard();
  const engine = useStore(engineStore, (s) => s.engine.status);
  const data = dataOf(state);
  const empty = data !== null && props.isEmpty(data);
  const { children } = props;
  // Not `children`: it is a new closure on every render; the data and deps are what it draws.
  const chart = useMemo(() => (data === null ? null : children(data)), [data, ...(props.deps ?? [])]);
  const domState =
    state.status === "error" ? "error" : state.status === "ready" ? (empty ? "empty" : "ready") : "loading";

  let body: ReactNode;
  if (state.status === "error") {
    body = <ErrorState height={props.height} message={state.error} onRetry={retry} />;
  } else if (data === null) {
    body = (
      <ChartSkeleton
        height={props.height}
        label={engine === "ready" ? "Querying…" : "Starting DuckDB-WASM…"}
      />
    );
  } else if (empty) {
    body = (
      <EmptyState
        height={props.height}
        title={props.emptyTitle ?? "Nothing matches these filters"}
        hint="Widen the date range or clear a filter."
        action={
          <button
            type="button"
            onClick={() => store.getState().reset()}
            className="rounded-md border border-zinc-200 bg-white px-2.5 py-1 text-xs font-medium text-zinc-700 hover:bg-zinc-50"
          >
            Clear filters
          </button>
        }
      />
    );
  } else {
    body = (
      <div className={cn("transition-opacity", state.status === "loading" && "opacity-50")}>{chart}</div>
    );
  }

  return (
    <Panel
      title={props.title}
      description={props.description}
      className={props.className}
      footer={props.footer}
      data-testid={props.testId}
      data-state={domState}
      data-source={state.status === "ready" ? state.source : undefined}
      data-filter-key={filterKey ?? undefined}
      data-publish={publish ?? undefined}
      actions={
        <>
          {state.status === "loading" && data !== null ? <Spinner /> : null}
          {props.actions}
        </>
      }
      badge={<ModelsTrustBadge models={props.models} />}
    >
      {body}
    </Panel>
  );
}
