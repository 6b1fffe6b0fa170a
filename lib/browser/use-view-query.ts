"use client";
/**
 * Runs a view's query in DuckDB-WASM whenever its SQL changes (a filter the query ignores does
 * not re-run it) and hands back its async state. A result the server already computed for the
 * same filters is shown at once and replaced by the live one; results of filters the user has
 * since left are dropped.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { filtersToQuery, sameFilters } from "@/lib/shared/dashboard/filters";
import type { AsyncState } from "./async";
import { useDashboard, useFilters } from "./dashboard-context";
import { getBrowserDb } from "./duckdb";
import { loadPublishedTables } from "./published";
import type { ViewQuery } from "./queries/types";

export interface ViewQueryResult<T> {
  state: AsyncState<T>;
  /** The query string of the filters the shown data answers ("" = unfiltered). */
  filterKey: string | null;
  retry(): void;
}

interface Shown<T> {
  state: AsyncState<T>;
  /** The SQL and filters the state answers. */
  sql: string | null;
  key: string | null;
}

export function useViewQuery<T>(query: ViewQuery<T>, initial?: T | null): ViewQueryResult<T> {
  const { manifest, server } = useDashboard();
  const filters = useFilters((s) => s.filters);
  const sql = query.sql(filters);
  const key = filtersToQuery(filters);
  const [shown, setShown] = useState<Shown<T>>(() =>
    initial != null && sameFilters(filters, server.filters)
      ? { state: { status: "ready", data: initial, source: "server", millis: 0 }, sql, key }
      : { state: { status: "idle" }, sql: null, key: null },
  );
  const [attempt, setAttempt] = useState(0);
  const run = useRef(0);

  useEffect(() => {
    const id = ++run.current;
    // Server figures stay on screen while the live query runs; anything else dims.
    setShown((s) =>
      s.state.status === "ready" && s.state.source === "server" && s.sql === sql
        ? s
        : {
            ...s,
            state: {
              status: "loading",
              previous:
                s.state.status === "ready"
                  ? s.state.data
                  : s.state.status === "loading"
                    ? s.state.previous
                    : null,
            },
          },
    );
    (async () => {
      await loadPublishedTables(manifest, query.tables);
      const db = await getBrowserDb();
      const started = performance.now();
      const data = query.rows(await db.query(sql));
      performance.mark(`sbdk:query:${query.id}`, { detail: { millis: performance.now() - started } });
      if (id !== run.current) return;
      setShown({
        state: { status: "ready", data, source: "live", millis: Math.round(performance.now() - started) },
        sql,
        key,
      });
    })().catch((err: unknown) => {
      if (id !== run.current) return;
      setShown({
        state: { status: "error", error: err instanceof Error ? err.message : String(err) },
        sql,
        key,
      });
    });
    // `key` only labels the result; the SQL decides whether to run again.
  }, [manifest, query, sql, attempt]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  // The same SQL answers the current filters even if they changed in a part it ignores.
  const settled = shown.state.status === "ready" || shown.state.status === "error";
  return { state: shown.state, filterKey: settled && shown.sql === sql ? key : shown.key, retry };
}
