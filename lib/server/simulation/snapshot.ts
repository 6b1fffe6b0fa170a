import "server-only";
/**
 * Per-day snapshots of a simulation in the publish folder, so the browser can replay it with no
 * server: after day D is published, the small metric tables as they stand that day
 * (daily_metrics, weekly_growth, tier_summary) and the day summaries so far become Parquet in
 * simulation/<simulation id>/day-DDDD/, and simulation.json lists every day with its files.
 * Each day's folder appears whole (written aside, then renamed), and simulation.json is swapped
 * by rename, so a reader sees the days before or after, never half a day.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import {
  DAY_SUMMARIES_TABLE,
  SIMULATION_DIR,
  SIMULATION_MANIFEST_FILE,
  SIMULATION_MANIFEST_VERSION,
  SNAPSHOT_METRIC_TABLES,
  simulationManifestSchema,
  type DaySummary,
  type SimulationManifest,
  type SnapshotFile,
} from "@/lib/shared/simulation";
import { FLOAT_DIGITS, publishedSelectSql, sha256File, writeParquet } from "@/lib/server/publish";
import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { DAY_SUMMARY_COLUMNS, DAYS_TABLE, type SimulationState } from "./state";

export interface DaySnapshotInput {
  config: Config;
  simulation: Pick<SimulationState, "simulationId" | "seed" | "baseUsers" | "startDate" | "growth">;
  /** The day just published. */
  summary: DaySummary;
  now?: () => Date;
}

export interface DaySnapshotResult {
  manifest: SimulationManifest;
  seconds: number;
}

/** The folder of a day's snapshot, relative to the publish folder. */
export function snapshotDir(simulationId: string, day: number): string {
  return `${SIMULATION_DIR}/${simulationId}/day-${String(day).padStart(4, "0")}`;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

async function describe(
  db: Warehouse,
  publishPath: string,
  name: string,
  file: string,
): Promise<SnapshotFile> {
  const path = join(publishPath, file);
  const [count] = await db.query<{ n: number }>(
    `select count(*)::bigint as n from read_parquet(${sqlString(path)})`,
  );
  return { name, file, rows: count?.n ?? 0, bytes: (await stat(path)).size, sha256: await sha256File(path) };
}

/** Reads simulation.json of a publish folder, or null when there is none (or it is unreadable). */
export async function readSimulationManifest(publishPath: string): Promise<SimulationManifest | null> {
  let text: string;
  try {
    text = await readFile(join(publishPath, SIMULATION_MANIFEST_FILE), "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = simulationManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Writes day `summary.day`'s snapshot and lists it in simulation.json, replacing the day if it
 * was there and dropping later days (a re-run day is the simulation's latest). The day's dbt
 * build and its summary row must be in the warehouse.
 */
export async function writeDaySnapshot(input: DaySnapshotInput): Promise<DaySnapshotResult> {
  const started = performance.now();
  const { config, simulation, summary } = input;
  const now = input.now ?? (() => new Date());
  const publishPath = config.publish_path;
  const dayDir = snapshotDir(simulation.simulationId, summary.day);
  const simulationDir = join(publishPath, SIMULATION_DIR, simulation.simulationId);
  const tmpDir = join(simulationDir, `.day-${summary.day}.${process.pid}.tmp`);
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });

  const files: SnapshotFile[] = [];
  const db = await openWarehouse(":memory:");
  try {
    await db.run(`attach ${sqlString(config.duckdb_path)} as wh (read_only)`);
    const selects: Array<[string, string]> = [];
    for (const table of SNAPSHOT_METRIC_TABLES) {
      const [exists] = await db.query<{ n: number }>(
        `select count(*)::bigint as n from information_schema.tables
         where table_catalog = 'wh' and table_schema = 'metrics' and table_name = ${sqlString(table)}`,
      );
      if (!exists?.n) {
        throw new SbdkError("failed:publish", `the warehouse has no metrics.${table} to snapshot`, {
          hint: "the dbt project must build it; run `sbdk simulate` again after fixing the project",
        });
      }
      selects.push([table, await publishedSelectSql(db, "wh", "metrics", table, "all")]);
    }
    const summaryColumns = DAY_SUMMARY_COLUMNS.map((c) =>
      c === "success_rate" ? `round(${c}, ${FLOAT_DIGITS}) as ${c}` : c,
    ).join(", ");
    selects.push([
      DAY_SUMMARIES_TABLE,
      `select ${summaryColumns} from wh.${DAYS_TABLE.schema}.${DAYS_TABLE.table}
       where day <= ${summary.day} order by day`,
    ]);
    for (const [name, select] of selects) {
      await writeParquet(db, select, join(tmpDir, `${name}.parquet`));
    }
    const finalDir = join(publishPath, dayDir);
    await rm(finalDir, { recursive: true, force: true });
    await rename(tmpDir, finalDir);
    for (const [name] of selects) {
      files.push(await describe(db, publishPath, name, `${dayDir}/${name}.parquet`));
    }
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    throw err;
  } finally {
    db.close();
  }

  const previous = await readSimulationManifest(publishPath);
  const earlierDays =
    previous?.simulation_id === simulation.simulationId
      ? previous.days.filter((d) => d.day < summary.day)
      : [];
  const manifest: SimulationManifest = simulationManifestSchema.parse({
    manifest_version: SIMULATION_MANIFEST_VERSION,
    simulation_id: simulation.simulationId,
    seed: simulation.seed,
    base_users: simulation.baseUsers,
    start_date: simulation.startDate,
    growth: simulation.growth,
    generated_at: now().toISOString(),
    days: [...earlierDays, { day: summary.day, date: summary.date, summary, files }],
  });
  const tmp = join(publishPath, `.${SIMULATION_MANIFEST_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + "\n");
  await rename(tmp, join(publishPath, SIMULATION_MANIFEST_FILE));
  await pruneSnapshots(publishPath, manifest, previous);
  return { manifest, seconds: (performance.now() - started) / 1000 };
}

/**
 * Removes what simulation.json no longer lists: day folders of the current simulation beyond
 * its days and left by killed writes, and the folders of simulations older than the previous
 * one (a reader may still be loading the previous one).
 */
async function pruneSnapshots(
  publishPath: string,
  manifest: SimulationManifest,
  previous: SimulationManifest | null,
): Promise<void> {
  const root = join(publishPath, SIMULATION_DIR);
  const keep = new Set([manifest.simulation_id, previous?.simulation_id]);
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && !keep.has(entry.name)) {
      await rm(join(root, entry.name), { recursive: true, force: true });
    }
  }
  const listed = new Set(
    manifest.days.map((d) => snapshotDir(manifest.simulation_id, d.day).split("/").pop()),
  );
  const current = join(root, manifest.simulation_id);
  for (const entry of await readdir(current, { withFileTypes: true })) {
    if (!listed.has(entry.name) && !entry.name.startsWith(`.day-`)) {
      await rm(join(current, entry.name), { recursive: true, force: true });
    } else if (entry.name.startsWith(".day-") && !entry.name.includes(`.${process.pid}.`)) {
      await rm(join(current, entry.name), { recursive: true, force: true });
    }
  }
}
