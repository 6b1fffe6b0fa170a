import "server-only";
/**
 * The dashboard's first render: the publish manifest plus the results of every query of the
 * page (headline figures, every chart, the test outcomes), computed by the server's DuckDB over
 * the published aggregate tables with the same SQL the browser runs later. The browser paints
 * these at once and swaps to DuckDB-WASM results when it has compiled (2 s or more), so nobody
 * stares at empty tiles or charts.
 */
import { join } from "node:path";
import { loadConfig } from "@/lib/server/config";
import { readPublishedManifest } from "@/lib/server/publish";
import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { DASHBOARD_TABLES } from "@/lib/shared/dashboard/constants";
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import { DASHBOARD_QUERIES } from "@/lib/shared/dashboard/queries";
import { sqlString } from "@/lib/shared/dashboard/sql";
import type { DashboardSnapshot, OverviewData, ViewResults } from "@/lib/shared/dashboard/types";
import { SbdkError } from "@/lib/shared/errors";
import type { PublishManifest } from "@/lib/shared/manifest";

export type { DashboardSnapshot, OverviewData };

/**
 * One in-memory DuckDB per publish with every published table: the dashboard's as tables (a
 * few MB at a million sessions, read once rather than from Parquet on every request), the
 * others as views over their Parquet. A few are kept: the current publish, and the days of a
 * simulation the player shows.
 */
const CACHED_DBS = 3;
const cached = new Map<string, Promise<Warehouse>>();

async function openSnapshotDb(publishPath: string, manifest: PublishManifest): Promise<Warehouse> {
  const db = await openWarehouse(":memory:", { threads: 1 });
  try {
    const dashboard = new Set<string>(DASHBOARD_TABLES);
    for (const table of manifest.tables) {
      const kind = dashboard.has(table.name) ? "table" : "view";
      const files = (table.parts?.map((part) => part.file) ?? [table.file]).map((f) =>
        sqlString(join(publishPath, f)),
      );
      await db.run(`create ${kind} "${table.name}" as select * from read_parquet([${files.join(", ")}])`);
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * The in-memory DuckDB over a publish (a view per published table), opened once per publish and
 * shared by the pages that read it (the dashboard's first render, the quality report).
 */
export function snapshotDb(publishPath: string, manifest: PublishManifest): Promise<Warehouse> {
  const key = `${publishPath}\n${manifest.generated_at}\n${manifest.tables.map((t) => t.file).join(",")}`;
  let db = cached.get(key);
  if (db) {
    // Most recently used last.
    cached.delete(key);
    cached.set(key, db);
    return db;
  }
  db = openSnapshotDb(publishPath, manifest);
  cached.set(key, db);
  db.catch(() => {
    if (cached.get(key) === db) cached.delete(key);
  });
  while (cached.size > CACHED_DBS) {
    const [oldest, old] = cached.entries().next().value!;
    cached.delete(oldest);
    old.then((d) => d.close()).catch(() => undefined);
  }
  return db;
}

/**
 * Every query of the dashboard for `filters` over a publish (or a simulated day's snapshot, whose
 * manifest lists its files): the first-render figures. Null when they cannot be computed (a
 * publish without the dashboard's tables, or one swapped mid-query); the browser then does.
 */
export async function computeDashboardViews(
  publishPath: string,
  manifest: PublishManifest,
  filters: DashboardFilters,
): Promise<ViewResults | null> {
  try {
    const db = await snapshotDb(publishPath, manifest);
    const views: ViewResults = {};
    for (const query of DASHBOARD_QUERIES) {
      try {
        views[query.id] = query.rows(await db.query(query.sql(filters)));
      } catch (err) {
        // A publish made before one of the dashboard's tables existed: that view is computed
        // (and explained) in the browser; the others still paint first.
        if (!query.tables.some((t) => !manifest.tables.some((p) => p.name === t))) throw err;
      }
    }
    return views;
  } catch (err) {
    console.warn(`dashboard snapshot: ${err instanceof Error ? err.message : String(err)}`);
    forgetSnapshotDb();
    return null;
  }
}

export async function loadOverview(filters: DashboardFilters): Promise<OverviewData> {
  try {
    const snapshot = await loadDashboardSnapshot(filters);
    return snapshot.status === "ready" ? { ...snapshot, filters } : snapshot;
  } catch (err) {
    return {
      status: "error",
      message: err instanceof Error ? err.message : String(err),
      hint: err instanceof SbdkError ? err.hint : undefined,
    };
  }
}

/**
 * Forgets the cached DuckDB after a failed read (a publish swapped or pruned under it), so the
 * next request opens a fresh one. Not closed here: another request may still be reading it.
 */
export function forgetSnapshotDb(): void {
  cached.clear();
}

export async function loadDashboardSnapshot(filters: DashboardFilters): Promise<DashboardSnapshot> {
  const config = loadConfig();
  const manifest = await readPublishedManifest(config.publish_path);
  if (!manifest) return { status: "missing", publishPath: config.publish_path };
  const started = performance.now();
  // A publish without the dashboard's tables (made before they existed), or one swapped in
  // mid-query, has no views: the browser computes instead, and says what is missing.
  const views = await computeDashboardViews(config.publish_path, manifest, filters);
  return { status: "ready", manifest, views, millis: Math.round(performance.now() - started) };
}
