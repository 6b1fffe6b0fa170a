import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { readManifest, readRunResults } from "@/lib/server/dbt/artifacts";
import { dbtStateDirs } from "@/lib/server/dbt/runner";
import { acquireLock } from "@/lib/server/lock";
import { runPipeline } from "@/lib/server/pipeline";
import { publish, readPublishedManifest } from "@/lib/server/publish";
import { openWarehouse } from "@/lib/server/warehouse/duckdb";
import { RAW_TABLE_NAMES } from "@/lib/server/warehouse/schema";
import { SbdkError } from "@/lib/shared/errors";
import { manifestSchema, type PublishManifest } from "@/lib/shared/manifest";
import { sbdk, tempProject, type TempProject } from "./helpers";

const SMALL = { seed: 7, users: 600, days: 7, start_date: "2026-03-01" };

async function rawChecksums(duckdbPath: string): Promise<Record<string, string>> {
  const db = await openWarehouse(duckdbPath, { readOnly: true });
  try {
    const out: Record<string, string> = {};
    for (const t of RAW_TABLE_NAMES) {
      const [row] = await db.query<{ n: number; h: string }>(
        `select count(*)::bigint as n, coalesce(bit_xor(hash(r)), 0)::varchar as h from raw.${t} as r`,
      );
      out[t] = `${row?.n}:${row?.h}`;
    }
    return out;
  } finally {
    db.close();
  }
}

function fileSha(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

describe("the pipeline, end to end on real DuckDB and real dbt", () => {
  let project: TempProject;
  let cli: ReturnType<typeof sbdk>;
  let manifest: PublishManifest;

  beforeAll(() => {
    project = tempProject(SMALL);
    cli = sbdk(["run", "--config", project.configFile]);
    manifest = manifestSchema.parse(
      JSON.parse(readFileSync(join(project.publishPath, "manifest.json"), "utf8")),
    );
  });

  it("exits 0 and prints the summary a user reads", () => {
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/raw_generations\s+[\d,]+/);
    expect(cli.stdout).toMatch(/users [\d,]+ · regions 5 · active [\d.]+% \(≥1 generation\)/);
    expect(cli.stdout).toContain("dates 2026-03-01 → 2026-03-07");
    expect(cli.stdout).toMatch(/(\d+)\/\1 models built · (\d+)\/\2 tests passed/);
  });

  it("builds every model and passes at least 100 dbt tests", () => {
    expect(manifest.dbt.models.failed).toBe(0);
    expect(manifest.dbt.models.built).toBe(manifest.dbt.models.total);
    expect(manifest.dbt.tests.total).toBeGreaterThanOrEqual(100);
    expect(manifest.dbt.tests.passed).toBe(manifest.dbt.tests.total);
  });

  it("runs every test on every row, stores the failing rows, and publishes each table as one file", () => {
    const { targetPath } = dbtStateDirs(loadConfig({ file: project.configFile, env: {} }));
    const compiled = (test: string) =>
      readFileSync(
        join(targetPath, "compiled", "sbdk_starter", "models", "marts", "fct_generations.yml", `${test}.sql`),
        "utf8",
      );
    // The test that checks only a day's rows in the simulation checks the whole table here.
    expect(compiled("not_null_fct_generations_generation_id")).toContain(
      'from "sbdk"."marts"."fct_generations"',
    );
    expect(compiled("not_null_fct_generations_generation_id")).not.toContain("dbt_subquery");
    const run = readFileSync(
      join(
        targetPath,
        "run",
        "sbdk_starter",
        "models",
        "marts",
        "fct_generations.yml",
        "not_null_fct_generations_generation_id.sql",
      ),
      "utf8",
    );
    expect(run).toContain('from "sbdk"."test_failures"."not_null_fct_generations_generation_id"');
    expect(manifest.tables.filter((t) => t.parts)).toEqual([]);
  });

  it("loads exactly the users of the growth model, with unique keys", async () => {
    // base 600: day 1 = 240, then round(600 × 0.02 × 1.03^(d−1)) for d = 2..7 = 12, 13, 13, 14, 14, 14
    const db = await openWarehouse(project.duckdbPath, { readOnly: true });
    try {
      const [u] = await db.query<{ n: number; ids: number; emails: number; max_id: number }>(
        `select count(*)::bigint as n, count(distinct user_id)::bigint as ids, count(distinct email)::bigint as emails,
                max(user_id)::bigint as max_id from raw.raw_users`,
      );
      expect(u).toEqual({ n: 320, ids: 320, emails: 320, max_id: 320 });
      const [g] = await db.query<{ n: number; ids: number }>(
        "select count(*)::bigint as n, count(distinct generation_id)::bigint as ids from raw.raw_generations",
      );
      expect(g?.n).toBe(g?.ids);
      const [f] = await db.query<{ n: number }>("select count(*)::bigint as n from marts.fct_generations");
      expect(f?.n).toBe(g?.n);
    } finally {
      db.close();
    }
  });

  it("publishes marts, metrics and test results as Parquet whose sizes and checksums match the manifest", () => {
    const names = manifest.tables.map((t) => t.name);
    for (const expected of [
      "dim_users",
      "dim_prompts",
      "fct_generations",
      "fct_sessions",
      "fct_orders",
      "daily_metrics",
      "weekly_growth",
      "tier_summary",
      "user_friction_summary",
      "dbt_test_results",
    ]) {
      expect(names).toContain(expected);
    }
    for (const t of manifest.tables) {
      const file = join(project.publishPath, t.file);
      expect(readFileSync(file).length).toBe(t.bytes);
      expect(fileSha(file)).toBe(t.sha256);
    }
    expect(manifest.date_range).toEqual({ start: "2026-03-01", end: "2026-03-07" });
    expect(manifest.lineage.find((n) => n.name === "fct_sessions")?.depends_on.length).toBeGreaterThan(0);
  });

  it("publishes row counts equal to the marts in the warehouse", async () => {
    const db = await openWarehouse(project.duckdbPath, { readOnly: true });
    try {
      for (const t of manifest.tables.filter((t) => t.layer !== "quality")) {
        const [row] = await db.query<{ n: number }>(`select count(*)::bigint as n from ${t.layer}.${t.name}`);
        expect({ table: t.name, rows: row?.n }).toEqual({ table: t.name, rows: t.rows });
      }
    } finally {
      db.close();
    }
  });

  it("gives identical raw tables and byte-identical Parquet for the same config and seed", async () => {
    const twin = tempProject(SMALL);
    const result = await runPipeline(loadConfig({ file: twin.configFile, env: {} }));
    expect(await rawChecksums(twin.duckdbPath)).toEqual(await rawChecksums(project.duckdbPath));
    const shaByName = (m: PublishManifest) =>
      Object.fromEntries(m.tables.filter((t) => t.layer !== "quality").map((t) => [t.name, t.sha256]));
    expect(shaByName(result.publish.manifest)).toEqual(shaByName(manifest));
  });

  it("re-running replaces every day: row counts and checksums unchanged, no duplicates", async () => {
    const before = await rawChecksums(project.duckdbPath);
    const again = sbdk(["run", "--config", project.configFile]);
    expect(again.status).toBe(0);
    expect(await rawChecksums(project.duckdbPath)).toEqual(before);
    // The previous publish folder is kept for readers still loading it; older ones are pruned.
    const versions = readdirSync(project.publishPath).filter((n) => n.startsWith("v-"));
    expect(versions.length).toBeLessThanOrEqual(2);
  });

  it("a publish that fails before the swap leaves the last publish whole", async () => {
    const config = loadConfig({ file: project.configFile, env: {} });
    const before = readFileSync(join(project.publishPath, "manifest.json"), "utf8");
    const { targetPath } = dbtStateDirs(config);
    await expect(
      publish({
        config,
        runResults: await readRunResults(targetPath),
        manifest: await readManifest(targetPath),
        beforeSwap: () => {
          throw new Error("disk full");
        },
      }),
    ).rejects.toThrow("disk full");
    expect(readFileSync(join(project.publishPath, "manifest.json"), "utf8")).toBe(before);
    const current = await readPublishedManifest(project.publishPath);
    for (const t of current!.tables) expect(existsSync(join(project.publishPath, t.file))).toBe(true);
    expect(readdirSync(project.publishPath).filter((n) => n.startsWith("v-")).length).toBeLessThanOrEqual(2);
  });

  it("refuses a second run while one holds the warehouse, and changes nothing", async () => {
    const config = loadConfig({ file: project.configFile, env: {} });
    const before = await rawChecksums(project.duckdbPath);
    const lock = acquireLock(config.duckdb_path, "pipeline run");
    try {
      const error = await runPipeline(config).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SbdkError);
      expect((error as SbdkError).code).toBe("conflict:pipeline");
      expect((error as SbdkError).message).toMatch(/^a run is in progress \(pipeline run, started at \d{4}-/);
      const cliRun = sbdk(["run", "--config", project.configFile]);
      expect(cliRun.status).toBe(3);
      expect(cliRun.stderr).toContain("a run is in progress");
      expect(cliRun.stderr).not.toMatch(/\n\s+at /);
    } finally {
      lock.release();
    }
    expect(await rawChecksums(project.duckdbPath)).toEqual(before);
  });
});

describe("the pipeline refuses bad input before writing anything", () => {
  it("a bad config value: exit 2, the field named, no warehouse created", () => {
    const project = tempProject({ users: -3 });
    const res = sbdk(["run", "--config", project.configFile]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('"users": expected a positive number of users');
    expect(existsSync(project.duckdbPath)).toBe(false);
  });

  it("an unknown flag: exit 2 with the usage", () => {
    const res = sbdk(["run", "--dayz", "3"]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("Unknown option '--dayz'");
    expect(res.stderr).toContain("usage: sbdk <command>");
  });

  it("--help after a command prints the usage and exits 0", () => {
    for (const command of ["run", "simulate", "export"]) {
      const res = sbdk([command, "--help"]);
      expect(res.status, command).toBe(0);
      expect(res.stdout, command).toContain(`options for ${command}:`);
    }
  });

  it("a non-numeric flag: exit 2 naming the flag", () => {
    const res = sbdk(["run", "--days", "ten"]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('--days expects a number, got "ten"');
  });
});

describe("when dbt fails", () => {
  it("reports the failing model with the tail of dbt's output and keeps the last publish", async () => {
    const project = tempProject({ ...SMALL, users: 200, days: 3 }, { copyDbt: true });
    expect(sbdk(["run", "--config", project.configFile]).status).toBe(0);
    const before = readFileSync(join(project.publishPath, "manifest.json"), "utf8");
    const model = join(project.dbtPath, "models", "marts", "fct_orders.sql");
    writeFileSync(
      model,
      readFileSync(model, "utf8").replace(/select \* from final\s*$/, "select * from final_typo\n"),
    );
    const res = sbdk(["run", "--config", project.configFile]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("error[failed:dbt]");
    expect(res.stderr).toContain("fct_orders");
    expect(res.stderr).toContain("the last publish is unchanged");
    expect(readFileSync(join(project.publishPath, "manifest.json"), "utf8")).toBe(before);
  });
});
