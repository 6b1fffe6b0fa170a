import "server-only";
/**
 * The whole job: generate every day of the config into the raw tables, run `dbt build`
 * (models and their tests), publish the marts as Parquet. One writer at a time: the run
 * holds the warehouse lock throughout, and Node closes its DuckDB handle before dbt opens
 * the file.
 */
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import type { PipelineEvent } from "@/lib/shared/pipeline-events";
import { baseUsers } from "./config";
import { readManifest } from "./dbt/artifacts";
import { emptyProgress, foldProgress } from "./dbt/events";
import { checkBuild, type summarizeRun } from "./dbt/outcome";
import { dbtStateDirs, runDbt, type DbtEffects } from "./dbt/runner";
import { acquireLock, type WarehouseLock } from "./lock";
import { clearSimulation } from "./simulation/state";
import { publish, type PublishResult } from "./publish";
import { RAW_SCHEMA, RAW_TABLE_NAMES, type RawTable } from "./warehouse/schema";
import { openWarehouse, type Warehouse } from "./warehouse/duckdb";
import { ensureRawSchema, loadDays } from "./warehouse/load";

export { PIPELINE_STAGES, type PipelineEvent, type PipelineStage } from "@/lib/shared/pipeline-events";

export interface RawStats {
  rows: Record<RawTable, number>;
  users: number;
  regions: number;
  /** Share of users with at least one generation. */
  activeShare: number;
  dateRange: { start: string; end: string } | null;
}

export interface PipelineResult {
  raw: RawStats;
  timings: { generate: number; load: number; dbt: number; publish: number; total: number };
  dbt: ReturnType<typeof summarizeRun>;
  publish: PublishResult;
  /** Failing tests do not stop a publish (the quality page shows them), but the run reports them. */
  failedTests: { name: string; failures: number | null }[];
}

export interface PipelineOptions {
  onEvent?: (event: PipelineEvent) => void;
  signal?: AbortSignal;
  /** Replace dbt's process spawner (tests). */
  dbtEffects?: Partial<DbtEffects>;
  /** The warehouse lock, when the caller took it already (released when the run ends). */
  lock?: WarehouseLock;
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Deletes raw rows outside [firstDate, lastDate] (left by an earlier run over other days), in one transaction. */
export async function dropDaysOutside(db: Warehouse, firstDate: string, lastDate: string): Promise<void> {
  await db.run(
    [
      "begin transaction;",
      ...RAW_TABLE_NAMES.map(
        (t) =>
          `delete from ${RAW_SCHEMA}.${t} where batch_date not between date '${firstDate}' and date '${lastDate}';`,
      ),
      "commit;",
    ].join("\n"),
  );
}

export async function readRawStats(db: Warehouse): Promise<RawStats> {
  const rows = {} as Record<RawTable, number>;
  for (const t of RAW_TABLE_NAMES) {
    const [r] = await db.query<{ n: number }>(`select count(*)::bigint as n from ${RAW_SCHEMA}.${t}`);
    rows[t] = r?.n ?? 0;
  }
  const [u] = await db.query<{ users: number; regions: number; active: number }>(`
    select count(*)::bigint as users,
           count(distinct region)::bigint as regions,
           (select count(distinct user_id) from ${RAW_SCHEMA}.raw_generations)::bigint as active
    from ${RAW_SCHEMA}.raw_users`);
  const [range] = await db.query<{ start: string | null; end: string | null }>(
    `select min(batch_date) as start, max(batch_date) as "end" from ${RAW_SCHEMA}.raw_users`,
  );
  const users = u?.users ?? 0;
  return {
    rows,
    users,
    regions: u?.regions ?? 0,
    activeShare: users ? (u?.active ?? 0) / users : 0,
    dateRange: range?.start && range.end ? { start: range.start, end: range.end } : null,
  };
}

export async function runPipeline(config: Config, options: PipelineOptions = {}): Promise<PipelineResult> {
  const emit = options.onEvent ?? (() => {});
  const lock = options.lock ?? acquireLock(config.duckdb_path, "pipeline run");
  const t0 = performance.now();
  try {
    // Generate and load, day by day, in one Node handle; each day is replaced atomically.
    let generateSeconds = 0;
    let loadSeconds = 0;
    let raw: RawStats;
    emit({ type: "stage", stage: "generate", status: "started" });
    emit({ type: "stage", stage: "load", status: "started" });
    const db = await openWarehouse(config.duckdb_path);
    try {
      await ensureRawSchema(db);
      // This run rewrites every day, so a day-by-day simulation the warehouse held is over.
      await clearSimulation(db);
      // Days beyond this config's range (from an earlier, longer run) are not part of this warehouse.
      await dropDaysOutside(db, config.start_date, addDays(config.start_date, config.days - 1));
      const params = {
        seed: config.seed,
        baseUsers: baseUsers(config),
        startDate: config.start_date,
        growth: config.growth,
      };
      // A cancel stops the load before its first day or after any day (the days loaded stay).
      const stopIfCancelled = () => {
        if (options.signal?.aborted) throw new SbdkError("failed:pipeline", "the run was cancelled");
      };
      stopIfCancelled();
      const loaded = await loadDays(db, params, config.days, (stats) => {
        emit({
          type: "day",
          day: stats.day,
          days: config.days,
          date: stats.batchDate,
          rows: stats.totalRows,
          generateSeconds: stats.generateMs / 1000,
          loadSeconds: stats.loadMs / 1000,
        });
        stopIfCancelled();
      });
      generateSeconds = loaded.generateMs / 1000;
      loadSeconds = loaded.loadMs / 1000;
      raw = await readRawStats(db);
    } finally {
      db.close();
    }
    emit({ type: "stage", stage: "generate", status: "finished", seconds: generateSeconds });
    emit({ type: "stage", stage: "load", status: "finished", seconds: loadSeconds });

    // dbt: a full refresh, since every day of the raw data was just rewritten.
    emit({ type: "stage", stage: "dbt", status: "started" });
    let progress = emptyProgress();
    const invocation = await runDbt({
      config,
      args: ["build", "--full-refresh"],
      onEvent: (event) => {
        progress = foldProgress(progress, event);
        emit({ type: "dbt", event, progress });
      },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.dbtEffects ? { effects: options.dbtEffects } : {}),
    });
    emit({ type: "stage", stage: "dbt", status: "finished", seconds: invocation.seconds });
    const { results, summary } = checkBuild(invocation);

    emit({ type: "stage", stage: "publish", status: "started" });
    const manifest = await readManifest(dbtStateDirs(config).targetPath);
    const published = await publish({
      config,
      runResults: results,
      manifest,
      onTable: (table) => emit({ type: "table", table }),
    });
    emit({ type: "stage", stage: "publish", status: "finished", seconds: published.seconds });

    const failedTests = results.results
      .filter((r) => r.unique_id.startsWith("test.") && (r.status === "fail" || r.status === "error"))
      .map((r) => ({ name: manifest.nodes[r.unique_id]?.name ?? r.unique_id, failures: r.failures ?? null }));
    return {
      raw,
      timings: {
        generate: generateSeconds,
        load: loadSeconds,
        dbt: invocation.seconds,
        publish: published.seconds,
        total: (performance.now() - t0) / 1000,
      },
      dbt: summary,
      publish: published,
      failedTests,
    };
  } finally {
    lock.release();
  }
}
