import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodeDuckdbVersion } from "@/lib/server/doctor";
import { cachedLookup, readHealth, type HealthEffects, type PythonVersions } from "@/lib/server/health";
import { DEFAULT_GROWTH, type Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import { healthSchema } from "@/lib/shared/health";
import type { PublishManifest } from "@/lib/shared/manifest";
import { emptyRunProgress, type PipelineRunRecord } from "@/lib/shared/runs";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sbdk-health-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

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

const manifest = {
  generated_at: "2026-03-02T09:00:00.000Z",
  date_range: { start: "2026-03-01", end: "2026-03-02" },
  tables: [{}, {}, {}],
  dbt: { tests: { failed: 1 } },
} as unknown as PublishManifest;

const run = (patch: Partial<PipelineRunRecord>): PipelineRunRecord => ({
  id: "r-20260302-095900-ab12",
  kind: "pipeline",
  trigger: "webhook",
  params: {},
  settings: null,
  status: "succeeded",
  created: "2026-03-02T09:59:00.000Z",
  started: "2026-03-02T09:59:00.000Z",
  finished: "2026-03-02T10:00:00.000Z",
  duration_seconds: 60,
  error: null,
  progress: emptyRunProgress(),
  summary: null,
  pid: null,
  exit_code: 0,
  ...patch,
});

const PYTHON_OK: PythonVersions = {
  duckdb: nodeDuckdbVersion(),
  dbt_core: "1.11.16",
  dbt_duckdb: "1.11.1",
  error: null,
};

function effects(patch: Partial<HealthEffects> = {}): HealthEffects {
  return {
    loadConfig: config,
    queue: { length: 0, activeRun: null, queuedRuns: [] },
    store: () => ({ list: () => [run({})] }),
    readLock: () => null,
    readPublishedManifest: () => Promise.resolve(manifest),
    pythonVersions: () => Promise.resolve(PYTHON_OK),
    now: () => new Date("2026-03-02T10:00:00Z"),
    env: { SBDK_WEBHOOK_SECRET: "s" },
    ...patch,
  };
}

describe("readHealth", () => {
  it("is ok with a warehouse, a publish, a successful last run and matching DuckDB versions", async () => {
    writeFileSync(join(dir, "sbdk.duckdb"), "x".repeat(12));
    const health = healthSchema.parse(await readHealth(effects()));
    expect(health).toMatchObject({
      status: "ok",
      reasons: [],
      checked_at: "2026-03-02T10:00:00.000Z",
      warehouse: { exists: true, bytes: 12, locked_by: null },
      publish: {
        exists: true,
        generated_at: "2026-03-02T09:00:00.000Z",
        age_seconds: 3600,
        tables: 3,
        tests_failed: 1,
      },
      last_run: {
        id: "r-20260302-095900-ab12",
        kind: "pipeline",
        status: "succeeded",
        trigger: "webhook",
        error: null,
      },
      queue: { length: 0, active_run_id: null, queued: 0 },
      versions: { duckdb_node: nodeDuckdbVersion(), duckdb_python: nodeDuckdbVersion(), dbt_core: "1.11.16" },
      webhook: { enabled: true, branch: "main" },
    });
  });

  it("is degraded, saying why and what to do, when parts are missing or a run failed", async () => {
    const health = await readHealth(
      effects({
        readPublishedManifest: () => Promise.resolve(null),
        store: () => ({
          list: () => [run({ status: "failed", error: { code: "failed:dbt", message: "dbt build failed" } })],
        }),
        pythonVersions: () => Promise.resolve({ ...PYTHON_OK, duckdb: "0.9.0" }),
        readLock: () => ({ pid: 99, job: "pipeline run", started_at: "2026-03-02T09:59:30.000Z" }),
        queue: {
          length: 2,
          activeRun: run({ id: "r-20260302-095930-cd34", status: "running" }),
          queuedRuns: [run({ status: "queued" })],
        },
        env: {},
      }),
    );
    expect(health.status).toBe("degraded");
    expect(health.reasons).toEqual([
      "no warehouse yet: run the pipeline (`npm run pipeline` or POST /api/runs)",
      "nothing is published yet: the dashboard has no data until a run succeeds",
      "the last run (r-20260302-095900-ab12) failed: dbt build failed; the last publish is still served",
      `DuckDB ${nodeDuckdbVersion()} (Node) and 0.9.0 (Python, dbt's) differ: one side cannot open the other's file; run \`npm run setup\``,
    ]);
    expect(health.queue).toEqual({ length: 2, active_run_id: "r-20260302-095930-cd34", queued: 1 });
    expect(health.warehouse.locked_by).toEqual({
      pid: 99,
      job: "pipeline run",
      started_at: "2026-03-02T09:59:30.000Z",
    });
    expect(health.webhook).toEqual({ enabled: false, branch: null });
  });

  it("still answers when the config is invalid or dbt cannot be found", async () => {
    const health = await readHealth(
      effects({
        loadConfig: () => {
          throw new SbdkError("invalid:config", "the config is invalid", {
            details: ['"users": expected a number'],
          });
        },
        pythonVersions: () =>
          Promise.resolve({ duckdb: null, dbt_core: null, dbt_duckdb: null, error: "dbt was not found" }),
      }),
    );
    expect(healthSchema.parse(health).status).toBe("degraded");
    expect(health.reasons).toEqual([
      'the config is invalid: the config is invalid; "users": expected a number',
      "dbt cannot be found or run: dbt was not found; run `npm run setup`",
    ]);
    expect(health.warehouse.exists).toBe(false);
    expect(health.publish.exists).toBe(false);
  });
});

describe("cachedLookup", () => {
  it("looks the versions up once for many requests, again after ten minutes, and retries a failure after one", async () => {
    let calls = 0;
    let now = 0;
    let fail = false;
    const lookUp = cachedLookup(
      () => {
        calls++;
        return Promise.resolve(fail ? { ...PYTHON_OK, error: "python failed" } : PYTHON_OK);
      },
      () => now,
    );
    await Promise.all(Array.from({ length: 50 }, () => lookUp()));
    expect(calls).toBe(1);
    now = 9 * 60_000;
    await lookUp();
    expect(calls).toBe(1);
    now = 10 * 60_000 + 1;
    fail = true;
    await lookUp();
    expect(calls).toBe(2);
    now += 30_000;
    await lookUp();
    expect(calls).toBe(2);
    now += 31_000;
    fail = false;
    expect((await lookUp()).error).toBeNull();
    expect(calls).toBe(3);
  });
});
