import { z } from "zod";
import { errorResponse, readJsonBody } from "@/lib/server/http";
import { listRuns, startRun } from "@/lib/server/runs/service";
import { SbdkError } from "@/lib/shared/errors";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/**
 * POST /api/runs: starts a pipeline run → 202 {run} with its Location; 400 for a bad body
 * (the field and the problem); 409 {error, activeRunId} while another run is active.
 */
export async function POST(request: Request) {
  try {
    const body = await readJsonBody(request);
    // Browsers say where a request comes from; scripts and webhooks do not.
    const trigger = request.headers.get("sec-fetch-site") ? "browser" : "api";
    const run = startRun(body, trigger);
    return Response.json({ run }, { status: 202, headers: { Location: `/api/runs/${run.id}` } });
  } catch (err) {
    return errorResponse(err, "POST /api/runs");
  }
}

/** GET /api/runs?limit=50: the newest runs first, and the active one. */
export function GET(request: Request) {
  try {
    const parsed = listQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      throw new SbdkError("invalid:runs", '"limit": expected a whole number from 1 to 500', {
        field: "limit",
        hint: "use ?limit=50",
      });
    }
    return Response.json(listRuns({ limit: parsed.data.limit }));
  } catch (err) {
    return errorResponse(err, "GET /api/runs");
  }
}
