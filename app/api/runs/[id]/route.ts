import { errorResponse } from "@/lib/server/http";
import { getRun } from "@/lib/server/runs/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/runs/<id>: the run's record and the end of its log; 404 for an unknown id. */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await context.params;
    return Response.json(getRun(id));
  } catch (err) {
    return errorResponse(err, "GET /api/runs/[id]");
  }
}
