import { errorResponse } from "@/lib/server/http";
import { receiveGithubWebhook } from "@/lib/server/webhooks/github";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * POST /api/webhooks/github: a signed GitHub push to the configured branch queues a pipeline
 * run → 202 {status: "queued", run} with its Location; a ping or another event or branch →
 * 200 {status: "pong" | "ignored", reason}; 401 unsigned or wrongly signed, 409 a delivery
 * id seen before, 404 while no secret is configured (the webhook is off).
 */
export async function POST(request: Request) {
  try {
    const outcome = await receiveGithubWebhook(request);
    return Response.json(outcome.body, {
      status: outcome.status,
      headers: outcome.status === 202 ? { Location: `/api/runs/${outcome.body.run.id}` } : {},
    });
  } catch (err) {
    return errorResponse(err, "POST /api/webhooks/github");
  }
}
