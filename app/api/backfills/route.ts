import { listBackfills } from "@/lib/server/backfills/service";
import { errorResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/backfills: every backfill with its status (read from the warehouse) and last apply,
 * the apply log, and the apply running now; `unavailable` says why the statuses are missing
 * (a job is writing the warehouse, or there is none yet).
 */
export async function GET() {
  try {
    return Response.json(await listBackfills());
  } catch (err) {
    return errorResponse(err, "GET /api/backfills");
  }
}
