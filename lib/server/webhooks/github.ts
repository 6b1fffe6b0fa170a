import "server-only";
/**
 * GitHub's push webhook: a push to the configured branch queues a pipeline run. Every request
 * must carry X-Hub-Signature-256, the HMAC-SHA256 of its raw body with the shared secret
 * (compared in constant time), and a delivery id not seen before; anything else starts nothing.
 * With no secret configured the endpoint is off. Settings come from the environment:
 * SBDK_WEBHOOK_SECRET (the secret; empty or unset: off) and SBDK_WEBHOOK_BRANCH (default main).
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { SbdkError } from "@/lib/shared/errors";
import type { RunRecord } from "@/lib/shared/runs";
import { loadConfig } from "../config";
import { readRawBody } from "../http";
import { getRunQueue, type RunQueue } from "../runs/queue";
import { RunStore } from "../runs/store";
import { DELIVERY_ID_PATTERN, DeliveryLog } from "./deliveries";

export const SIGNATURE_HEADER = "x-hub-signature-256";
export const EVENT_HEADER = "x-github-event";
export const DELIVERY_HEADER = "x-github-delivery";
/** GitHub caps payloads at 25 MB; a push's is a few kB, so 1 MiB is plenty and bounds memory. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
export const DEFAULT_WEBHOOK_BRANCH = "main";

export interface WebhookSettings {
  secret: string;
  /** The branch whose pushes start a run, without refs/heads/. */
  branch: string;
}

/** The webhook's settings from the environment; null when no secret is set (the endpoint is off). */
export function webhookSettings(
  env: Record<string, string | undefined> = process.env,
): WebhookSettings | null {
  const secret = env.SBDK_WEBHOOK_SECRET ?? "";
  if (!secret) return null;
  const branch =
    (env.SBDK_WEBHOOK_BRANCH ?? "").trim().replace(/^refs\/heads\//, "") || DEFAULT_WEBHOOK_BRANCH;
  return { secret, branch };
}

/** The X-Hub-Signature-256 value of a body: `sha256=` and the hex HMAC-SHA256 with the secret. */
export function signBody(body: Uint8Array | string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Whether `header` is the signature of exactly these bytes with the secret. Pure; the digests
 * are compared with crypto.timingSafeEqual, so the time taken says nothing about how close a
 * forged signature came.
 */
export function verifySignature(
  body: Uint8Array,
  header: string | null | undefined,
  secret: string,
): boolean {
  if (!secret || typeof header !== "string") return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!, "hex");
  const expected = createHmac("sha256", secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The fields of a push payload the webhook reads; GitHub sends many more. */
const pushSchema = z.object({
  ref: z.string(),
  deleted: z.boolean().optional(),
  after: z.string().optional(),
  head_commit: z.object({ id: z.string(), message: z.string().optional() }).nullish(),
  repository: z.object({ full_name: z.string() }).partial().nullish(),
  pusher: z.object({ name: z.string() }).partial().nullish(),
});
type PushPayload = z.infer<typeof pushSchema>;

export type WebhookOutcome =
  | {
      status: 202;
      body: { status: "queued"; delivery: string; run: RunRecord; coalesced: boolean };
    }
  | { status: 200; body: { status: "pong" | "ignored"; delivery: string; reason: string } };

export interface WebhookServices {
  settings: WebhookSettings | null;
  queue: Pick<RunQueue, "submit" | "queuedRuns">;
  deliveries: () => DeliveryLog;
  store: () => RunStore;
  now: () => Date;
}

export function webhookServices(): WebhookServices {
  return {
    settings: webhookSettings(),
    queue: getRunQueue(),
    deliveries: () => DeliveryLog.forConfig(loadConfig()),
    store: () => RunStore.forConfig(loadConfig()),
    now: () => new Date(),
  };
}

const HINT_SIGN =
  "sign the raw body with the webhook's secret: X-Hub-Signature-256: sha256=<hex HMAC-SHA256>; in GitHub, set the same secret on the webhook";

/**
 * Handles one request to the webhook: 202 with the queued run for a push to the branch, 200
 * for a ping and for events or branches it ignores. Throws SbdkError: not_found (no secret
 * configured), too_large, unauthorized (missing or wrong signature), invalid (headers or
 * payload), conflict (a delivery id seen before). A refused request starts and remembers nothing.
 */
export async function receiveGithubWebhook(
  request: Request,
  services: WebhookServices = webhookServices(),
): Promise<WebhookOutcome> {
  const { settings } = services;
  if (!settings) {
    throw new SbdkError("not_found:webhook", "the GitHub webhook is off: no secret is configured", {
      hint: "set SBDK_WEBHOOK_SECRET in the server's environment to turn it on (see README.md § Webhook)",
    });
  }
  const signature = request.headers.get(SIGNATURE_HEADER);
  if (!signature) {
    throw new SbdkError("unauthorized:webhook", "the request has no X-Hub-Signature-256 header", {
      hint: HINT_SIGN,
    });
  }
  const body = await readRawBody(
    request,
    MAX_WEBHOOK_BODY_BYTES,
    () =>
      new SbdkError("too_large:webhook", `the body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes`, {
        hint: "the webhook takes GitHub's push events, which are far smaller",
      }),
  );
  if (!verifySignature(body, signature, settings.secret)) {
    throw new SbdkError(
      "unauthorized:webhook",
      "X-Hub-Signature-256 does not match the body and the webhook's secret",
      { hint: HINT_SIGN },
    );
  }

  const delivery = request.headers.get(DELIVERY_HEADER) ?? "";
  if (!DELIVERY_ID_PATTERN.test(delivery)) {
    throw new SbdkError(
      "invalid:webhook",
      delivery ? "X-GitHub-Delivery is not a delivery id" : "the request has no X-GitHub-Delivery header",
      { field: DELIVERY_HEADER, hint: "GitHub sends a GUID per delivery; send a new one with each request" },
    );
  }
  const event = request.headers.get(EVENT_HEADER) ?? "";
  if (!/^[a-z_]{1,64}$/.test(event)) {
    throw new SbdkError(
      "invalid:webhook",
      event ? "X-GitHub-Event is not an event name" : "the request has no X-GitHub-Event header",
      { field: EVENT_HEADER, hint: 'GitHub names the event, such as "push" or "ping"' },
    );
  }

  // Everything is checked before the delivery is claimed: a bad request leaves no trace.
  const push = event === "push" ? parsePush(body, request.headers.get("content-type")) : null;
  const claimed = services.deliveries().claim(delivery, { event, now: services.now() });
  if (!claimed.claimed) {
    throw new SbdkError(
      "conflict:webhook",
      `delivery ${delivery} was received before${claimed.receivedAt ? ` (at ${claimed.receivedAt})` : ""}; nothing was started`,
      { hint: "a replayed request is ignored; GitHub sends each new event with a new delivery id" },
    );
  }
  try {
    return handleEvent(event, delivery, push, settings, services);
  } catch (err) {
    // Not acted on: a redelivery of this id should be tried again.
    claimed.claim.release();
    throw err;
  }
}

function handleEvent(
  event: string,
  delivery: string,
  push: PushPayload | null,
  settings: WebhookSettings,
  services: WebhookServices,
): WebhookOutcome {
  if (event === "ping") {
    return { status: 200, body: { status: "pong", delivery, reason: "the webhook is set up" } };
  }
  if (!push) {
    return {
      status: 200,
      body: {
        status: "ignored",
        delivery,
        reason: `"${event}" events start nothing; pushes to ${settings.branch} do`,
      },
    };
  }
  const ref = `refs/heads/${settings.branch}`;
  if (push.ref !== ref) {
    return {
      status: 200,
      body: {
        status: "ignored",
        delivery,
        reason: `a push to ${push.ref.slice(0, 200)} starts nothing; pushes to ${ref} do`,
      },
    };
  }
  if (push.deleted) {
    return { status: 200, body: { status: "ignored", delivery, reason: `${ref} was deleted` } };
  }

  const note = `webhook: GitHub push to ${ref}${describePush(push)}, delivery ${delivery}`;
  // A run that has not started yet will build what this push brought: it joins that run.
  const waiting = services.queue.queuedRuns.find(
    (r) => r.trigger === "webhook" && Object.keys(r.params).length === 0,
  );
  const run = waiting ?? services.queue.submit({}, { trigger: "webhook", whenBusy: "enqueue" });
  try {
    services.store().appendLog(run.id, waiting ? `${note} (joined this queued run)` : note);
  } catch {
    // The log line is a courtesy; the run is queued either way.
  }
  return { status: 202, body: { status: "queued", delivery, run, coalesced: Boolean(waiting) } };
}

function parsePush(body: Buffer, contentType: string | null): PushPayload {
  const invalid = (message: string) =>
    new SbdkError("invalid:webhook", message, {
      field: "body",
      hint: "send GitHub's push payload, as JSON (content type application/json) or form-encoded",
    });
  let text = body.toString("utf8");
  // GitHub's "application/x-www-form-urlencoded" content type sends the JSON as `payload=…`.
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? "")) {
    const payload = new URLSearchParams(text).get("payload");
    if (payload === null) throw invalid("the form body has no payload field");
    text = payload;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid("the body is not valid JSON");
  }
  const parsed = pushSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join(".") : "body";
    throw invalid(`not a push payload: "${field}": ${issue.message}`);
  }
  return parsed.data;
}

function describePush(push: PushPayload): string {
  const parts: string[] = [];
  const sha = push.head_commit?.id ?? push.after;
  if (sha) parts.push(`commit ${sha.slice(0, 12)}`);
  const message = push.head_commit?.message?.split("\n")[0];
  if (message) parts.push(`"${message.slice(0, 80)}"`);
  if (push.repository?.full_name) parts.push(`in ${push.repository.full_name}`);
  if (push.pusher?.name) parts.push(`by ${push.pusher.name}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}
