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

/**
 * The JSON body of a request; undefined when it is empty. Bad JSON is invalid:<stage> (runs by
 * default) on "body".
 */
export async function readJsonBody(request: Request, stage: "runs" | "simulate" = "runs"): Promise<unknown> {
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) {
    throw new SbdkError(`invalid:${stage}`, `the body is larger than ${MAX_BODY_BYTES} bytes`, {
      field: "body",
      hint: 'send a small JSON object such as {"seed": 7}',
    });
  }
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SbdkError(`invalid:${stage}`, `the body is not valid JSON: ${(err as Error).message}`, {
      field: "body",
      hint:
        stage === "simulate"
          ? 'send a JSON object such as {"action": "step"} or {"action": "play", "days": 7}'
          : 'send a JSON object such as {"seed": 7}, or nothing to use the server\'s config',
    });
  }
}
