/**
 * The quality page's report on a real publish: the real pipeline in a temp project, one
 * rule-breaking raw row, a real `dbt build` and publish, then readQualityReport over the files.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { readManifest, readRunResults, type RunResults } from "@/lib/server/dbt/artifacts";
import { dbtStateDirs, runDbt } from "@/lib/server/dbt/runner";
import { publish } from "@/lib/server/publish";
import { readQualityReport } from "@/lib/server/quality/report";
import { openWarehouse } from "@/lib/server/warehouse/duckdb";
import { SbdkError } from "@/lib/shared/errors";
import type { PublishManifest } from "@/lib/shared/manifest";
import type { ReadyQualityReport } from "@/lib/shared/quality/report";
import { countTests } from "@/lib/shared/quality/status";
import { sbdk, tempProject, type TempProject } from "./helpers";

const SMALL = { seed: 7, users: 200, days: 3, start_date: "2026-03-01" };
const COST_RULE = "assert_cost_positive_for_successful_generations";

describe("data-quality failures are published with their failing rows", () => {
  let project: TempProject;
  let badId: number;
  let manifest: PublishManifest;
  let runResults: RunResults;

  beforeAll(async () => {
    project = tempProject(SMALL);
    expect(sbdk(["run", "--config", project.configFile]).status).toBe(0);
    const config = loadConfig({ file: project.configFile, env: {} });
    // A successful generation that cost nothing breaks a business rule (a warn test).
    const db = await openWarehouse(config.duckdb_path);
    try {
      const [row] = await db.query<{ id: number }>(
        `select min(generation_id)::bigint as id from raw.raw_generations
         where status = 'success' and batch_date = (select max(batch_date) from raw.raw_generations)`,
      );
      badId = row!.id;
      await db.run(`update raw.raw_generations set cost_credits = 0 where generation_id = ${badId}`);
    } finally {
      db.close();
    }
    const build = await runDbt({ config, args: ["build"] });
    expect(build.exitCode).toBe(0);
    const { targetPath } = dbtStateDirs(config);
    runResults = await readRunResults(targetPath);
    manifest = (await publish({ config, runResults, manifest: await readManifest(targetPath) })).manifest;
  });

  it("a successful generation that cost nothing: the business-rule test warns, the publish carries the row", async () => {
    expect(manifest.dbt.tests.warned).toBe(1);
    expect(manifest.dbt.tests.failed).toBe(0);
    const file = join(project.publishPath, manifest.tables.find((t) => t.name === "dbt_test_results")!.file);
    const reader = await openWarehouse(":memory:");
    try {
      const rows = await reader.query<{
        test_name: string;
        status: string;
        failures: number;
        model: string | null;
        failing_rows_json: string;
      }>(
        `select test_name, status, failures, model, failing_rows_json from read_parquet('${file}') where status <> 'pass'`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ test_name: COST_RULE, status: "warn", failures: 1 });
      const failing = JSON.parse(rows[0]!.failing_rows_json) as Record<string, unknown>[];
      expect(failing).toHaveLength(1);
      expect(Object.values(failing[0]!)).toContain(badId);
    } finally {
      reader.close();
    }
  });

  describe("readQualityReport on that publish", () => {
    let report: ReadyQualityReport;

    beforeAll(async () => {
      const read = await readQualityReport(project.publishPath);
      if (read.status !== "ready") throw new Error("expected a ready report");
      report = read;
    });

    it("lists exactly the tests of dbt's run_results.json, each with its status and failure count", () => {
      const tests = runResults.results.filter((r) => r.unique_id.startsWith("test."));
      expect(report.tests).toHaveLength(tests.length);
      const byId = new Map(report.tests.map((t) => [t.id, t]));
      for (const r of tests) {
        const t = byId.get(r.unique_id);
        expect(t, r.unique_id).toBeDefined();
        expect({ id: r.unique_id, status: t!.status, failures: t!.failures }).toEqual({
          id: r.unique_id,
          status: r.status,
          failures: r.failures ?? null,
        });
      }
    });

    it("counts the tests exactly as the manifest's summary does, and carries that summary", () => {
      expect(countTests(report.tests)).toEqual(manifest.dbt.tests);
      expect(report.dbt).toEqual(manifest.dbt);
      expect(report.publishedAt).toBe(manifest.generated_at);
      expect(report.tests.length).toBeGreaterThanOrEqual(100);
    });

    it("has every model and source of the lineage, each model with its build status and time from run_results", () => {
      expect(report.nodes.map((n) => n.id).sort()).toEqual(manifest.lineage.map((n) => n.id).sort());
      const models = runResults.results.filter((r) => r.unique_id.startsWith("model."));
      expect(report.nodes.filter((n) => n.resource_type === "model")).toHaveLength(models.length);
      expect(models.length).toBe(manifest.dbt.models.total);
      for (const r of models) {
        const node = report.nodes.find((n) => n.id === r.unique_id)!;
        expect({ id: node.id, status: node.status, seconds: node.seconds }).toEqual({
          id: r.unique_id,
          status: r.status,
          seconds: Math.round(r.execution_time * 1000) / 1000,
        });
      }
      // Every test is on a model of the lineage, so the per-model counts add up to all tests.
      const perModel = report.nodes.reduce((sum, n) => sum + n.tests.total, 0);
      expect(perModel).toBe(report.tests.length);
    });

    it("puts the warned business rule first, carrying the generation that cost nothing as its failing row", () => {
      const warned = report.tests[0]!;
      expect(warned).toMatchObject({
        name: COST_RULE,
        status: "warn",
        model: "fct_generations",
        failures: 1,
      });
      expect(warned.message).toMatch(/Got 1 result, configured to warn if != 0/);
      const sample = warned.failingRows!;
      expect(sample.columns).toEqual(expect.arrayContaining(["generation_id", "status", "cost_credits"]));
      expect(sample.rows).toHaveLength(1);
      const value = (column: string) => sample.rows[0]![sample.columns.indexOf(column)];
      expect(value("generation_id")).toBe(badId);
      expect(value("status")).toBe("success");
      expect(value("cost_credits")).toBe(0);
      expect(report.tests.slice(1).every((t) => t.status === "pass" && t.failingRows === null)).toBe(true);
    });

    it("colours fct_generations amber and every other model green, sources uncoloured", () => {
      const health = Object.fromEntries(report.nodes.map((n) => [n.name, n.health]));
      expect(health.fct_generations).toBe("warn");
      for (const n of report.nodes) {
        if (n.name === "fct_generations") continue;
        expect({ node: n.name, health: n.health }).toEqual({
          node: n.name,
          health: n.resource_type === "source" ? "none" : "pass",
        });
      }
    });

    it("is plain JSON: what the page receives is what the loader returned", () => {
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    });

    it("a publish whose manifest lists no test results is refused, saying to publish again", async () => {
      const dir = mkdtempSync(join(tmpdir(), "sbdk-it-quality-"));
      const published = JSON.parse(
        readFileSync(join(project.publishPath, "manifest.json"), "utf8"),
      ) as PublishManifest;
      writeFileSync(
        join(dir, "manifest.json"),
        JSON.stringify({ ...published, tables: published.tables.filter((t) => t.layer !== "quality") }),
      );
      const error = await readQualityReport(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SbdkError);
      expect((error as SbdkError).code).toBe("failed:publish");
      expect((error as SbdkError).message).toBe(`the publish in ${dir} has no dbt_test_results table`);
    });
  });

  it("a build that stores no failing rows (as the simulation's days): the publish takes them from the test's SQL", async () => {
    const config = loadConfig({ file: project.configFile, env: {} });
    // Nothing left from the build above: the rows can only come from the test's own SQL.
    const db = await openWarehouse(config.duckdb_path);
    try {
      await db.run("drop schema test_failures cascade");
    } finally {
      db.close();
    }
    const build = await runDbt({ config, args: ["build", "--vars", '{"store_test_failures": false}'] });
    expect(build.exitCode).toBe(0);
    const { targetPath } = dbtStateDirs(config);
    const results = await readRunResults(targetPath);
    const published = await publish({
      config,
      runResults: results,
      manifest: await readManifest(targetPath),
      storedFailures: false,
    });
    const check = await openWarehouse(config.duckdb_path, { readOnly: true });
    try {
      const stored = await check.query(
        "select table_name from information_schema.tables where table_schema = 'test_failures'",
      );
      expect(stored).toEqual([]);
    } finally {
      check.close();
    }
    expect(published.manifest.dbt.tests.warned).toBe(1);
    const file = join(
      project.publishPath,
      published.manifest.tables.find((t) => t.name === "dbt_test_results")!.file,
    );
    const reader = await openWarehouse(":memory:");
    try {
      const rows = await reader.query<{ test_name: string; failing_rows_json: string }>(
        `select test_name, failing_rows_json from read_parquet('${file}') where status <> 'pass'`,
      );
      expect(rows.map((r) => r.test_name)).toEqual([COST_RULE]);
      const failing = JSON.parse(rows[0]!.failing_rows_json) as Record<string, unknown>[];
      expect(failing).toHaveLength(1);
      expect(failing[0]).toMatchObject({ generation_id: badId, status: "success", cost_credits: 0 });
    } finally {
      reader.close();
    }
  });
});

describe("readQualityReport with nothing published", () => {
  it("says so, naming the folder, instead of failing", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sbdk-it-quality-")), "public", "data");
    mkdirSync(dir, { recursive: true });
    expect(await readQualityReport(dir)).toEqual({ status: "missing", publishPath: dir });
  });
});
