import { errorResponse } from "@/lib/server/http";
import { SSE_HEADERS } from "@/lib/server/runs/follow";
import { followRunEvents } from "@/lib/server/runs/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/runs/<id>/events: Server-Sent Events — `run` (the record), `pipeline` (each event so
 * far, then live ones), `log` (lines the run prints, while it runs), and `done` with the final
 * record, after which the stream ends. A finished run is replayed and ends at once.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await context.params;
    return new Response(followRunEvents(id, request.signal), { headers: SSE_HEADERS });
  } catch (err) {
    return errorResponse(err, "GET /api/runs/[id]/events");
  }
}
