import { z } from "zod";
import { openPublishedFile } from "@/lib/server/dashboard/published-files";
import { errorResponse } from "@/lib/server/http";
import { SbdkError } from "@/lib/shared/errors";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ path: z.array(z.string().min(1)).min(1).max(4) });

/** GET /published/<file>: manifest.json and the Parquet files of the current publish. */
export async function GET(_request: Request, context: { params: Promise<unknown> }) {
  const parsed = paramsSchema.safeParse(await context.params);
  if (!parsed.success) return Response.json({ error: "not found" }, { status: 404 });
  try {
    const file = await openPublishedFile(parsed.data.path);
    return new Response(file.body, { headers: file.headers });
  } catch (err) {
    if (err instanceof SbdkError) return Response.json(err.toJSON(), { status: err.status });
    return errorResponse(err, "GET /published/[...path]");
  }
}
