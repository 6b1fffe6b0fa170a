import { followApply } from "@/lib/server/backfills/service";
import { errorResponse } from "@/lib/server/http";
import { SSE_HEADERS } from "@/lib/server/runs/follow";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/backfills/applies/<id>/events: Server-Sent Events of an apply — `backfill` (each
 * progress event so far, then live), `log` (lines it prints) and `done` ({record, error}), after
 * which the stream ends. A finished apply answers `done` at once; an unknown id is 404.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await context.params;
    return new Response(await followApply(id, request.signal), { headers: SSE_HEADERS });
  } catch (err) {
    return errorResponse(err, "GET /api/backfills/applies/[id]/events");
  }
}
