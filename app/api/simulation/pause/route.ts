import { errorResponse, readJsonBody } from "@/lib/server/http";
import { pauseSimulationJob } from "@/lib/server/simulation/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * POST /api/simulation/pause {now?: boolean}: the playing simulation stops once the day under
 * way is done (or at once with now: true; that day is redone by the next job) → 202 {run};
 * 409 when no simulation job of this server is running.
 */
export async function POST(request: Request) {
  try {
    const body = await readJsonBody(request, { stage: "simulate", example: '{"now": true}' });
    const run = pauseSimulationJob(body);
    return Response.json({ run }, { status: 202 });
  } catch (err) {
    return errorResponse(err, "POST /api/simulation/pause");
  }
}
