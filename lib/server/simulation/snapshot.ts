import "server-only";
/**
 * Per-day snapshots of a simulation in the publish folder, so the browser can replay it with no
 * server: after day D is published, the small metric tables as published that day
 * (daily_metrics, weekly_growth, tier_summary), the dashboard's tables (its aggregates and the
 * test results), the day summaries so far and the day's publish manifest restricted to those
 * tables are kept in simulation/<simulation id>/day-DDDD/, and simulation.json lists every day
 * with its files. The dashboard of day D is then drawn by its own queries over that folder.
 * Each day's folder appears whole (written aside, then renamed), and simulation.json is swapped
 * by rename, so a reader sees the days before or after, never half a day.
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import { manifestSchema, type PublishManifest, type PublishedTable } from "@/lib/shared/manifest";
import {
  DAY_MANIFEST_FILE,
  DAY_SUMMARIES_TABLE,
  SIMULATION_DIR,
  SIMULATION_MANIFEST_FILE,
  SIMULATION_MANIFEST_VERSION,
  SNAPSHOT_METRIC_TABLES,
  SNAPSHOT_TABLES,
  simulationManifestSchema,
  type DaySummary,
  type SimulationManifest,
  type SnapshotFile,
} from "@/lib/shared/simulation";
import { FLOAT_DIGITS, sha256File, writeParquet } from "@/lib/server/publish";
import { openWarehouse } from "@/lib/server/warehouse/duckdb";
import type { SimulationState } from "./state";

export interface DaySnapshotInput {
  config: Config;
  simulation: Pick<SimulationState, "simulationId" | "seed" | "baseUsers" | "startDate" | "growth">;
  /** The day's publish: its metric tables are the snapshot's. */
  published: PublishManifest;
  /** The summaries of every day so far, the day just published last. */
  summaries: readonly DaySummary[];
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

/** The day summaries as a Parquet file: one row per day, in order (no timings: equal days, equal bytes). */
async function writeDaySummaries(summaries: readonly DaySummary[], file: string): Promise<number> {
  const db = await openWarehouse(":memory:");
  try {
    await db.run(`create table day_summaries (
      day integer, date_day varchar, new_users bigint, total_users bigint, active_users bigint,
      sessions bigint, generations bigint, successful_generations bigint, success_rate double,
      orders bigint, revenue_usd double, tests_passed integer, tests_failed integer,
      tests_warned integer)`);
    const column = <T>(pick: (d: DaySummary) => T) => summaries.map(pick);
    await db.appendColumns("day_summaries", [
      column((d) => d.day),
      column((d) => d.date),
      column((d) => d.new_users),
      column((d) => d.total_users),
      column((d) => d.active_users),
      column((d) => d.sessions),
      column((d) => d.generations),
      column((d) => d.successful_generations),
      column((d) => d.success_rate),
      column((d) => d.orders),
      column((d) => d.revenue_usd),
      column((d) => d.tests?.passed ?? null),
      column((d) => d.tests?.failed ?? null),
      column((d) => d.tests?.warned ?? null),
    ]);
    await writeParquet(
      db,
      `select * replace (
         date_day::date as date_day,
         round(success_rate, ${FLOAT_DIGITS}) as success_rate,
         revenue_usd::decimal(18, 2) as revenue_usd
       ) from day_summaries order by day`,
      file,
    );
    return summaries.length;
  } finally {
    db.close();
  }
}

/**
 * Writes the snapshot of the day just published (the last of `summaries`) and lists it in
 * simulation.json, replacing the day if it was there and dropping later ones (a re-run day is
 * the simulation's latest). The metric tables are the publish's own files, copied: the
 * snapshot of a day is exactly what the dashboard showed that day.
 */
export async function writeDaySnapshot(input: DaySnapshotInput): Promise<DaySnapshotResult> {
  const started = performance.now();
  const { config, simulation, published, summaries } = input;
  const summary = summaries.at(-1);
  if (!summary) throw new Error("writeDaySnapshot needs the summary of the day");
  const now = input.now ?? (() => new Date());
  const publishPath = config.publish_path;
  const dayDir = snapshotDir(simulation.simulationId, summary.day);
  const simulationDir = join(publishPath, SIMULATION_DIR, simulation.simulationId);
  const tmpDir = join(simulationDir, `.day-${summary.day}.${process.pid}.tmp`);
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });

  const files: SnapshotFile[] = [];
  const dayTables: PublishedTable[] = [];
  const metricTables = new Set<string>(SNAPSHOT_METRIC_TABLES);
  try {
    for (const name of SNAPSHOT_TABLES) {
      const table = published.tables.find(
        (t) => t.name === name && (!metricTables.has(name) || t.layer === "metrics"),
      );
      if (!table) {
        throw new SbdkError("failed:publish", `the publish has no table ${name} to snapshot`, {
          hint: "the dbt project must build it; run `sbdk simulate` again after fixing the project",
        });
      }
      const file = `${dayDir}/${name}.parquet`;
      await copyFile(join(publishPath, table.file), join(tmpDir, `${name}.parquet`));
      files.push({ name, file, rows: table.rows, bytes: table.bytes, sha256: table.sha256 });
      dayTables.push({ ...table, file });
    }
    // The day's publish as the dashboard reads it: its tables here (paths relative to the
    // publish folder, as in manifest.json), its tests and lineage as built that day.
    const dayManifest: PublishManifest = manifestSchema.parse({ ...published, tables: dayTables });
    await writeFile(join(tmpDir, DAY_MANIFEST_FILE), JSON.stringify(dayManifest, null, 2) + "\n");
    const summariesFile = join(tmpDir, `${DAY_SUMMARIES_TABLE}.parquet`);
    const rows = await writeDaySummaries(summaries, summariesFile);
    files.push({
      name: DAY_SUMMARIES_TABLE,
      file: `${dayDir}/${DAY_SUMMARIES_TABLE}.parquet`,
      rows,
      bytes: (await stat(summariesFile)).size,
      sha256: await sha256File(summariesFile),
    });
    const finalDir = join(publishPath, dayDir);
    await rm(finalDir, { recursive: true, force: true });
    await rename(tmpDir, finalDir);
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    throw err;
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
    days: [
      ...earlierDays,
      {
        day: summary.day,
        date: summary.date,
        summary,
        files,
        manifest: `${dayDir}/${DAY_MANIFEST_FILE}`,
        published_at: published.generated_at,
      },
    ],
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
