import "server-only";
/**
 * What the web app asks of the simulation: its state as the publish folder and the run queue
 * tell it (never the warehouse, which a job may be writing), a job that resets, steps or plays
 * it through the server's one run queue, and a pause. Routes call these.
 */
import { loadConfig } from "@/lib/server/config";
import { listRuns, runServices, type RunServices } from "@/lib/server/runs/service";
import type { RunRecord, RunTrigger } from "@/lib/shared/runs";
import { parsePauseRequest, parseSimulationRequest, type SimulationStatus } from "@/lib/shared/simulation";
import { isCurrent } from "./player";
import { readSimulationManifest } from "./snapshot";

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
