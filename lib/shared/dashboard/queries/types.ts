import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import type { DashboardTable } from "@/lib/shared/dashboard/constants";
import type { PlainRow } from "@/lib/shared/rows";

/** One query of a view: the tables it reads (loaded into DuckDB-WASM first), its SQL, its rows. */
export interface ViewQuery<T> {
  id: string;
  tables: readonly DashboardTable[];
  sql(filters: DashboardFilters): string;
  rows(rows: PlainRow[]): T;
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));

/** The dbt models a query reads (its tables, less the test results). */
export function modelsOf(query: { tables: readonly DashboardTable[] }): string[] {
  return query.tables.filter((t) => t !== "dbt_test_results");
}
