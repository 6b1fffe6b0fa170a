import { readHealth } from "@/lib/server/health";
import { errorResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/health: 200 with `status` ok or degraded (and the reasons), the warehouse, the last
 * publish and its age, the last run, the queue and the tool versions. Degraded is still 200:
 * the server answers; `status` says whether it can do its job.
 */
export async function GET() {
  try {
    return Response.json(await readHealth(), { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return errorResponse(err, "GET /api/health");
  }
}
