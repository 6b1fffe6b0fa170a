/**
 * The web service under load and under bad input, on a real pipeline: the route handlers called
 * with real Requests, the server's real queue starting real `sbdk run` processes (real DuckDB,
 * real dbt), the real history on disk.
 *
 * Load: 20 run requests and 20 webhook pushes at once (plus replays, health and list requests)
 * while a run is active, then that run's process killed with SIGKILL → every request answered
 * (202 or 409, never a raw lock error), exactly one writer at a time, and every accepted run
 * recorded and finished; every push's run succeeds.
 *
 * Bad input: generated and table-driven requests to every API route, the published-file route,
 * the CLI's flags and the config file → no 5xx, no stack trace, and not one byte of the
 * project folder (warehouse, publish, run history) changed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as healthRoute } from "@/app/api/health/route";
import { GET as getEvents } from "@/app/api/runs/[id]/events/route";
import { GET as getRunRoute } from "@/app/api/runs/[id]/route";
import { GET as listRunsRoute, POST as postRunRoute } from "@/app/api/runs/route";
import { POST as webhookRoute } from "@/app/api/webhooks/github/route";
import { GET as publishedRoute } from "@/app/published/[...path]/route";
import {
  parseDoctorArgs,
  parseExportArgs,
  parseRunArgs,
  parseSimulateArgs,
  RUN_OPTIONS,
  SIMULATE_OPTIONS,
  EXPORT_OPTIONS,
} from "@/cli/args";
import { loadConfig } from "@/lib/server/config";
import { acquireLock, readLock } from "@/lib/server/lock";
import { getRunQueue } from "@/lib/server/runs/queue";
import { RunStore } from "@/lib/server/runs/store";
import { signBody } from "@/lib/server/webhooks/github";
import { configSchema } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import { healthSchema } from "@/lib/shared/health";
import { parseRunParams, runRecordSchema, type RunRecord } from "@/lib/shared/runs";
import { REPO, sbdk, tempProject, type TempProject } from "../helpers";
import { treeDigest } from "../support/checksums";
import { processesMentioning } from "../support/kill";

const SMALL = { seed: 7, users: 300, days: 3, start_date: "2026-03-01" };
const BASE = "http://localhost";
const SECRET = "reliability-test-secret";

/** Text that must never reach a client: stack frames and the raw errors of DuckDB and the OS. */
const LEAKS = [
  /\n\s+at\s/,
  /\bat .+\.(?:ts|js|mjs|cjs):\d+:\d+/,
  /node:internal/,
  /IO Error/i,
  /Could not set lock/i,
  /Conflicting lock/i,
  /\bE(?:EXIST|NOENT|ACCES|PERM|BUSY)\b/,
];

interface Answer {
  status: number;
  text: string;
  json: unknown;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

/** Every answer: a status below 500, JSON when it is an error, and nothing that leaks. */
function expectClean(a: Answer, what: string): void {
  expect(a.status, `${what}: ${a.text.slice(0, 300)}`).toBeLessThan(500);
  for (const leak of LEAKS) expect(a.text, `${what} leaks ${leak}`).not.toMatch(leak);
  if (a.status >= 400) {
    expect(a.json, `${what}: an error is JSON`).not.toBeNull();
  }
}

const params = <T>(value: T) => ({ params: Promise.resolve(value) });

function postRun(body: string | undefined, headers: Record<string, string> = {}): Promise<Response> {
  return postRunRoute(
    new Request(`${BASE}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body }),
    }),
  );
}

function webhook(
  event: string,
  body: string,
  delivery: string,
  signature: string | null = signBody(body, SECRET),
  extra: Record<string, string> = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": delivery,
    ...extra,
  };
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  return webhookRoute(new Request(`${BASE}/api/webhooks/github`, { method: "POST", headers, body }));
}

const pushToMain = (n: number) =>
  JSON.stringify({
    ref: "refs/heads/main",
    after: n.toString(16).padStart(40, "0"),
    head_commit: { id: n.toString(16).padStart(40, "0"), message: `commit ${n}` },
    repository: { full_name: "acme/analytics" },
  });

/** Any text, every code point (the default of fc.string() is printable ASCII). */
const anyText = (max = 40) => fc.string({ unit: "binary", maxLength: max });
/** Text a header can carry: printable ASCII (a client cannot send CR, LF or NUL in one). */
const headerText = fc.string({ maxLength: 80 });
const hex64 = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });

/** `sbdk` as a user runs it in a terminal, without blocking this process meanwhile. */
function sbdkAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, "bin", "sbdk.mjs"), ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stderr }));
  });
}

const guid = (n: number) => `5e1f0a2c-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

describe("the web service, on a real pipeline", () => {
  let project: TempProject;
  let store: RunStore;
  const saved = { config: process.env.SBDK_CONFIG, secret: process.env.SBDK_WEBHOOK_SECRET };

  beforeAll(() => {
    project = tempProject(SMALL);
    process.env.SBDK_CONFIG = project.configFile;
    process.env.SBDK_WEBHOOK_SECRET = SECRET;
    delete process.env.SBDK_WEBHOOK_BRANCH;
    store = new RunStore(join(project.dir, "data", "runs"));
  });

  afterAll(async () => {
    await getRunQueue().idle();
    for (const [key, value] of [
      ["SBDK_CONFIG", saved.config],
      ["SBDK_WEBHOOK_SECRET", saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  describe("under load: 20 run requests and 20 webhook pushes at once, and a run killed", () => {
    let first: RunRecord;
    const answers: { kind: string; a: Answer }[] = [];
    let maxRunning = 0;
    let maxProcesses = 0;
    let samples = 0;
    let killedPid: number | null = null;
    let cliWhileBusy: { status: number | null; stderr: string };

    beforeAll(async () => {
      // One writer at a time, sampled all along: records marked running, `sbdk run` processes.
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const running = store.list().filter((r) => r.status === "running").length;
          const processes = processesMentioning(project.configFile).filter((p) =>
            p.includes("--run-id"),
          ).length;
          maxRunning = Math.max(maxRunning, running);
          maxProcesses = Math.max(maxProcesses, processes);
          samples++;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();

      const res = await postRun("{}");
      expect(res.status).toBe(202);
      first = runRecordSchema.parse(((await res.json()) as { run: unknown }).run);

      const burst: { kind: string; send: () => Promise<Response> }[] = [];
      for (let i = 0; i < 20; i++) {
        burst.push({ kind: "run", send: () => postRun(i % 2 ? "{}" : `{"seed": ${i}}`) });
        burst.push({ kind: "push", send: () => webhook("push", pushToMain(i), guid(i)) });
      }
      for (let i = 0; i < 5; i++) {
        burst.push({ kind: "replay", send: () => webhook("push", pushToMain(99), guid(99)) });
        burst.push({ kind: "health", send: async () => healthRoute() });
        burst.push({
          kind: "list",
          send: async () => listRunsRoute(new Request(`${BASE}/api/runs?limit=100`)),
        });
      }
      const settled = await Promise.all(
        burst.map(async (b) => ({ kind: b.kind, a: await answer(await b.send()) })),
      );
      answers.push(...settled);

      // A run from a terminal once the server's run holds the warehouse.
      const deadline = Date.now() + 60_000;
      while (readLock(project.duckdbPath)?.pid !== store.readRaw(first.id)?.pid && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      cliWhileBusy = await sbdkAsync(["run", "--config", project.configFile]);

      // Kill the active run's process once dbt is under way; its dbt must go with it.
      await new Promise<void>((resolve) => {
        let nodes = 0;
        const stop = getRunQueue().watch(first.id, (item) => {
          if (item.type === "event" && item.event.type === "dbt" && item.event.event.type === "finished") {
            nodes++;
            if (nodes === 30) {
              killedPid = store.readRaw(first.id)!.pid;
              process.kill(killedPid!, "SIGKILL");
              resolve();
            }
          }
          if (item.type === "done") resolve();
        });
        if (!stop) resolve();
      });
      await getRunQueue().idle();
      sampling = false;
      await sampler;
    });

    it("answers every request: runs 409 naming the active run, every push 202, one replay of five", () => {
      expect(answers).toHaveLength(55);
      for (const { kind, a } of answers) expectClean(a, kind);
      const runs = answers.filter((x) => x.kind === "run").map((x) => x.a);
      expect(runs.map((a) => a.status)).toEqual(Array(20).fill(409));
      for (const a of runs) {
        const body = a.json as {
          error: { code: string; message: string; hint: string };
          activeRunId: string;
        };
        expect(body.error.code).toBe("conflict:pipeline");
        expect(body.activeRunId).toBe(first.id);
        expect(body.error.message).toMatch(new RegExp(`^run ${first.id} is (queued|running)`));
        expect(body.error.hint).toMatch(/one job writes the warehouse at a time/);
      }
      const pushes = answers.filter((x) => x.kind === "push").map((x) => x.a);
      expect(pushes.map((a) => a.status)).toEqual(Array(20).fill(202));
      const replays = answers.filter((x) => x.kind === "replay").map((x) => x.a.status);
      expect(replays.filter((s) => s === 202)).toHaveLength(1);
      expect(replays.filter((s) => s === 409)).toHaveLength(4);
      for (const { a } of answers.filter((x) => x.kind === "health")) {
        const health = healthSchema.parse(a.json);
        expect(health.queue.active_run_id).toBe(first.id);
        expect(health.warehouse.locked_by === null || health.warehouse.locked_by.job === "pipeline run").toBe(
          true,
        );
      }
    });

    it("queues the pushes as one run behind the active one: each push is in a run that starts after it", () => {
      const ids = new Set(
        answers
          .filter((x) => (x.kind === "push" || x.kind === "replay") && x.a.status === 202)
          .map((x) => (x.a.json as { run: RunRecord }).run.id),
      );
      expect(ids.size).toBe(1);
      const [pushRun] = [...ids];
      expect(pushRun).not.toBe(first.id);
      // One accepted request queued the run; the other 20 joined it.
      const accepted = answers.filter(
        (x) => (x.kind === "push" || x.kind === "replay") && x.a.status === 202,
      );
      expect(accepted.map((x) => (x.a.json as { coalesced: boolean }).coalesced).sort()).toEqual([
        false,
        ...Array(20).fill(true),
      ]);
      const log = store.logTail(pushRun!).text;
      expect(log.match(/^webhook: GitHub push to refs\/heads\/main/gm)).toHaveLength(21);
    });

    it("refuses the terminal's run clearly while the server's holds the warehouse", () => {
      expect(cliWhileBusy.status).toBe(3);
      expect(cliWhileBusy.stderr).toMatch(
        /error\[conflict:pipeline\]: a run is in progress \(pipeline run, started at /,
      );
      for (const leak of LEAKS) expect(cliWhileBusy.stderr).not.toMatch(leak);
    });

    it("recorded and finished every accepted run, one writer at a time: the killed one failed, the pushes' run succeeded", () => {
      const runs = store.list({ limit: 100 });
      expect(runs).toHaveLength(2);
      const killed = runs.find((r) => r.id === first.id)!;
      const pushed = runs.find((r) => r.id !== first.id)!;
      expect(killed).toMatchObject({ status: "failed", trigger: "api" });
      expect(killed.error?.message).toBe("the run's process was stopped by SIGKILL");
      expect(pushed).toMatchObject({ status: "succeeded", trigger: "webhook", exit_code: 0 });
      expect(Date.parse(pushed.started!)).toBeGreaterThanOrEqual(Date.parse(killed.finished!));
      expect(maxRunning).toBe(1);
      expect(maxProcesses).toBe(1);
      expect(samples).toBeGreaterThan(10);
      expect(processesMentioning(project.dir)).toEqual([]);
      console.log(
        `reliability/load: 55 requests at once while a run was active (20 POST /api/runs, 20 webhook pushes, 5 replays, 10 reads) + 1 terminal run, ` +
          `all answered (202/409/200, no 5xx, no lock error); 1 fault injected (kill -9 of the active run, pid ${killedPid}); ` +
          `${samples} samples, at most ${maxProcesses} writer; 2 runs recorded and finished, the pushes' run succeeded`,
      );
    });

    it("reports itself healthy again once the pushes' run has published", async () => {
      const health = healthSchema.parse((await answer(await healthRoute())).json);
      // The killed run is not the last one: the run after it succeeded.
      expect(health.reasons).toEqual([]);
      expect(health.status).toBe("ok");
      expect(health.publish.exists).toBe(true);
      expect(health.last_run?.trigger).toBe("webhook");
      expect(health.queue.length).toBe(0);
      expect(health.versions.dbt_core).toMatch(/^1\.11\./);
      expect(health.versions.duckdb_python).toBe(health.versions.duckdb_node);
    });
  });

  describe("bad input changes nothing", () => {
    const counts: Record<string, number> = {};
    const count = (what: string, n = 1) => (counts[what] = (counts[what] ?? 0) + n);
    let release: () => void;
    let before: Record<string, string>;
    const skipLock = (rel: string) => rel.endsWith(".duckdb.lock");

    beforeAll(() => {
      // A run that a valid-looking request would start is refused instead (409): the warehouse
      // is held, as by a run in a terminal. So every request below can only be answered.
      release = acquireLock(project.duckdbPath, "bad-input test").release;
      before = treeDigest(project.dir, skipLock);
      expect(Object.keys(before).some((f) => f.endsWith(".parquet"))).toBe(true);
    });

    afterAll(() => release());

    it("POST /api/runs: 400 naming the problem, or 409 for a valid body; never 5xx", async () => {
      const runSetting = fc.record(
        {
          seed: fc.oneof(fc.integer(), fc.double(), anyText(), fc.constant(null)),
          users: fc.oneof(fc.integer({ min: -10, max: 2_000_000 }), fc.double(), anyText()),
          days: fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.boolean()),
          start_date: fc.oneof(
            anyText(),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
          ),
          scale: fc.oneof(fc.double(), fc.integer()),
          colour: anyText(),
        },
        { requiredKeys: [] },
      );
      const body = fc.oneof(
        runSetting.map((o) => JSON.stringify(o)),
        fc.json(),
        anyText(200),
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
      );
      await fc.assert(
        fc.asyncProperty(body, async (text) => {
          const a = await answer(await postRun(text));
          expectClean(a, `POST /api/runs ${text.slice(0, 80)}`);
          let valid = true;
          try {
            parseRunParams(text.trim() ? JSON.parse(text) : undefined);
          } catch {
            valid = false;
          }
          if (!valid) {
            expect(a.status).toBe(400);
            expect((a.json as { error: { field: string } }).error.field).toBeTruthy();
          } else expect([400, 409]).toContain(a.status);
          count("POST /api/runs");
        }),
        { numRuns: 300, seed: 61 },
      );
      for (const text of [
        "",
        "{",
        "null",
        "[]",
        '{"seed": 1e400}',
        "x".repeat(20_000),
        '{"__proto__": {"seed": 1}}',
      ]) {
        expectClean(await answer(await postRun(text)), `POST /api/runs ${text.slice(0, 20)}`);
        count("POST /api/runs");
      }
    });

    it("GET /api/runs, /api/runs/<id> and its events: 200, 400 or 404; never 5xx", async () => {
      const id = fc.oneof(
        anyText(),
        fc.stringMatching(/^r-\d{8}-\d{6}-[0-9a-z]{4}$/),
        fc.constantFrom(
          "..",
          "../..",
          "%2e%2e%2f",
          "..\\..\\windows",
          "/etc/passwd",
          "r-20260301-000000-ab12\0",
          "webhook-deliveries",
        ),
      );
      await fc.assert(
        fc.asyncProperty(id, anyText(12), async (runId, limit) => {
          const one = await answer(
            await getRunRoute(new Request(`${BASE}/api/runs/x`), params({ id: runId })),
          );
          expectClean(one, `GET /api/runs/${runId}`);
          expect(one.status).toBe(404);
          const events = await answer(
            await getEvents(new Request(`${BASE}/api/runs/x/events`), params({ id: runId })),
          );
          expectClean(events, `GET /api/runs/${runId}/events`);
          expect(events.status).toBe(404);
          const list = await answer(
            await listRunsRoute(new Request(`${BASE}/api/runs?limit=${encodeURIComponent(limit)}`)),
          );
          expectClean(list, `GET /api/runs?limit=${limit}`);
          expect([200, 400]).toContain(list.status);
          count("GET /api/runs/<id>");
          count("GET /api/runs/<id>/events");
          count("GET /api/runs?limit");
        }),
        { numRuns: 150, seed: 62 },
      );
    });

    it("POST /api/webhooks/github: 401 unsigned or wrongly signed, 400 for a signed bad request; never 5xx", async () => {
      const header = fc.oneof(
        fc.constant(null),
        headerText,
        hex64.map((h) => `sha256=${h}`),
        anyText().map((s) => signBody(s, SECRET)), // the signature of another body
        headerText.map((s) => `sha1=${s}`),
      );
      await fc.assert(
        fc.asyncProperty(
          anyText(300),
          header,
          headerText,
          headerText,
          async (body, signature, event, delivery) => {
            const a = await answer(await webhook(event || "push", body, delivery || "d", signature));
            expectClean(a, "webhook unsigned");
            // A match would need the secret: any signature not made for this body is refused.
            if (signature !== signBody(body, SECRET)) expect(a.status).toBe(401);
            count("POST /api/webhooks/github (unsigned or wrongly signed)");
          },
        ),
        { numRuns: 250, seed: 63 },
      );
      // Signed with the secret, but not a push GitHub would send: 400, and the delivery is not kept.
      const notAPush = fc.oneof(
        anyText(200).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        }),
        fc
          .jsonValue()
          .filter((v) => typeof (v as { ref?: unknown } | null)?.ref !== "string")
          .map((v) => JSON.stringify(v)),
        fc
          .record({ ref: fc.oneof(fc.integer(), fc.boolean(), fc.array(anyText())) })
          .map((v) => JSON.stringify(v)),
      );
      await fc.assert(
        fc.asyncProperty(notAPush, fc.nat(), async (body, n) => {
          const a = await answer(await webhook("push", body, guid(10_000 + n)));
          expectClean(a, `webhook signed ${body.slice(0, 60)}`);
          expect(a.status).toBe(400);
          count("POST /api/webhooks/github (signed, not a push)");
        }),
        { numRuns: 150, seed: 64 },
      );
      await fc.assert(
        fc.asyncProperty(
          headerText.filter((s) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(s.trim())),
          async (delivery) => {
            const body = pushToMain(1);
            const a = await answer(await webhook("push", body, delivery));
            expectClean(a, "webhook bad delivery id");
            expect(a.status).toBe(400);
            count("POST /api/webhooks/github (signed, bad delivery id)");
          },
        ),
        { numRuns: 50, seed: 65 },
      );
    });

    it("GET /api/health: always 200 with the health document", async () => {
      for (let i = 0; i < 20; i++) {
        const a = await answer(await healthRoute());
        expectClean(a, "health");
        expect(a.status).toBe(200);
        healthSchema.parse(a.json);
        count("GET /api/health");
      }
    });

    it("GET /published/…: 404 for anything but a published file, and never a file from outside it", async () => {
      const manifest = JSON.parse(readFileSync(join(project.publishPath, "manifest.json"), "utf8")) as {
        tables: { file: string }[];
      };
      const listed = new Set(["manifest.json", ...manifest.tables.map((t) => t.file)]);
      const segment = fc.oneof(
        anyText(),
        fc.constantFrom(
          "..",
          ".",
          "",
          "%2e%2e",
          "%252e%252e",
          "..%2f",
          "..\\",
          "\0",
          "manifest.json",
          "data",
          "runs",
          "sbdk.duckdb",
        ),
        fc.constantFrom(...[...listed].flatMap((f) => f.split("/"))),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (segments) => {
          const a = await answer(
            await publishedRoute(new Request(`${BASE}/published/x`), params({ path: segments })),
          );
          expectClean(a, `published ${JSON.stringify(segments)}`);
          if (listed.has(segments.join("/"))) expect(a.status).toBe(200);
          else expect(a.status).toBe(404);
          count("GET /published/… (generated)");
        }),
        { numRuns: 250, seed: 66 },
      );
      const secretFiles = ["package.json", "sbdk_config.json", "data/sbdk.duckdb", "etc/passwd"];
      const attempts = traversalAttempts(project, secretFiles);
      for (const segments of attempts) {
        const a = await answer(
          await publishedRoute(new Request(`${BASE}/published/x`), params({ path: segments })),
        );
        expectClean(a, `published ${JSON.stringify(segments)}`);
        expect(a.status, JSON.stringify(segments)).toBe(404);
        expect(a.text).not.toContain("root:");
        expect(a.text).not.toContain('"name": "sbdk-starter"');
        count("GET /published/… (path traversal)");
      }
      expect(attempts.length).toBeGreaterThanOrEqual(40);
    });

    it("the CLI's flags: a usage error naming the flag, or settings the config then checks; never a crash", () => {
      const flagValue = fc.oneof(
        anyText().filter((s) => !s.includes("\0")), // a command line cannot carry a NUL
        fc.integer().map(String),
        fc.double({ noNaN: true }).map(String),
        fc.constantFrom(
          "-1",
          "0",
          "1e3",
          "NaN",
          "Infinity",
          "2026-02-30",
          "2026-03-01",
          "../x",
          "/team/sbdk",
          " ",
          "",
        ),
      );
      const argv = (names: string[]) =>
        fc
          .array(
            fc.oneof(
              fc.tuple(fc.constantFrom(...names), flagValue).map(([f, v]) => [`--${f}`, v]),
              fc.constantFrom(...names).map((f) => [`--${f}`]),
              flagValue.map((v) => [v]),
              anyText(12)
                .filter((s) => !s.includes("\0"))
                .map((s) => [`--${s}`]),
            ),
            { maxLength: 6 },
          )
          .map((parts) => parts.flat());
      const commands: [string, string[], (args: string[]) => unknown][] = [
        [
          "run",
          Object.keys(RUN_OPTIONS),
          (args) => {
            // Whatever --config says, the overrides are checked against the project's config.
            const { params: runParams } = parseRunArgs(args);
            return loadConfig({ file: project.configFile, overrides: runParams });
          },
        ],
        ["simulate", Object.keys(SIMULATE_OPTIONS), parseSimulateArgs],
        ["doctor", ["config"], parseDoctorArgs],
        ["export", Object.keys(EXPORT_OPTIONS), parseExportArgs],
      ];
      for (const [name, names, check] of commands) {
        fc.assert(
          fc.property(argv(names), (args) => {
            try {
              check(args);
            } catch (err) {
              expect(err, `sbdk ${name} ${JSON.stringify(args)}: ${String(err)}`).toBeInstanceOf(SbdkError);
              expect((err as SbdkError).kind).toBe("invalid");
              expect((err as SbdkError).exitCode).toBe(2);
            }
            count(`sbdk ${name} flags (in process)`);
          }),
          { numRuns: 100, seed: 67 },
        );
      }
    });

    it("the CLI as a user runs it: exit 2 with the reason (3 while the warehouse is held), nothing created", () => {
      const cases: [string[], number, RegExp][] = [
        [["run", "--seed", "abc"], 2, /--seed expects a number, got "abc"/],
        [["run", "--users=-5"], 2, /"users": expected a positive number of users/],
        [["export", "--base-path", "../up"], 2, /is not a URL path/],
        [["run", "--seed", "1"], 3, /a run is in progress \(bad-input test, started at /],
      ];
      for (const [args, status, message] of cases) {
        const res = sbdk([...args, "--config", project.configFile]);
        expect(res.status, args.join(" ")).toBe(status);
        expect(res.stderr, args.join(" ")).toMatch(message);
        for (const leak of LEAKS) expect(res.stderr, args.join(" ")).not.toMatch(leak);
        count("sbdk (spawned)");
      }
    });

    it("the config file: loaded, or refused naming the field; never another error", () => {
      const dir = mkdtempSync(join(tmpdir(), "sbdk-config-fuzz-"));
      const file = join(dir, "sbdk_config.json");
      const dbt = join(REPO, "dbt");
      const value = fc.oneof(
        fc.jsonValue(),
        anyText(),
        fc.integer(),
        fc.double(),
        fc.constantFrom("data/x.duckdb", "~/x", "/dev/null/x", "a\0b", "", "..", dbt),
      );
      const keys = [...Object.keys(configSchema.shape), "growth.daily_growth", "unknown_key"];
      const config = fc.oneof(
        fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 5 }).map((o) => {
          const out: Record<string, unknown> = { dbt_path: dbt, profiles_dir: dbt, ...o };
          if ("growth.daily_growth" in o) out.growth = { daily_growth: o["growth.daily_growth"] };
          delete out["growth.daily_growth"];
          return JSON.stringify(out);
        }),
        fc.json(),
        anyText(200),
      );
      fc.assert(
        fc.property(config, fc.option(anyText(12), { nil: undefined }), (text, seedEnv) => {
          writeFileSync(file, text);
          try {
            loadConfig({ file, env: seedEnv === undefined ? {} : { SBDK_SEED: seedEnv } });
          } catch (err) {
            expect(err, `${text.slice(0, 120)}: ${String(err)}`).toBeInstanceOf(SbdkError);
            expect((err as SbdkError).code).toBe("invalid:config");
          }
          count("config file (in process)");
        }),
        { numRuns: 300, seed: 68 },
      );
      // Loading never writes: the folder holds the config file and nothing else.
      expect(Object.keys(treeDigest(dir))).toEqual(["sbdk_config.json"]);
    });

    it("left every file of the project as it was, and added up to over 1,000 cases", () => {
      expect(treeDigest(project.dir, skipLock)).toEqual(before);
      expect(getRunQueue().length).toBe(0);
      expect(store.list({ limit: 100 })).toHaveLength(2);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(1000);
      console.log(
        `reliability/bad-input: ${total.toLocaleString("en-US")} cases, 0 answers ≥ 500, 0 stack traces, ` +
          `0 files changed (${Object.keys(before).length} files checksummed)\n` +
          Object.entries(counts)
            .map(([k, v]) => `  ${String(v).padStart(5)}  ${k}`)
            .join("\n"),
      );
    });
  });

  describe("a queued run whose warehouse is taken while its process starts", () => {
    it("waits for it, queued, instead of failing, then runs", async () => {
      // As if a terminal took the warehouse between the queue's look and the run taking it.
      const terminal = acquireLock(project.duckdbPath, "pipeline run");
      const run = store.create({ trigger: "webhook", params: {}, pid: process.pid });
      const child = spawn(
        process.execPath,
        [
          join(REPO, "bin", "sbdk.mjs"),
          "run",
          "--run-id",
          run.id,
          "--events",
          "--config",
          project.configFile,
        ],
        { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, SBDK_HALT_AT: "generate:1" } },
      );
      let stderr = "";
      const seen = (text: string) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`never saw "${text}": ${stderr}`)), 60_000);
          const look = () => {
            if (stderr.includes(text)) {
              clearTimeout(timer);
              resolve();
            } else setTimeout(look, 50);
          };
          look();
        });
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise((resolve) => child.once("close", resolve));
      try {
        await seen("waiting for the warehouse: a run is in progress (pipeline run, started at ");
        expect(store.readRaw(run.id)?.status).toBe("queued");
        terminal.release();
        await seen("halted at generate:1");
        expect(store.readRaw(run.id)).toMatchObject({ status: "running", pid: child.pid });
        expect(readLock(project.duckdbPath)?.pid).toBe(child.pid);
      } finally {
        terminal.release();
        child.kill("SIGKILL");
        await exited;
      }
    });
  });
});

/** Ways to name a file outside the publish: up, encoded, double-encoded, absolute, backslashed, NUL. */
function traversalAttempts(project: TempProject, targets: string[]): string[][] {
  const out: string[][] = [];
  for (const target of targets) {
    const parts = target.split("/");
    for (const up of ["..", "%2e%2e", "%2E%2E", ".%2e", "%252e%252e", "..%2f..", "..\\..", "..%5c.."]) {
      out.push([up, up, up, ...parts]);
      out.push([`${up}/${up}/${up}/${target}`]);
    }
    out.push([`/${target}`]);
    out.push([join(project.dir, target)]);
    out.push(["", "", target]);
    out.push([`${target}\0.parquet`]);
    out.push(["manifest.json", "..", "..", ...parts]);
  }
  out.push(["C:\\Windows\\win.ini"], ["\\\\server\\share\\x.parquet"], ["file:///etc/passwd"]);
  return out;
}
