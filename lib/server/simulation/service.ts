import "server-only";
/**
 * What the web app asks of the simulation: its state as the publish folder and the run queue
 * tell it (never the warehouse, which a job may be writing), a job that resets, steps or plays
 * it through the server's one run queue, and a pause. Routes and pages call these.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "@/lib/server/config";
import { computeDashboardViews } from "@/lib/server/dashboard/snapshot";
import { readPublishedManifest } from "@/lib/server/publish";
import { listRuns, runServices, type RunServices } from "@/lib/server/runs/service";
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import { manifestSchema, type PublishManifest } from "@/lib/shared/manifest";
import type { RunRecord, RunTrigger } from "@/lib/shared/runs";
import {
  parsePauseRequest,
  parseSimulationRequest,
  type SimulationDay,
  type SimulationManifest,
  type SimulationPageData,
  type SimulationStatus,
} from "@/lib/shared/simulation";
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
async function isCurrent(publishPath: string, simulation: SimulationManifest): Promise<boolean> {
  const last = simulation.days.at(-1);
  if (!last?.published_at) return false;
  const live = await readPublishedManifest(publishPath).catch(() => null);
  return live?.generated_at === last.published_at;
}

/** GET /api/simulation: the simulated days and whether a job is running. */
export async function simulationStatus(services: RunServices = runServices()): Promise<SimulationStatus> {
  const config = loadConfig();
  const simulation = await readSimulationManifest(config.publish_path);
  const { active, queued } = listRuns({ limit: 20 }, services);
  return {
    simulation,
    current: simulation ? await isCurrent(config.publish_path, simulation) : false,
    active,
    queued,
  };
}

/**
 * Starts a simulation job asked for over HTTP: the body is validated (invalid:simulate naming
 * the field), and the job is refused with a RunConflictError naming what runs while another
 * job (a simulation or a pipeline run) is active.
 */
export function startSimulationJob(
  body: unknown,
  trigger: RunTrigger,
  services: RunServices = runServices(),
): RunRecord {
  const params = parseSimulationRequest(body);
  return services.queue.submitJob({ kind: "simulation", params }, { trigger, whenBusy: "reject" });
}

/** Pauses the simulation job of this server (after the day under way, or `now`). */
export function pauseSimulationJob(body: unknown, services: RunServices = runServices()): RunRecord {
  const { now } = parsePauseRequest(body);
  return services.queue.pause({ now });
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
