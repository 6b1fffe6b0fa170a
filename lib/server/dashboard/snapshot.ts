import "server-only";
/**
 * The dashboard's first render: the publish manifest plus the headline figures and test
 * outcomes computed by the server's DuckDB over the published Parquet, with the same SQL the
 * browser runs later. The browser paints these at once and swaps to DuckDB-WASM when it has
 * compiled (about 2 s), so nobody stares at empty tiles.
 */
import { join } from "node:path";
import { loadConfig } from "@/lib/server/config";
import { readPublishedManifest } from "@/lib/server/publish";
import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import { kpiSql, sqlString, testsByModelSql } from "@/lib/shared/dashboard/sql";
import {
  toKpis,
  type DashboardSnapshot,
  type ModelTests,
  type OverviewData,
} from "@/lib/shared/dashboard/types";
import { SbdkError } from "@/lib/shared/errors";
import type { PublishManifest } from "@/lib/shared/manifest";

export type { DashboardSnapshot, OverviewData };

/** One in-memory DuckDB per publish, with a view per published table. */
let cached: { key: string; db: Promise<Warehouse> } | null = null;

async function openSnapshotDb(publishPath: string, manifest: PublishManifest): Promise<Warehouse> {
  const db = await openWarehouse(":memory:", { threads: 1 });
  for (const table of manifest.tables) {
    const file = join(publishPath, table.file);
    await db.run(`create or replace view "${table.name}" as select * from read_parquet(${sqlString(file)})`);
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
    const [kpiRows, testRows] = await Promise.all([
      db.query(kpiSql(filters)),
      db.query<ModelTests>(testsByModelSql),
    ]);
    return {
      status: "ready",
      manifest,
      kpis: toKpis(kpiRows[0]),
      tests: testRows,
      millis: Math.round(performance.now() - started),
    };
  } catch (err) {
    // A publish swapped in mid-query, or files pruned under us: the browser computes instead.
    console.warn(`dashboard snapshot: ${err instanceof Error ? err.message : String(err)}`);
    forgetSnapshotDb();
    return {
      status: "ready",
      manifest,
      kpis: null,
      tests: null,
      millis: Math.round(performance.now() - started),
    };
  }
}
