import { startApply } from "@/lib/server/backfills/service";
import { errorResponse, readJsonBody } from "@/lib/server/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * POST /api/backfills/<name>/apply: starts an apply (body optional: {"batch_days": 7}) →
 * 202 {apply: {id, backfill}} with the Location of its events; 400 names the bad field; 404
 * (with the known names) for an unknown backfill; 409 while a run or another job is active.
 */
export async function POST(request: Request, context: { params: Promise<{ name: string }> }) {
  try {
    const { name } = await context.params;
    const body = await readJsonBody(request, { stage: "backfill", example: '{"batch_days": 7}' });
    const apply = startApply(name, body);
    return Response.json(
      { apply },
      { status: 202, headers: { Location: `/api/backfills/applies/${apply.id}/events` } },
    );
  } catch (err) {
    return errorResponse(err, "POST /api/backfills/[name]/apply");
  }
}
