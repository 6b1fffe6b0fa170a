/**
 * The service as a client on the network meets it: `next start` over loopback, raw HTTP.
 * The webhook's signature, replay and size checks, /api/health on a server with data and on
 * one without, and requests for files outside the published data in every spelling a client
 * can send (Next's own URL handling included, which an in-process test cannot see).
 */
import { createHmac, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";
import { healthSchema } from "@/lib/shared/health";
import { BASE_URL, E2E_WEBHOOK_SECRET, EMPTY_BASE_URL, PORT } from "./support/env";

interface RawAnswer {
  status: number;
  body: string;
  location: string | undefined;
}

/** A GET with the path sent exactly as written: no normalising of ../, no re-encoding. */
function rawGet(path: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: PORT, method: "GET", path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on("error", reject);
    req.end();
  });
}

const sign = (body: string, secret = E2E_WEBHOOK_SECRET) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

function hook(
  base: string,
  event: string,
  body: string,
  headers: Record<string, string | null> = {},
): Promise<Response> {
  const all: Record<string, string | null> = {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": randomUUID(),
    "x-hub-signature-256": sign(body),
    ...headers,
  };
  return fetch(`${base}/api/webhooks/github`, {
    method: "POST",
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)),
    body,
  });
}

test.describe("the service over HTTP", () => {
  test("GET /api/health reports the warehouse, the publish and its age, the last run and the versions", async () => {
    const res = await fetch(`${BASE_URL}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const health = healthSchema.parse(await res.json());
    expect(health.warehouse.exists).toBe(true);
    expect(health.publish).toMatchObject({
      exists: true,
      date_range: { start: "2025-12-01", end: "2025-12-14" },
    });
    expect(health.publish.tables).toBeGreaterThanOrEqual(10);
    expect(health.publish.age_seconds).toBeLessThan(24 * 3600);
    expect(health.last_run).not.toBeNull();
    expect(health.versions.dbt_core).toMatch(/^1\.11\./);
    expect(health.versions.duckdb_python).toBe(health.versions.duckdb_node);
    expect(health.webhook).toEqual({ enabled: true, branch: "main" });
    expect(health.reasons.filter((r) => !r.startsWith("the last run"))).toEqual([]);
  });

  test("a server with nothing published says so, degraded but answering, and its webhook is off", async () => {
    const health = healthSchema.parse(await (await fetch(`${EMPTY_BASE_URL}/api/health`)).json());
    expect(health.status).toBe("degraded");
    expect(health.reasons).toContain(
      "nothing is published yet: the dashboard has no data until a run succeeds",
    );
    expect(health.webhook).toEqual({ enabled: false, branch: null });
    const off = await hook(EMPTY_BASE_URL, "ping", "{}");
    expect(off.status).toBe(404);
    expect(((await off.json()) as { error: { code: string } }).error.code).toBe("not_found:webhook");
  });

  test("the webhook: 401 unsigned or wrongly signed, a ping answered, a replay 409, other branches ignored, 413 too large", async () => {
    const push = (ref: string) => JSON.stringify({ ref, after: "f".repeat(40) });
    const unsigned = await hook(BASE_URL, "push", push("refs/heads/main"), { "x-hub-signature-256": null });
    expect(unsigned.status).toBe(401);
    const wrong = await hook(BASE_URL, "push", push("refs/heads/main"), {
      "x-hub-signature-256": sign(push("refs/heads/main"), "guessed"),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toMatch(/\n\s+at /);

    const delivery = randomUUID();
    const ping = await hook(BASE_URL, "ping", '{"zen":"Design for failure."}', {
      "x-github-delivery": delivery,
    });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toMatchObject({ status: "pong", delivery });
    const replay = await hook(BASE_URL, "ping", '{"zen":"Design for failure."}', {
      "x-github-delivery": delivery,
    });
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe("conflict:webhook");

    const other = await hook(BASE_URL, "push", push("refs/heads/feature"));
    expect(other.status).toBe(200);
    expect(await other.json()).toMatchObject({ status: "ignored" });

    const big = JSON.stringify({ ref: "refs/heads/feature", padding: "x".repeat(1024 * 1024) });
    expect((await hook(BASE_URL, "push", big)).status).toBe(413);

    // None of it started a run.
    const runs = (await (await fetch(`${BASE_URL}/api/runs`)).json()) as { active: unknown; queued: number };
    expect(runs).toMatchObject({ active: null, queued: 0 });
  });

  test("files outside the published data are 404 in every spelling, and never served", async () => {
    const control = await rawGet("/published/manifest.json");
    expect(control.status).toBe(200);

    // Files beside the publish and elsewhere; none of them is also a page of the app.
    const targets = ["package.json", "sbdk_config.json", "etc/passwd", "sbdk.duckdb", "sbdk.duckdb.lock"];
    const ups = [
      "..",
      "%2e%2e",
      "%2E%2E",
      ".%2e",
      "%2e.",
      "%252e%252e",
      "..%2f..",
      "..%5c..",
      "..\\..",
      "%c0%ae%c0%ae",
    ];
    const paths: string[] = [];
    for (const target of targets) {
      for (const up of ups) {
        paths.push(`/published/${up}/${up}/${up}/${target}`);
        paths.push(`/published/${up}%2f${up}%2f${up}%2f${encodeURIComponent(target)}`);
      }
      paths.push(`/published//${target}`, `/published/%2f${target}`, `/published/%252f${target}`);
      paths.push(`/published/manifest.json/../../${target}`, `/published/${target}%00.parquet`);
    }
    paths.push(
      // Percent-sequences that do not decode (Next.js alone would answer these with a 500).
      "/published/%",
      "/published/%zz/manifest.json",
      "/published/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json",
      "/api/runs/%c0",
      "/api/runs/%E2%82/events",
      "/published/%00",
      "/published/manifest.json%00",
      "/published/C:%5cWindows%5cwin.ini",
      "/published/%5c%5cserver%5cshare%5cx.parquet",
      "/published/file:%2f%2f%2fetc%2fpasswd",
    );
    let redirected = 0;
    for (const path of paths) {
      let res = await rawGet(path);
      // Next.js answers a path with backslashes with a redirect to the same path with slashes
      // (308), before any route sees it: where it points must be a 404 too.
      if (res.status === 308 && res.location) {
        redirected++;
        expect(new URL(res.location, BASE_URL).host).toBe(new URL(BASE_URL).host);
        res = await rawGet(new URL(res.location, BASE_URL).pathname);
      }
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain("root:");
      expect(res.body, path).not.toContain('"name": "sbdk-starter"');
      expect(res.body, path).not.toMatch(/\n\s+at /);
    }
    console.log(
      `reliability/paths over HTTP: ${paths.length} requests for files outside the publish, all 404 ` +
        `(${redirected} of them after Next.js's redirect of backslashes to slashes)`,
    );
  });
});
