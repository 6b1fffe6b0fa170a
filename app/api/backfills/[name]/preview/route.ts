import { getPreview } from "@/lib/server/backfills/service";
import { errorResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/backfills/<name>/preview?batch_days=7: the dry run, which writes nothing → 200 with
 * the rows and days it would fill, null share, samples, distribution, dbt plan and estimate;
 * 404 (with the known names) for an unknown backfill; 409 while a job writes the warehouse.
 */
export async function GET(request: Request, context: { params: Promise<{ name: string }> }) {
  try {
    const { name } = await context.params;
    return Response.json(await getPreview(name, new URL(request.url).searchParams));
  } catch (err) {
    return errorResponse(err, "GET /api/backfills/[name]/preview");
  }
}
