import { z } from "zod";
import { openEngineFile } from "@/lib/server/dashboard/engine-files";
import { SbdkError } from "@/lib/shared/errors";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ file: z.string().regex(/^[\w.-]+$/) });

/** GET /engine/<file>: the DuckDB-WASM and parquet-wasm bundles, served from our own origin. */
export async function GET(request: Request, context: { params: Promise<unknown> }) {
  const parsed = paramsSchema.safeParse(await context.params);
  if (!parsed.success) return Response.json({ error: "not found" }, { status: 404 });
  try {
    const file = await openEngineFile(parsed.data.file, request.headers.get("if-none-match"));
    return new Response(file.body, { status: file.status, headers: file.headers });
  } catch (err) {
    if (err instanceof SbdkError) return Response.json(err.toJSON(), { status: err.status });
    throw err;
  }
}
