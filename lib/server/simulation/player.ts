import "server-only";
/**
 * What the /simulate page reads, in the app and once for the static site's replay: the
 * simulation.json of the publish folder, the day to show first with its publish manifest (its
 * snapshot's tables) and its dashboard figures, computed like the overview's first render.
 * Files only: never the warehouse, which a job may be writing.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "@/lib/server/config";
import { computeDashboardViews } from "@/lib/server/dashboard/snapshot";
import { readPublishedManifest } from "@/lib/server/publish";
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import { manifestSchema, type PublishManifest } from "@/lib/shared/manifest";
import type { SimulationDay, SimulationManifest, SimulationPageData } from "@/lib/shared/simulation";
import { readSimulationManifest } from "./snapshot";

/** The publish manifest a simulated day's dashboard reads, or null when the day has none. */
export async function readDayManifest(
  publishPath: string,
  day: SimulationDay,
): Promise<PublishManifest | null> {
  if (!day.manifest) return null;
  try {
    const parsed = manifestSchema.safeParse(
      JSON.parse(await readFile(join(publishPath, day.manifest), "utf8")),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether the dashboard's publish is still the simulation's last day (nothing published since). */
export async function isCurrent(publishPath: string, simulation: SimulationManifest): Promise<boolean> {
  const last = simulation.days.at(-1);
  if (!last?.published_at) return false;
  const live = await readPublishedManifest(publishPath).catch(() => null);
  return live?.generated_at === last.published_at;
}

/** Whether the publish folder holds a simulation to replay (the static site links its replay then). */
export async function hasSimulation(): Promise<boolean> {
  const simulation = await readSimulationManifest(loadConfig().publish_path);
  return Boolean(simulation?.days.length);
}

/**
 * The /simulate page's data: the simulation of the publish folder, the day to show first (the
 * one asked for, else the last) with its dashboard figures computed from that day's snapshot.
 */
export async function loadSimulationPage(input: {
  day: number | null;
  filters: DashboardFilters;
}): Promise<SimulationPageData> {
  const config = loadConfig();
  try {
    const simulation = await readSimulationManifest(config.publish_path);
    if (!simulation || simulation.days.length === 0) {
      return { status: "empty", publishPath: config.publish_path };
    }
    const entry = simulation.days.find((d) => d.day === input.day) ?? simulation.days.at(-1)!;
    const dayManifest = await readDayManifest(config.publish_path, entry);
    const views = dayManifest
      ? await computeDashboardViews(config.publish_path, dayManifest, input.filters)
      : null;
    return {
      status: "ready",
      simulation,
      day: entry.day,
      dayManifest,
      views,
      filters: input.filters,
      current: await isCurrent(config.publish_path, simulation),
    };
  } catch (err) {
    return { status: "error", message: err instanceof Error ? err.message : String(err) };
  }
}
