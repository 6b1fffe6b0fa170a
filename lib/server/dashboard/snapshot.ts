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
 * others as views over their Parquet.
 */
let cached: { key: string; db: Promise<Warehouse> } | null = null;

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
  const key = `${publishPath}\n${manifest.generated_at}`;
  if (cached?.key !== key) {
    const previous = cached;
    cached = { key, db: openSnapshotDb(publishPath, manifest) };
    cached.db.catch(() => {
      if (cached?.key === key) cached = null;
    });
    previous?.db.then((db) => db.close()).catch(() => undefined);
  }
  return cached.db;
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
  cached = null;
}

export async function loadDashboardSnapshot(filters: DashboardFilters): Promise<DashboardSnapshot> {
  const config = loadConfig();
  const manifest = await readPublishedManifest(config.publish_path);
  if (!manifest) return { status: "missing", publishPath: config.publish_path };
  const started = performance.now();
  try {
    const db = await snapshotDb(config.publish_path, manifest);
    const views: ViewResults = {};
    for (const query of DASHBOARD_QUERIES) {
      views[query.id] = query.rows(await db.query(query.sql(filters)));
    }
    return { status: "ready", manifest, views, millis: Math.round(performance.now() - started) };
  } catch (err) {
    // A publish without the dashboard's tables (made before they existed), or one swapped in
    // mid-query: the browser computes instead, and says what is missing.
    console.warn(`dashboard snapshot: ${err instanceof Error ? err.message : String(err)}`);
    forgetSnapshotDb();
    return { status: "ready", manifest, views: null, millis: Math.round(performance.now() - started) };
  }
}
