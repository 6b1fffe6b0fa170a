import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunQueue, type ChildExit, type StartChild } from "@/lib/server/runs/queue";
import { RunStore } from "@/lib/server/runs/store";
import { DeliveryLog } from "@/lib/server/webhooks/deliveries";
import {
  receiveGithubWebhook,
  signBody,
  verifySignature,
  webhookSettings,
  type WebhookServices,
} from "@/lib/server/webhooks/github";
import { DEFAULT_GROWTH, type Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";

const SECRET = "It's a Secret to Everybody";
const utf8 = (s: string) => Buffer.from(s, "utf8");

describe("verifySignature", () => {
  it("accepts GitHub's documented example and rejects it with any other secret", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    expect(signBody("Hello, World!", SECRET)).toBe(header);
    expect(verifySignature(utf8("Hello, World!"), header, SECRET)).toBe(true);
    expect(verifySignature(utf8("Hello, World!"), header, "It's a Secret to Everybody!")).toBe(false);
    expect(verifySignature(utf8("Hello, World?"), header, SECRET)).toBe(false);
  });

  it("refuses missing, malformed and truncated signatures without throwing", () => {
    const body = utf8("{}");
    const good = signBody(body, SECRET);
    for (const header of [
      null,
      undefined,
      "",
      "sha256=",
      good.slice(0, -1),
      `${good}0`,
      good.replace("sha256=", "sha1="),
      good.replace("sha256=", ""),
      `sha256=${"z".repeat(64)}`,
      `sha256=${"0".repeat(64)}`,
      `${good},${good}`,
    ]) {
      expect(verifySignature(body, header, SECRET), String(header)).toBe(false);
    }
    // No secret: nothing verifies, not even a signature made with the empty key.
    expect(verifySignature(body, signBody(body, ""), "")).toBe(false);
  });

  it("verifies exactly the signed bytes with exactly the secret (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2048 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        (bytes, secret, other, flip) => {
          const body = Buffer.from(bytes);
          const header = signBody(body, secret);
          expect(verifySignature(body, header, secret)).toBe(true);
          expect(verifySignature(body, header.toUpperCase().replace("SHA256=", "sha256="), secret)).toBe(
            true,
          );
          if (other !== secret) expect(verifySignature(body, header, other)).toBe(false);
          if (body.length > 0) {
            const changed = Buffer.from(body);
            const at = flip % changed.length;
            changed[at] = changed[at]! ^ 1;
            expect(verifySignature(changed, header, secret)).toBe(false);
          }
        },
      ),
      { numRuns: 300, seed: 6 },
    );
  });
});

describe("webhookSettings", () => {
  it("is off without a secret, and listens to main unless told otherwise", () => {
    expect(webhookSettings({})).toBeNull();
    expect(webhookSettings({ SBDK_WEBHOOK_SECRET: "" })).toBeNull();
    expect(webhookSettings({ SBDK_WEBHOOK_SECRET: "s" })).toEqual({ secret: "s", branch: "main" });
    expect(webhookSettings({ SBDK_WEBHOOK_SECRET: "s", SBDK_WEBHOOK_BRANCH: " release " })?.branch).toBe(
      "release",
    );
    expect(
      webhookSettings({ SBDK_WEBHOOK_SECRET: "s", SBDK_WEBHOOK_BRANCH: "refs/heads/prod" })?.branch,
    ).toBe("prod");
  });
});

let dir: string;
let store: RunStore;
let queue: RunQueue;
let started: string[];
let exits: ((exit: ChildExit) => void)[];
let services: WebhookServices;

function config(): Config {
  return {
    project: "sbdk_starter",
    target: "dev",
    duckdb_path: join(dir, "sbdk.duckdb"),
    dbt_path: join(dir, "dbt"),
    profiles_dir: join(dir, "dbt"),
    publish_path: join(dir, "publish"),
    seed: 7,
    users: 100,
    days: 2,
    start_date: "2026-03-01",
    scale: 1,
    growth: DEFAULT_GROWTH,
    configFile: null,
    rootDir: dir,
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sbdk-webhook-"));
  store = new RunStore(join(dir, "runs"));
  started = [];
  exits = [];
  // The real queue; its runs' processes are stand-ins that run until the test ends them.
  const startChild: StartChild = ({ run }) => {
    started.push(run.id);
    return { pid: 4242, exited: new Promise((resolve) => exits.push(resolve)), kill: () => {} };
  };
  queue = new RunQueue({
    startChild,
    loadConfig: (params) => ({ ...config(), ...params }),
    readLock: () => null,
    store: () => store,
    now: () => new Date(),
    lockPollMs: 5,
    pid: process.pid,
    report: () => {},
  });
  services = {
    settings: { secret: SECRET, branch: "main" },
    queue,
    deliveries: () => new DeliveryLog(join(dir, "runs", "webhook-deliveries")),
    store: () => store,
    now: () => new Date("2026-03-02T10:00:00Z"),
  };
});

afterEach(() => {
  for (const exit of exits) exit({ code: 0, signal: null });
  rmSync(dir, { recursive: true, force: true });
});

let deliveryCounter = 0;

function hook(
  event: string,
  payload: unknown,
  options: {
    secret?: string;
    delivery?: string;
    signature?: string | null;
    contentType?: string;
    raw?: string;
  } = {},
): Request {
  const body = options.raw ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
    "x-github-event": event,
    "x-github-delivery":
      options.delivery ?? `72d3162e-cc78-11e3-81ab-${String(++deliveryCounter).padStart(12, "0")}`,
  };
  const signature =
    options.signature === undefined ? signBody(body, options.secret ?? SECRET) : options.signature;
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  return new Request("http://localhost/api/webhooks/github", { method: "POST", headers, body });
}

const push = (ref: string, extra: Record<string, unknown> = {}) => ({
  ref,
  after: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
  head_commit: { id: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", message: "Add the toxicity metric\n\nbody" },
  repository: { full_name: "acme/analytics" },
  pusher: { name: "octocat" },
  ...extra,
});

async function refused(request: Request, s = services): Promise<SbdkError> {
  const err = await receiveGithubWebhook(request, s).catch((e: unknown) => e);
  if (err instanceof SbdkError) return err;
  throw new Error(`expected a refusal, got ${JSON.stringify(err)}`);
}

const deliveriesOnDisk = () => {
  try {
    return readdirSync(join(dir, "runs", "webhook-deliveries"));
  } catch {
    return [];
  }
};

describe("receiveGithubWebhook", () => {
  it("is off (404) without a secret, whatever the request", async () => {
    const err = await refused(hook("push", push("refs/heads/main")), { ...services, settings: null });
    expect(err.status).toBe(404);
    expect(err.code).toBe("not_found:webhook");
    expect(started).toEqual([]);
  });

  it("refuses unsigned and wrongly signed requests with 401, and starts and remembers nothing", async () => {
    const cases: [Request, string][] = [
      [hook("push", push("refs/heads/main"), { signature: null }), "has no X-Hub-Signature-256"],
      [hook("push", push("refs/heads/main"), { secret: "guess" }), "does not match"],
      [hook("push", push("refs/heads/main"), { signature: "sha256=deadbeef" }), "does not match"],
      [
        hook("push", push("refs/heads/main"), {
          signature: signBody(JSON.stringify(push("refs/heads/other")), SECRET),
        }),
        "does not match",
      ],
    ];
    for (const [request, message] of cases) {
      const err = await refused(request);
      expect(err.status).toBe(401);
      expect(err.message).toContain(message);
    }
    expect(started).toEqual([]);
    expect(store.list()).toEqual([]);
    expect(deliveriesOnDisk()).toEqual([]);
  });

  it("queues a run for a push to the branch and answers at once with its id", async () => {
    const outcome = await receiveGithubWebhook(hook("push", push("refs/heads/main")), services);
    expect(outcome.status).toBe(202);
    if (outcome.status !== 202) return;
    expect(outcome.body).toMatchObject({ status: "queued", coalesced: false, run: { trigger: "webhook" } });
    expect(started).toEqual([outcome.body.run.id]);
    expect(store.logTail(outcome.body.run.id).text).toContain(
      'webhook: GitHub push to refs/heads/main (commit 0d1a26e67d8f, "Add the toxicity metric", in acme/analytics, by octocat)',
    );
  });

  it("queues one run behind the active one, and later pushes join it", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const outcome = await receiveGithubWebhook(hook("push", push("refs/heads/main")), services);
      expect(outcome.status).toBe(202);
      if (outcome.status === 202) ids.push(outcome.body.run.id);
    }
    // The first runs, the second waits, the third and fourth join the second.
    expect(new Set(ids).size).toBe(2);
    expect(ids.slice(2)).toEqual([ids[1], ids[1]]);
    expect(started).toEqual([ids[0]]);
    expect(queue.queuedRuns.map((r) => r.id)).toEqual([ids[1]]);
    expect(store.logTail(ids[1]!).text.match(/joined this queued run/g)).toHaveLength(2);
    // When the first ends, the second starts: no push is lost.
    exits[0]!({ code: 0, signal: null });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toEqual([ids[0], ids[1]]);
  });

  it("answers a ping, and acknowledges other events and branches without starting anything", async () => {
    const cases: [Request, string, RegExp][] = [
      [hook("ping", { zen: "Keep it logically awesome.", hook_id: 1 }), "pong", /set up/],
      [hook("push", push("refs/heads/feature/x")), "ignored", /refs\/heads\/feature\/x starts nothing/],
      [hook("push", push("refs/tags/v1.0.0")), "ignored", /refs\/tags\/v1\.0\.0 starts nothing/],
      [hook("push", push("refs/heads/main", { deleted: true })), "ignored", /was deleted/],
      [hook("pull_request", { action: "opened" }), "ignored", /"pull_request" events start nothing/],
      [hook("issues", { action: "opened" }), "ignored", /"issues" events/],
    ];
    for (const [request, status, reason] of cases) {
      const outcome = await receiveGithubWebhook(request, services);
      expect(outcome.status).toBe(200);
      expect(outcome.body.status).toBe(status);
      if (outcome.status === 200) expect(outcome.body.reason).toMatch(reason);
    }
    expect(started).toEqual([]);
  });

  it("takes GitHub's form-encoded payloads too", async () => {
    const raw = `payload=${encodeURIComponent(JSON.stringify(push("refs/heads/main")))}`;
    const outcome = await receiveGithubWebhook(
      hook("push", null, { raw, contentType: "application/x-www-form-urlencoded" }),
      services,
    );
    expect(outcome.status).toBe(202);
  });

  it("refuses a replayed delivery with 409, also after a restart, and starts nothing more", async () => {
    const delivery = "f1e2d3c4-0000-4000-8000-000000000001";
    const first = await receiveGithubWebhook(hook("push", push("refs/heads/main"), { delivery }), services);
    expect(first.status).toBe(202);
    for (const s of [
      services,
      { ...services, deliveries: () => new DeliveryLog(join(dir, "runs", "webhook-deliveries")) },
    ]) {
      const err = await refused(hook("push", push("refs/heads/main"), { delivery }), s);
      expect(err.status).toBe(409);
      expect(err.code).toBe("conflict:webhook");
      expect(err.message).toBe(
        `delivery ${delivery} was received before (at 2026-03-02T10:00:00.000Z); nothing was started`,
      );
    }
    expect(started).toHaveLength(1);
    expect(store.list()).toHaveLength(1);
  });

  it("of concurrent requests with one delivery id, exactly one is acted on", async () => {
    const delivery = "f1e2d3c4-0000-4000-8000-000000000002";
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        receiveGithubWebhook(hook("push", push("refs/heads/main"), { delivery }), services),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(rejected.map((o) => (o.reason as SbdkError).status)).toEqual(Array(9).fill(409));
    expect(store.list()).toHaveLength(1);
  });

  it("refuses bad headers and payloads with 400, and forgets the delivery so a fixed redelivery works", async () => {
    const delivery = "f1e2d3c4-0000-4000-8000-000000000003";
    const cases: [Request, string][] = [
      [hook("push", null, { raw: "{not json", delivery }), "the body is not valid JSON"],
      [hook("push", { ref: 42 }, { delivery }), 'not a push payload: "ref"'],
      [hook("push", [1, 2], { delivery }), "not a push payload"],
      [
        hook("push", null, {
          raw: "nopayload=1",
          contentType: "application/x-www-form-urlencoded",
          delivery,
        }),
        "the form body has no payload field",
      ],
      [
        hook("push", push("refs/heads/main"), { delivery: "../../etc/passwd" }),
        "X-GitHub-Delivery is not a delivery id",
      ],
      [hook("push", push("refs/heads/main"), { delivery: "" }), "has no X-GitHub-Delivery header"],
      [hook("Push Event!", push("refs/heads/main"), { delivery }), "X-GitHub-Event is not an event name"],
    ];
    for (const [request, message] of cases) {
      const err = await refused(request);
      expect(err.status, message).toBe(400);
      expect(err.message).toContain(message);
    }
    expect(started).toEqual([]);
    expect(deliveriesOnDisk()).toEqual([]);
    const fixed = await receiveGithubWebhook(hook("push", push("refs/heads/main"), { delivery }), services);
    expect(fixed.status).toBe(202);
  });

  it("refuses a body over 1 MiB with 413, declared or not", async () => {
    const big = JSON.stringify(push("refs/heads/main", { padding: "x".repeat(1024 * 1024) }));
    expect((await refused(hook("push", null, { raw: big }))).status).toBe(413);
    // A streamed body with no Content-Length is cut off while it is read.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(100 * 1024));
        controller.close();
      },
    });
    const request = new Request("http://localhost/api/webhooks/github", {
      method: "POST",
      headers: {
        "x-github-event": "push",
        "x-github-delivery": "f1e2d3c4-0000-4000-8000-000000000004",
        "x-hub-signature-256": signBody("", SECRET),
      },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await refused(request)).status).toBe(413);
    expect(started).toEqual([]);
  });
});

describe("DeliveryLog", () => {
  it("remembers a bounded number of deliveries, forgetting the oldest first", async () => {
    const log = new DeliveryLog(join(dir, "deliveries"), 10);
    for (let i = 0; i < 12; i++) {
      expect(log.claim(`d-${String(i).padStart(2, "0")}`, { event: "push", now: new Date() }).claimed).toBe(
        true,
      );
      // mtime order is the claim order
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Pruned once there are a tenth more than the bound (12 > 11): the two oldest go.
    expect(log.list()).toEqual(Array.from({ length: 10 }, (_, i) => `d-${String(i + 2).padStart(2, "0")}`));
    expect(log.claim("d-05", { event: "push", now: new Date() }).claimed).toBe(false);
  });
});
