import "server-only";
/**
 * How route handlers answer errors: an SbdkError becomes its status with `{ error: { code,
 * message, field?, hint? } }`; anything else is logged on the server and answered 500 with a
 * generic message, never a stack trace.
 */
import { SbdkError, isSbdkError } from "@/lib/shared/errors";
import { RunConflictError } from "./runs/queue";

export function errorResponse(err: unknown, where: string): Response {
  if (err instanceof RunConflictError) {
    return Response.json(
      { error: err.toJSON(), activeRunId: err.activeRunId, activeKind: err.activeKind },
      { status: err.status },
    );
  }
  if (isSbdkError(err)) return Response.json({ error: err.toJSON() }, { status: err.status });
  console.error(`sbdk: ${where} failed`, err);
  return Response.json(
    {
      error: {
        code: "failed:runs",
        message: "the server failed to answer this request",
        hint: "the server's log has the details; try again",
      },
    },
    { status: 500 },
  );
}

const MAX_BODY_BYTES = 16 * 1024;

/** What an empty body means, per kind of request, for the hint of a malformed one. */
const WITHOUT_BODY = {
  runs: ", or nothing to use the server's config",
  backfill: ", or nothing for the defaults",
  simulate: "",
} as const;

/**
 * The bytes of a request body, at most `maxBytes`: a longer body is refused with `tooLarge()`
 * as soon as it is known to be longer (from Content-Length, or while reading), never read whole.
 */
export async function readRawBody(
  request: Request,
  maxBytes: number,
  tooLarge: () => SbdkError,
): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The JSON body of a request; undefined when it is empty. Bad JSON is invalid:<stage> on "body";
 * `example` is a body the hint shows.
 */
export async function readJsonBody(
  request: Request,
  {
    stage = "runs",
    example = '{"seed": 7}',
  }: { stage?: "runs" | "backfill" | "simulate"; example?: string } = {},
): Promise<unknown> {
  const raw = await readRawBody(
    request,
    MAX_BODY_BYTES,
    () =>
      new SbdkError(`invalid:${stage}`, `the body is larger than ${MAX_BODY_BYTES} bytes`, {
        field: "body",
        hint: `send a small JSON object such as ${example}`,
      }),
  );
  const text = raw.toString("utf8");
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SbdkError(`invalid:${stage}`, `the body is not valid JSON: ${(err as Error).message}`, {
      field: "body",
      hint: `send a JSON object such as ${example}${WITHOUT_BODY[stage]}`,
    });
  }
}
