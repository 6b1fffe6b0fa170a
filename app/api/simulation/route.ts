import { errorResponse, readJsonBody } from "@/lib/server/http";
import { simulationStatus, startSimulationJob } from "@/lib/server/simulation/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/simulation: the simulated days (simulation.json), whether they are current, the active job. */
export async function GET() {
  try {
    return Response.json(await simulationStatus());
  } catch (err) {
    return errorResponse(err, "GET /api/simulation");
  }
}

/**
 * POST /api/simulation {action: "reset" | "step" | "play", days?, seed?, seconds_per_day?}:
 * queues a simulation job → 202 {run} with its Location (follow it at /api/runs/<id>/events);
 * 400 for a bad body (the field and the problem); 409 {error, activeRunId, activeKind} while a
 * simulation or a pipeline run is active.
 */
export async function POST(request: Request) {
  try {
    const body = await readJsonBody(request, { stage: "simulate", example: '{"action": "play", "days": 7}' });
    const trigger = request.headers.get("sec-fetch-site") ? "browser" : "api";
    const run = startSimulationJob(body, trigger);
    return Response.json({ run }, { status: 202, headers: { Location: `/api/runs/${run.id}` } });
  } catch (err) {
    return errorResponse(err, "POST /api/simulation");
  }
}
