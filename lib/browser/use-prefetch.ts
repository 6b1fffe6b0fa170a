"use client";
/**
 * Prepares the dashboard's figures for every filter one click away (a date preset, a tier,
 * region or model ticked or unticked, the reset) once the current ones are drawn, so that the
 * next click is answered from results already computed. DuckDB-WASM does it while the page asks
 * for nothing (query-batch.ts); each change of filters starts over from the new ones.
 */
import { useEffect } from "react";
import {
  datePresets,
  oneClickAway,
  sameFilters,
  type DashboardFilters,
} from "@/lib/shared/dashboard/filters";
import { DASHBOARD_QUERIES } from "@/lib/shared/dashboard/queries";
import { useDashboard } from "./dashboard-context";
import { loadPublishedTables } from "./published";
import { prefetch } from "./query-batch";

/** After a change, wait this long for the next one before preparing: clicks in a row prepare nothing. */
const SETTLE_MS = 100;

export function usePrefetchOneClickAway(): void {
  const { manifest, store, schema } = useDashboard();

  useEffect(() => {
    const scope = `${schema}/${manifest.generated_at}`;
    const range = manifest.date_range;
    const presets = range ? datePresets(range.start, range.end) : [];
    const published = new Set(manifest.tables.map((t) => t.name));
    // A view whose table this publish lacks says so itself; nothing of it is prepared.
    const queries = DASHBOARD_QUERIES.filter((q) => q.tables.every((t) => published.has(t)));
    const tables = [...new Set(queries.flatMap((q) => q.tables))];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let active = true;

    const prepare = (filters: DashboardFilters) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        loadPublishedTables(manifest, tables, schema).then(
          () => {
            if (!active || !sameFilters(filters, store.getState().filters)) return;
            // State by state, every statement of one, so each prepared state is answered whole.
            const statements = new Map<string, { sql: string; schema: string }>();
            for (const next of oneClickAway(filters, presets)) {
              for (const q of queries) {
                const sql = q.sql(next);
                if (!statements.has(sql)) statements.set(sql, { sql, schema });
              }
            }
            prefetch(scope, [...statements.values()]);
          },
          // A table that does not load: its views say why; nothing is prepared.
          () => undefined,
        );
      }, SETTLE_MS);
    };

    prepare(store.getState().filters);
    const unsubscribe = store.subscribe((state, previous) => {
      if (!sameFilters(state.filters, previous.filters)) {
        // What was planned for the old filters is no longer one click away.
        prefetch(scope, []);
        prepare(state.filters);
      }
    });
    return () => {
      active = false;
      clearTimeout(timer);
      unsubscribe();
      prefetch(scope, []);
    };
  }, [manifest, store, schema]);
}
