import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { beforeAll, describe, expect, it } from "vitest";
import { dbtStateDirs } from "@/lib/server/dbt/runner";
import { loadConfig } from "@/lib/server/config";
import { readSimulation, readWeeklyGrowth } from "@/lib/server/simulation/state";
import { openWarehouse, openWarehouseWaiting } from "@/lib/server/warehouse/duckdb";
import { manifestSchema, type PublishManifest } from "@/lib/shared/manifest";
import { simulationManifestSchema, type SimulationManifest } from "@/lib/shared/simulation";
import { REPO, sbdk, tempProject, type TempProject } from "./helpers";
import { warehouseChecksums } from "./support/checksums";

const SMALL = { seed: 7, users: 600, start_date: "2026-03-01" };

function dayLines(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l.startsWith("Day "));
}

function readSimulationJson(project: TempProject): SimulationManifest {
  return simulationManifestSchema.parse(
    JSON.parse(readFileSync(join(project.publishPath, "simulation.json"), "utf8")),
  );
}

async function stateOf(project: TempProject) {
  // A killed run's dbt worker may need a moment to let go of the file.
  const db = await openWarehouseWaiting(project.duckdbPath, 5_000, { readOnly: true });
  try {
    return await readSimulation(db);
  } finally {
    db.close();
  }
}

/**
 * Runs `sbdk simulate` as a child and kills it with SIGKILL `delayMs` after its output shows
 * `afterLine` (the day before is then done, and the next one under way).
 */
function simulateAndKill(
  args: string[],
  afterLine: RegExp,
  delayMs: number,
): Promise<{ stdout: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, "bin", "sbdk.mjs"), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let armed = false;
    createInterface({ input: child.stdout }).on("line", (line) => {
      stdout += line + "\n";
      if (!armed && afterLine.test(line)) {
        armed = true;
        setTimeout(() => child.kill("SIGKILL"), delayMs);
      }
    });
    child.stderr.resume();
    child.once("error", reject);
    child.once("close", (_code, signal) => resolve({ stdout, signal }));
  });
}

describe("sbdk simulate, day by day on real DuckDB and real dbt", () => {
  // A: four days in one go. B: the same simulation killed inside day 3, then resumed.
  // C: one day, two days without dbt, then one day with dbt catching up.
  let a: TempProject;
  let b: TempProject;
  let c: TempProject;
  let aRun: ReturnType<typeof sbdk>;
  let aChecksums: Record<string, string>;

  beforeAll(() => {
    a = tempProject(SMALL);
    aRun = sbdk(["simulate", "--days", "4", "--reset", "--config", a.configFile]);
  });

  it("prints one line a day as the seed did, exact for the seed, and the weekly growth table", () => {
    expect(aRun.stderr).toBe("");
    expect(aRun.status).toBe(0);
    const lines = dayLines(aRun.stdout);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^Day {2}1 \(2026-03-01\)\.\.\. \+240 users, \+ 204 gens, \$3140\.00 revenue, 94\.6% success · tests \d+ passed$/,
    );
    expect(lines[1]).toMatch(
      /^Day {2}2 \(2026-03-02\)\.\.\. \+12 users, \+ 133 gens, \$255\.00 revenue, 94\.7% success/,
    );
    expect(lines[2]).toMatch(
      /^Day {2}3 \(2026-03-03\)\.\.\. \+13 users, \+ 127 gens, \$170\.00 revenue, 96\.1% success/,
    );
    expect(aRun.stdout).toContain("Weekly growth");
    expect(aRun.stdout).toMatch(/2026-02-23\s+1\s+240\s+240\s+204\s+94\.6%\s+\$3,140\.00/);
    expect(aRun.stdout).toMatch(/2026-03-02\s+3\s+38\s+-202\s+278\s+/);
  });

  it("runs every dbt test every day, and they pass", async () => {
    const config = loadConfig({ file: a.configFile, env: {} });
    const db = await openWarehouse(config.duckdb_path, { readOnly: true });
    try {
      const days = await db.query<{ day: number; tests_passed: number; tests_failed: number }>(
        "select day, tests_passed, tests_failed from simulation.days order by day",
      );
      expect(days.map((d) => d.day)).toEqual([1, 2, 3, 4]);
      for (const d of days) {
        expect(d.tests_passed).toBeGreaterThanOrEqual(100);
        expect(d.tests_failed).toBe(0);
      }
      expect(new Set(days.map((d) => d.tests_passed)).size).toBe(1);
    } finally {
      db.close();
    }
  });

  it("keeps the marts day for day equal to the raw data", async () => {
    const db = await openWarehouse(a.duckdbPath, { readOnly: true });
    try {
      const perDay = await db.query<{ batch_date: string; raw: number; mart: number }>(`
        select r.batch_date::varchar as batch_date, r.n::integer as raw, coalesce(m.n, 0)::integer as mart
        from (select batch_date, count(*) as n from raw.raw_generations group by all) as r
        left join (select batch_date, count(*) as n from marts.fct_generations group by all) as m using (batch_date)
        order by 1`);
      expect(perDay.map((d) => d.batch_date)).toEqual([
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
      ]);
      for (const d of perDay) expect(d.mart).toBe(d.raw);
      const [users] = await db.query<{ raw: number; dim: number; days: number }>(`
        select (select count(*) from raw.raw_users)::integer as raw,
               (select count(*) from marts.dim_users)::integer as dim,
               (select count(*) from metrics.daily_metrics)::integer as days`);
      // base 600: 240 on day 1, then round(600 × 2% × 1.03^(d−1)) = 12, 13, 13
      expect(users).toEqual({ raw: 278, dim: 278, days: 4 });
    } finally {
      db.close();
    }
  });

  it("builds only the simulated day in the incremental facts", () => {
    const { targetPath } = dbtStateDirs(loadConfig({ file: a.configFile, env: {} }));
    const compiled = readFileSync(
      join(targetPath, "compiled", "sbdk_starter", "models", "marts", "fct_generations.sql"),
      "utf8",
    );
    expect(compiled).toContain(
      "where batch_date between cast('2026-03-04' as date) and cast('2026-03-04' as date)",
    );
  });

  it("checks only the day's rows in the per-row tests of day-kept models, every row for uniqueness", () => {
    const { targetPath } = dbtStateDirs(loadConfig({ file: a.configFile, env: {} }));
    const compiled = (test: string) =>
      readFileSync(
        join(targetPath, "compiled", "sbdk_starter", "models", "marts", "fct_generations.yml", `${test}.sql`),
        "utf8",
      );
    expect(compiled("not_null_fct_generations_generation_id")).toContain(
      `(select * from "sbdk"."marts"."fct_generations" where batch_date between cast('2026-03-04' as date) and cast('2026-03-04' as date)) dbt_subquery`,
    );
    expect(compiled("unique_fct_generations_generation_id")).not.toContain("batch_date");
  });

  it("publishes the marts dbt keeps by day a file per day, together exactly the mart's rows", async () => {
    const manifest = JSON.parse(
      readFileSync(join(a.publishPath, "manifest.json"), "utf8"),
    ) as PublishManifest;
    const db = await openWarehouse(":memory:");
    try {
      await db.run(`attach '${a.duckdbPath}' as wh (read_only)`);
      for (const name of ["fct_generations", "fct_sessions", "fct_orders", "dim_prompts"]) {
        const table = manifest.tables.find((t) => t.name === name)!;
        expect(
          table.parts?.map((p) => p.file.replace(/^v-[^/]+\//, "")),
          name,
        ).toEqual(
          ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"].map(
            (d) => `${name}/batch_date=${d}.parquet`,
          ),
        );
        const files = table.parts!.map((p) => `'${join(a.publishPath, p.file)}'`).join(", ");
        for (const part of table.parts!) {
          const bytes = readFileSync(join(a.publishPath, part.file));
          expect(createHash("sha256").update(bytes).digest("hex")).toBe(part.sha256);
        }
        // Same rows as the mart (doubles as published: rounded to 6 decimals).
        const [diff] = await db.query<{ published: number; mart: number; differing: number }>(`
          with published as (select * from read_parquet([${files}])),
               mart as (select * from wh.marts.${name})
          select (select count(*) from published)::integer as published,
                 (select count(*) from mart)::integer as mart,
                 (select count(*) from (select * from published except all
                   select ${(
                     await db.query<{ column_name: string; data_type: string }>(
                       `select column_name, data_type from information_schema.columns
                        where table_catalog = 'wh' and table_schema = 'marts' and table_name = '${name}'
                        order by ordinal_position`,
                     )
                   )
                     .map((c) =>
                       c.data_type === "DOUBLE" ? `round("${c.column_name}", 6)` : `"${c.column_name}"`,
                     )
                     .join(", ")} from mart))::integer as differing`);
        expect(diff, name).toEqual({ published: table.rows, mart: table.rows, differing: 0 });
      }
      // Everything else is one file, as a plain run publishes it.
      expect(
        manifest.tables
          .filter((t) => t.parts)
          .map((t) => t.name)
          .sort(),
      ).toEqual(["dim_prompts", "fct_generations", "fct_orders", "fct_sessions"]);
    } finally {
      db.close();
    }
  });

  it("prints the same weekly growth as the dashboard's weekly_growth mart", async () => {
    const db = await openWarehouse(a.duckdbPath, { readOnly: true });
    try {
      const weekly = await readWeeklyGrowth(db);
      const mart = await db.query<{
        week_start: string;
        new_users: number;
        generations: number;
        revenue_usd: number;
      }>(
        "select week_start::varchar as week_start, new_users, generations, revenue_usd from metrics.weekly_growth order by 1",
      );
      expect(weekly.map((w) => [w.weekStart, w.newUsers, w.generations, w.revenueUsd])).toEqual(
        mart.map((m) => [m.week_start, m.new_users, m.generations, m.revenue_usd]),
      );
    } finally {
      db.close();
    }
  });

  it("keeps a snapshot of the metric and dashboard tables for every day, listed in simulation.json", async () => {
    const sim = readSimulationJson(a);
    expect(sim.seed).toBe(7);
    expect(sim.days.map((d) => [d.day, d.date])).toEqual([
      [1, "2026-03-01"],
      [2, "2026-03-02"],
      [3, "2026-03-03"],
      [4, "2026-03-04"],
    ]);
    expect(sim.days[0]!.summary).toMatchObject({ new_users: 240, generations: 204, revenue_usd: 3140 });
    const db = await openWarehouse(":memory:");
    try {
      for (const day of sim.days) {
        expect(day.files.map((f) => f.name).sort()).toEqual([
          "agg_active_users_daily",
          "agg_backfills_daily",
          "agg_generations_daily",
          "agg_orders_daily",
          "agg_sessions_daily",
          "agg_signups_daily",
          "daily_metrics",
          "day_summaries",
          "dbt_test_results",
          "tier_summary",
          "top_friction_sessions",
          "weekly_growth",
        ]);
        // The day's publish manifest lists the same files, for the dashboard of that day.
        const dayManifest = manifestSchema.parse(
          JSON.parse(readFileSync(join(a.publishPath, day.manifest!), "utf8")),
        );
        expect(dayManifest.generated_at).toBe(day.published_at);
        expect(dayManifest.tables.map((t) => [t.name, t.file, t.sha256]).sort()).toEqual(
          day.files
            .filter((f) => f.name !== "day_summaries")
            .map((f) => [f.name, f.file, f.sha256])
            .sort(),
        );
        expect(dayManifest.date_range).toEqual({ start: "2026-03-01", end: day.date });
        for (const file of day.files) {
          const path = join(a.publishPath, file.file);
          expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(file.sha256);
        }
        const daily = day.files.find((f) => f.name === "daily_metrics")!;
        const rows = await db.query<{ last: string; n: number }>(
          `select max(date_day)::varchar as last, count(*)::integer as n from read_parquet('${join(a.publishPath, daily.file)}')`,
        );
        // The dashboard as it stood that day: every day so far, and no later one.
        expect(rows[0]).toEqual({ last: day.date, n: day.day });
      }
    } finally {
      db.close();
    }
    // The dashboard's own publish is the last day's.
    const manifest = JSON.parse(readFileSync(join(a.publishPath, "manifest.json"), "utf8"));
    expect(manifest.date_range).toEqual({ start: "2026-03-01", end: "2026-03-04" });
  });

  it("refuses a different seed on the simulation it would continue, and changes nothing", async () => {
    aChecksums = await warehouseChecksums(a.duckdbPath);
    const res = sbdk(["simulate", "--days", "1", "--seed", "8", "--config", a.configFile]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain(
      '"seed": 8 differs from the seed of the simulation in the warehouse (7, 4 day(s) done)',
    );
    expect(await warehouseChecksums(a.duckdbPath)).toEqual(aChecksums);
  });

  it("re-running a day changes nothing", async () => {
    // As if the last run had stopped after day 4's publish, before marking it done.
    const db = await openWarehouse(a.duckdbPath);
    try {
      await db.run("update simulation.state set last_day = 3");
    } finally {
      db.close();
    }
    const res = sbdk(["simulate", "--days", "1", "--config", a.configFile]);
    expect(res.status).toBe(0);
    expect(dayLines(res.stdout)).toEqual([dayLines(aRun.stdout)[3]]);
    expect(await warehouseChecksums(a.duckdbPath)).toEqual(aChecksums);
    expect((await stateOf(a))?.lastDay).toBe(4);
  });

  it("resumes after being killed inside a day, and ends equal to an uninterrupted run", async () => {
    b = tempProject(SMALL);
    const killed = await simulateAndKill(
      ["simulate", "--days", "4", "--reset", "--config", b.configFile],
      /^Day {2}2 /,
      1500,
    );
    expect(killed.signal).toBe("SIGKILL");
    expect(dayLines(killed.stdout)).toEqual(dayLines(aRun.stdout).slice(0, 2));
    // Killed inside day 3: days 1 and 2 are done.
    expect((await stateOf(b))?.lastDay).toBe(2);

    const resumed = sbdk(["simulate", "--days", "2", "--config", b.configFile]);
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain("continuing simulation");
    expect(dayLines(resumed.stdout)).toEqual(dayLines(aRun.stdout).slice(2));
    expect(await warehouseChecksums(b.duckdbPath)).toEqual(aChecksums);

    // The replay snapshots are byte for byte those of the uninterrupted run (but the test
    // results, which hold how long each test took).
    const files = (p: TempProject) =>
      readSimulationJson(p).days.map((d) => [
        d.summary,
        d.files.filter((f) => f.name !== "dbt_test_results").map((f) => f.sha256),
      ]);
    expect(files(b)).toEqual(files(a));
  });

  it("catches up the days loaded without dbt, and ends equal to an uninterrupted run", async () => {
    c = tempProject(SMALL);
    expect(sbdk(["simulate", "--days", "1", "--reset", "--config", c.configFile]).status).toBe(0);
    const loadOnly = sbdk(["simulate", "--days", "2", "--skip-dbt", "--config", c.configFile]);
    expect(loadOnly.status).toBe(0);
    expect(dayLines(loadOnly.stdout).every((l) => l.endsWith("· dbt skipped"))).toBe(true);
    expect(readSimulationJson(c).days).toHaveLength(1);
    const last = sbdk(["simulate", "--days", "1", "--config", c.configFile]);
    expect(last.status).toBe(0);
    expect(dayLines(last.stdout)).toEqual(dayLines(aRun.stdout).slice(3));
    const checksums = await warehouseChecksums(c.duckdbPath);
    // Days 2 and 3 ran without tests, so their summaries differ; the data does not.
    const withoutSummaries = (x: Record<string, string>) =>
      Object.fromEntries(Object.entries(x).filter(([k]) => k !== "simulation.days"));
    expect(withoutSummaries(checksums)).toEqual(withoutSummaries(aChecksums));
  });

  it("continues with the simulation's own parameters when the config changed, and says so", async () => {
    const res = sbdk(["simulate", "--days", "1", "--skip-dbt", "--config", c.configFile], { SBDK_SEED: "9" });
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(
      "note: the config differs from the simulation in the warehouse, which keeps its own seed 7;",
    );
    expect(dayLines(res.stdout)).toHaveLength(1);
    expect(dayLines(res.stdout)[0]).toMatch(/^Day {2}5 \(2026-03-05\)\.\.\. .* · dbt skipped$/);
    expect((await stateOf(c))?.seed).toBe(7);
  });

  it("refuses bad flags with the usage and exit code 2, creating nothing", () => {
    const project = tempProject(SMALL);
    for (const args of [
      ["--days", "0"],
      ["--days", "two"],
      ["--seed", "-1"],
      ["--skip-dbt", "--skip-tests"],
      ["--frobnicate"],
    ]) {
      const res = sbdk(["simulate", ...args, "--config", project.configFile]);
      expect(res.status, args.join(" ")).toBe(2);
      expect(res.stderr, args.join(" ")).toContain("usage: sbdk <command> [options]");
    }
    expect(existsSync(project.duckdbPath)).toBe(false);
  });
});
