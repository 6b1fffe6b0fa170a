"use client";
/**
 * Runs a view's query in DuckDB-WASM whenever its SQL changes (a filter the query ignores does
 * not re-run it) and hands back its async state. A result the server already computed for the
 * same filters is shown at once and replaced by the live one; results of filters the user has
 * since left are dropped.
 *
 * The hook follows the filter store outside React's render: a filter change starts the query
 * at once and re-renders the view only when the new result is in, so every chart is drawn
 * once per change rather than once with the old data and again with the new.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { filtersToQuery, sameFilters, type DashboardFilters } from "@/lib/shared/dashboard/filters";
import type { ViewQuery } from "@/lib/shared/dashboard/queries/types";
import type { AsyncState } from "./async";
import { useDashboard } from "./dashboard-context";
import { loadPublishedTables } from "./published";
import { cachedRows, runQuery } from "./query-batch";

/**
 * A chart keeps its previous result, undimmed, this long before it shows that it is waiting:
 * most filter changes are answered sooner, and dimming then undimming every chart would draw
 * the page twice for nothing.
 */
const DIM_AFTER_MS = 150;

export interface ViewQueryResult<T> {
  state: AsyncState<T>;
  /** The query string of the filters the shown data answers ("" = unfiltered). */
  filterKey: string | null;
  /** The publish (its generated_at) the shown data comes from. */
  publish: string | null;
  retry(): void;
}

interface Shown<T> {
  state: AsyncState<T>;
  /** The SQL, filters and publish the state answers. */
  sql: string | null;
  key: string | null;
  publish: string | null;
}

function loading<T>(s: Shown<T>): Shown<T> {
  const previous =
    s.state.status === "ready" ? s.state.data : s.state.status === "loading" ? s.state.previous : null;
  return { ...s, state: { status: "loading", previous } };
}

export function useViewQuery<T>(query: ViewQuery<T>): ViewQueryResult<T> {
  const { manifest, server, store, schema } = useDashboard();
  const [shown, setShown] = useState<Shown<T>>(() => {
    const filters = store.getState().filters;
    const initial = sameFilters(filters, server.filters) ? server.views?.[query.id] : undefined;
    return initial != null
      ? {
          state: { status: "ready", data: initial as T, source: "server", millis: 0 },
          sql: query.sql(filters),
          key: filtersToQuery(filters),
          publish: manifest.generated_at,
        }
      : { state: { status: "idle" }, sql: null, key: null, publish: null };
  });
  const [attempt, setAttempt] = useState(0);
  const shownRef = useRef(shown);
  shownRef.current = shown;
  // The publish of the effect's last run: another one (the player's next day) is a change, not a mount.
  const ranFor = useRef<string | null>(null);

  useEffect(() => {
    const publish = manifest.generated_at;
    const scope = `${schema}/${publish}`;
    const switched = ranFor.current !== null && ranFor.current !== scope;
    ranFor.current = scope;
    // What is on screen, kept here as it is set (React applies state later).
    let current = shownRef.current;
    const show = (next: Shown<T>) => {
      current = next;
      setShown(next);
    };
    // The SQL asked for last, whether its result is shown or on its way; the filters' key.
    let wantedSql: string | null = null;
    let wantedKey = "";
    let inFlight = false;
    let run = 0;
    let dim: ReturnType<typeof setTimeout> | undefined;

    const start = (filters: DashboardFilters, first: boolean) => {
      const sql = query.sql(filters);
      wantedKey = filtersToQuery(filters);
      if (!first && sql === wantedSql) {
        // A filter this query ignores: the same result answers the new filters too.
        if (!inFlight) show({ ...current, key: wantedKey, publish });
        return;
      }
      wantedSql = sql;
      const id = ++run;
      clearTimeout(dim);
      inFlight = false;
      const kept = cachedRows(scope, sql);
      if (kept) {
        show({
          state: { status: "ready", data: query.rows(kept), source: "live", millis: 0 },
          sql,
          key: wantedKey,
          publish,
        });
        return;
      }
      inFlight = true;
      // Server figures stay on screen while the live query runs; a chart with nothing to show
      // says so at once; anything else dims if the answer is slow to come.
      const status = current.state.status;
      if (status !== "ready" && status !== "loading") show(loading(current));
      else if (!first || switched) {
        dim = setTimeout(() => {
          if (id === run && current.state.status === "ready") show(loading(current));
        }, DIM_AFTER_MS);
      }
      (async () => {
        await loadPublishedTables(manifest, query.tables, schema);
        const started = performance.now();
        const data = query.rows(await runQuery(scope, sql, query.id, schema));
        if (id !== run) return;
        inFlight = false;
        clearTimeout(dim);
        show({
          state: { status: "ready", data, source: "live", millis: Math.round(performance.now() - started) },
          sql,
          key: wantedKey,
          publish,
        });
      })().catch((err: unknown) => {
        if (id !== run) return;
        inFlight = false;
        clearTimeout(dim);
        show({
          state: { status: "error", error: err instanceof Error ? err.message : String(err) },
          sql,
          key: wantedKey,
          publish,
        });
      });
    };

    start(store.getState().filters, true);
    const unsubscribe = store.subscribe((state, previous) => {
      if (!sameFilters(state.filters, previous.filters)) start(state.filters, false);
    });
    return () => {
      unsubscribe();
      clearTimeout(dim);
      run++;
    };
  }, [manifest, query, store, schema, attempt]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { state: shown.state, filterKey: shown.key, publish: shown.publish, retry };
}
