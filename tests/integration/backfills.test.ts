/**
 * Backfills on a real simulated warehouse with real dbt: the dry run writes nothing; an apply
 * fills every day with the values the registry describes, runs the column's test, logs itself
 * and publishes; applying again changes nothing; the values survive later daily runs and a full
 * refresh, and the new days are filled; an apply killed with SIGKILL is finished by the next.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { readApplies } from "@/lib/server/backfills/log";
import { readBackfillStatus } from "@/lib/server/backfills/status";
import { runDbt } from "@/lib/server/dbt/runner";
import { readPublishedManifest } from "@/lib/server/publish";
import { openWarehouse, openWarehouseWaiting, type Warehouse } from "@/lib/server/warehouse/duckdb";
import {
  BACKFILL_NAMES,
  backfillEventSchema,
  findBackfill,
  previewSchema,
  type ApplyRecord,
  type BackfillStatus,
} from "@/lib/shared/backfills";
import { EMPTY_FILTERS } from "@/lib/shared/dashboard/filters";
import { backfillMetricsQuery } from "@/lib/shared/dashboard/queries/backfills";
import { sqlString } from "@/lib/shared/dashboard/sql";
import { REPO, sbdk, tempProject, type TempProject } from "./helpers";

const SMALL = { seed: 7, users: 600, start_date: "2026-03-01" };
const DAYS = ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"];

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

async function withWarehouse<T>(project: TempProject, fn: (db: Warehouse) => Promise<T>): Promise<T> {
  // A killed apply's dbt worker may need a moment to let go of the file.
  const db = await openWarehouseWaiting(project.duckdbPath, 5_000, { readOnly: true });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

function statusOf(project: TempProject, name: string): Promise<BackfillStatus> {
  return withWarehouse(project, (db) => readBackfillStatus(db, findBackfill(name)));
}

function appliesOf(project: TempProject, name: string): Promise<ApplyRecord[]> {
  return withWarehouse(project, (db) => readApplies(db, { backfill: name }));
}

/**
 * The engagement score as the registry describes it, computed here from fct_sessions' own
 * columns: rows whose engagement_score differs from it, and rows without a value.
 */
const ENGAGEMENT_CHECK = `
  select
    count(*) filter (where engagement_score is distinct from expected)::bigint as wrong,
    count(*) filter (where engagement_score is null)::bigint as missing,
    count(*)::bigint as total
  from (
    select engagement_score,
      case when generation_count = 0 then 0
           else round(least(100, 40.0 * download_count / generation_count
                                + 30.0 * thumbs_up_count / generation_count
                                + 30.0 * least(1, generation_count / 5.0)), 2)
      end as expected
    from marts.fct_sessions
  )`;

/** The quality tier as the registry describes it, for a row of fct_generations. */
function expectedTier(g: {
  is_success: boolean;
  is_thumbs_up: boolean;
  is_thumbs_down: boolean;
  is_downloaded: boolean;
  retry_count: number;
  latency_ms: number;
}): string {
  if (!g.is_success) return "failed";
  if (g.is_thumbs_down || g.retry_count >= 2 || g.latency_ms >= 10_000) return "poor";
  if ((g.is_thumbs_up || g.is_downloaded) && g.retry_count === 0 && g.latency_ms < 4_000) return "excellent";
  if (g.retry_count === 0 && g.latency_ms < 6_000) return "good";
  return "acceptable";
}

async function tierMismatches(
  project: TempProject,
): Promise<{ wrong: number; missing: number; total: number }> {
  return withWarehouse(project, async (db) => {
    const rows = await db.query<{
      quality_tier: string | null;
      is_success: boolean;
      is_thumbs_up: boolean;
      is_thumbs_down: boolean;
      is_downloaded: boolean;
      retry_count: number;
      latency_ms: number;
    }>(
      `select quality_tier, is_success, is_thumbs_up, is_thumbs_down, is_downloaded, retry_count, latency_ms
       from marts.fct_generations`,
    );
    return {
      wrong: rows.filter((r) => r.quality_tier !== null && r.quality_tier !== expectedTier(r)).length,
      missing: rows.filter((r) => r.quality_tier === null).length,
      total: rows.length,
    };
  });
}

/** An order-independent hash of a mart's key and backfilled column. */
function columnHash(project: TempProject, model: string, key: string, column: string): Promise<string> {
  return withWarehouse(project, async (db) => {
    const [row] = await db.query<{ n: number; h: string }>(
      `select count(*)::bigint as n, coalesce(bit_xor(hash(${key}, ${column})), 0)::varchar as h from marts.${model}`,
    );
    return `${row?.n}:${row?.h}`;
  });
}

function applyJson(
  project: TempProject,
  args: string[],
): { status: number | null; result: { records: ApplyRecord[]; published: unknown } } {
  const res = sbdk(["backfill", ...args, "--json", "--config", project.configFile]);
  expect(res.status, res.stdout + res.stderr).toBe(0);
  return {
    status: res.status,
    result: JSON.parse(res.stdout) as { records: ApplyRecord[]; published: unknown },
  };
}

/** A project whose warehouse is a copy of `from`'s (dbt then parses the project again). */
function copyOf(from: TempProject): TempProject {
  const project = tempProject(SMALL);
  mkdirSync(join(project.dir, "data"), { recursive: true });
  copyFileSync(from.duckdbPath, project.duckdbPath);
  return project;
}

describe("backfills on a simulated warehouse, with real dbt", () => {
  let base: TempProject;
  let forKill: TempProject;

  beforeAll(() => {
    base = tempProject(SMALL);
    const sim = sbdk(["simulate", "--days", "4", "--reset", "--config", base.configFile]);
    expect(sim.status, sim.stdout + sim.stderr).toBe(0);
    forKill = copyOf(base);
  });

  it("starts with every backfill not applied, and the daily runs filling none", async () => {
    for (const name of BACKFILL_NAMES) {
      const status = await statusOf(base, name);
      expect(status).toMatchObject({
        state: "not_applied",
        days: 4,
        filledDays: 0,
        filledRows: 0,
        enabled: false,
      });
    }
    const list = sbdk(["backfill", "--list", "--config", base.configFile]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(
      /^session_engagement_score\s+fct_sessions\.engagement_score\s+not applied\s+never$/m,
    );
  });

  it("previews without writing a byte: rows, days, null share, samples, distribution, dbt plan", async () => {
    const before = sha256(base.duckdbPath);
    const res = sbdk([
      "backfill",
      "--metric",
      "session_engagement_score",
      "--dry-run",
      "--json",
      "--config",
      base.configFile,
    ]);
    expect(res.status, res.stderr).toBe(0);
    const all = sbdk(["backfill", "--all", "--dry-run", "--config", base.configFile]);
    expect(all.status, all.stderr).toBe(0);
    expect(sha256(base.duckdbPath)).toBe(before);
    expect(existsSync(`${base.duckdbPath}.wal`)).toBe(false);

    const preview = previewSchema.parse(JSON.parse(res.stdout));
    const sessions = await withWarehouse(base, async (db) => {
      const rows = await db.query<{ day: string; n: number }>(
        `select batch_date::varchar as day, count(*)::bigint as n from marts.fct_sessions group by 1 order by 1`,
      );
      return rows;
    });
    const total = sessions.reduce((n, r) => n + r.n, 0);
    expect(preview.affected).toEqual({
      days: 4,
      rows: total,
      ranges: [{ start: DAYS[0], end: DAYS[3], days: 4 }],
    });
    expect(preview.nullShare).toEqual({ before: 1, after: 0 });
    expect(preview.changedFilledRows).toBe(0);
    // The new values: every session, binned 0–100 by tens.
    expect(preview.distribution.kind).toBe("number");
    if (preview.distribution.kind !== "number") return;
    expect(preview.distribution.count).toBe(total);
    expect(preview.distribution.bins.map((b) => b.start)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(preview.distribution.bins.reduce((n, b) => n + b.count, 0)).toBe(total);
    // Samples: a value to come for rows that have none yet, as the registry defines it.
    expect(preview.samples.length).toBeGreaterThan(3);
    for (const s of preview.samples) {
      expect(s.old).toBeNull();
      const g = Number(s.context.generation_count);
      const expected =
        g === 0
          ? 0
          : Math.round(
              Math.min(
                100,
                (40 * Number(s.context.download_count)) / g +
                  (30 * Number(s.context.thumbs_up_count)) / g +
                  30 * Math.min(1, g / 5),
              ) * 100,
            ) / 100;
      expect(s.new).toBeCloseTo(expected, 9);
    }
    expect(preview.dbt.batchModels).toEqual(["backfill_days", "fct_sessions"]);
    expect(preview.dbt.batchTest).toBe("backfill_session_engagement_score");
    expect(preview.dbt.downstreamModels).toEqual(
      expect.arrayContaining(["agg_sessions_daily", "agg_backfills_daily", "daily_metrics"]),
    );
    expect(preview.dbt.downstreamModels).not.toContain("fct_sessions");
    expect(preview.estimate.batches).toBe(1);
    expect(preview.estimate.seconds).toBeGreaterThan(0);
    expect(preview.code.source).toContain("macro session_engagement_score()");
    expect(all.stdout).toContain(
      "generation_quality_flag → fct_generations.quality_tier (dry run: nothing is written)",
    );
  });

  it("applies batch by batch: every day filled with the registry's values, tested, logged and published", async () => {
    const { result } = applyJson(base, ["--metric", "session_engagement_score", "--batch-days", "3"]);
    const [record] = result.records;
    expect(record).toMatchObject({
      backfill: "session_engagement_score",
      trigger: "cli",
      status: "succeeded",
      days_planned: 4,
      days_done: 4,
      batches: 2,
      batch_days: 3,
      test_status: "pass",
      day_ranges: "2026-03-01 – 2026-03-04",
    });
    const status = await statusOf(base, "session_engagement_score");
    expect(status).toMatchObject({ state: "applied", days: 4, filledDays: 4, enabled: true });
    expect(record!.rows_filled).toBe(status.rows);
    const [check] = await withWarehouse(base, (db) =>
      db.query<{ wrong: number; missing: number; total: number }>(ENGAGEMENT_CHECK),
    );
    expect(check).toEqual({ wrong: 0, missing: 0, total: status.rows });
    // The other backfills are untouched.
    expect((await statusOf(base, "prompt_toxicity")).state).toBe("not_applied");
    // Logged in the warehouse.
    const [logged] = await appliesOf(base, "session_engagement_score");
    expect(logged).toMatchObject({ id: record!.id, status: "succeeded", rows_filled: status.rows });
    expect(logged!.seconds).toBeGreaterThan(0);

    // Published: the dashboard's backfilled metrics equal the mart's values.
    const manifest = (await readPublishedManifest(base.publishPath))!;
    expect(manifest.lineage.find((n) => n.name === "agg_backfills_daily")?.status).toBe("success");
    const db = await openWarehouse(":memory:");
    try {
      for (const t of manifest.tables) {
        await db.run(
          `create view "${t.name}" as select * from read_parquet(${sqlString(join(base.publishPath, t.file))})`,
        );
      }
      const metrics = backfillMetricsQuery.rows(await db.query(backfillMetricsQuery.sql(EMPTY_FILTERS)));
      const [marts] = await db.query<{ n: number; mean: number }>(
        `select count(*)::double as n, avg(engagement_score) as mean from fct_sessions`,
      );
      const engagement = metrics.find((m) => m.name === "session_engagement_score")!;
      expect(engagement).toMatchObject({ days: 4, filledDays: 4, rows: marts!.n, filledRows: marts!.n });
      expect(engagement.mean).toBeCloseTo(marts!.mean, 9);
      expect(metrics.find((m) => m.name === "prompt_toxicity")).toMatchObject({ filledRows: 0, mean: null });
      const pro = backfillMetricsQuery.rows(
        await db.query(backfillMetricsQuery.sql({ ...EMPTY_FILTERS, tiers: ["pro"] })),
      );
      const [proMarts] = await db.query<{ n: number; mean: number }>(
        `select count(*)::double as n, avg(engagement_score) as mean from fct_sessions where user_tier = 'pro'`,
      );
      expect(pro.find((m) => m.name === "session_engagement_score")?.filledRows).toBe(proMarts!.n);
    } finally {
      db.close();
    }
  });

  it("changes nothing when applied again", async () => {
    const before = await columnHash(base, "fct_sessions", "session_id", "engagement_score");
    const { result } = applyJson(base, ["--metric", "session_engagement_score"]);
    expect(result.records[0]).toMatchObject({
      status: "succeeded",
      days_planned: 0,
      days_done: 0,
      rows_filled: 0,
      batches: 0,
    });
    expect(result.published).toBeNull();
    expect(await columnHash(base, "fct_sessions", "session_id", "engagement_score")).toBe(before);
  });

  it("keeps the values through later daily runs and a full refresh, and fills the new days", async () => {
    const applied = await columnHash(base, "fct_sessions", "session_id", "engagement_score");
    const sim = sbdk(["simulate", "--days", "2", "--config", base.configFile]);
    expect(sim.status, sim.stdout + sim.stderr).toBe(0);
    const afterDays = await statusOf(base, "session_engagement_score");
    expect(afterDays).toMatchObject({ state: "applied", days: 6, filledDays: 6 });
    // The days that were filled kept their values.
    const [kept] = await withWarehouse(base, (db) =>
      db.query<{ n: number; h: string }>(
        `select count(*)::bigint as n, coalesce(bit_xor(hash(session_id, engagement_score)), 0)::varchar as h
         from marts.fct_sessions where batch_date <= date '2026-03-04'`,
      ),
    );
    expect(`${kept!.n}:${kept!.h}`).toBe(applied);
    const everything = await columnHash(base, "fct_sessions", "session_id", "engagement_score");

    const config = loadConfig({ file: base.configFile, env: {} });
    const refresh = await runDbt({ config, args: ["build", "--full-refresh"] });
    expect(refresh.exitCode, refresh.outputTail.join("\n")).toBe(0);
    expect(await columnHash(base, "fct_sessions", "session_id", "engagement_score")).toBe(everything);
    expect(await statusOf(base, "session_engagement_score")).toMatchObject({
      state: "applied",
      days: 6,
      filledDays: 6,
    });
    const [check] = await withWarehouse(base, (db) =>
      db.query<{ wrong: number; missing: number }>(ENGAGEMENT_CHECK),
    );
    expect(check).toMatchObject({ wrong: 0, missing: 0 });
    expect((await statusOf(base, "prompt_toxicity")).state).toBe("not_applied");
  });

  it("is finished by the next apply after a kill -9 in the middle", async () => {
    // Day by day, killed as soon as the first batch is done.
    const killed = await new Promise<{ batches: number; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            join(REPO, "bin", "sbdk.mjs"),
            "backfill",
            "--metric",
            "generation_quality_flag",
            "--batch-days",
            "1",
            "--events",
            "--config",
            forKill.configFile,
          ],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        let batches = 0;
        createInterface({ input: child.stdout }).on("line", (line) => {
          const event = backfillEventSchema.safeParse(JSON.parse(line));
          if (event.success && event.data.type === "batch") {
            batches += 1;
            if (batches === 1) child.kill("SIGKILL");
          }
        });
        child.stderr.resume();
        child.once("error", reject);
        child.once("close", (_code, signal) => resolve({ batches, signal }));
      },
    );
    expect(killed.signal).toBe("SIGKILL");
    const partial = await statusOf(forKill, "generation_quality_flag");
    expect(partial.state).toBe("partial");
    expect(partial.filledDays).toBeGreaterThanOrEqual(1);
    expect(partial.filledDays).toBeLessThan(4);
    expect(partial.filled[0]?.start).toBe(DAYS[0]);
    const [interrupted] = await appliesOf(forKill, "generation_quality_flag");
    expect(interrupted).toMatchObject({ status: "interrupted", days_planned: 4 });
    const part = await tierMismatches(forKill);
    expect(part.wrong).toBe(0);
    expect(part.missing).toBeGreaterThan(0);

    const { result } = applyJson(forKill, ["--metric", "generation_quality_flag", "--batch-days", "1"]);
    expect(result.records[0]).toMatchObject({ status: "succeeded", days_planned: 4 - partial.filledDays });
    expect(await statusOf(forKill, "generation_quality_flag")).toMatchObject({
      state: "applied",
      filledDays: 4,
    });
    const done = await tierMismatches(forKill);
    expect(done).toMatchObject({ wrong: 0, missing: 0 });
    const log = await appliesOf(forKill, "generation_quality_flag");
    expect(log.map((a) => a.status)).toEqual(["succeeded", "interrupted"]);
  });
});

describe("sbdk backfill's usage", () => {
  it("names the known backfills for an unknown one, and refuses bad flags with the usage", () => {
    const project = tempProject(SMALL);
    const unknown = sbdk(["backfill", "--metric", "toxicity", "--config", project.configFile]);
    expect(unknown.status).toBe(4);
    expect(unknown.stderr).toContain('there is no backfill named "toxicity"');
    expect(unknown.stderr).toContain(`known backfills: ${BACKFILL_NAMES.join(", ")}`);
    for (const args of [
      [],
      ["--list", "--dry-run"],
      ["--metric", "prompt_toxicity", "--all"],
      ["--all", "--batch-days", "0"],
      ["--list", "--frobnicate"],
    ]) {
      const res = sbdk(["backfill", ...args, "--config", project.configFile]);
      expect(res.status, args.join(" ")).toBe(2);
      expect(res.stderr).toContain("error[invalid:cli]");
      expect(res.stderr).toContain("options for backfill");
    }
    const help = sbdk(["backfill", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--metric NAME");
  });
});
