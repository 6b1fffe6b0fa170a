import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { readManifest } from "@/lib/server/dbt/artifacts";
import { dbtStateDirs, runDbt } from "@/lib/server/dbt/runner";
import { nodeDuckdbVersion } from "@/lib/server/doctor";
import { acquireLock } from "@/lib/server/lock";
import { REPO, sbdk, tempProject } from "./helpers";

describe("sbdk doctor", () => {
  it("reports every tool with its version and passes on a set-up machine", () => {
    const project = tempProject();
    const res = sbdk(["doctor", "--config", project.configFile]);
    expect(res.status).toBe(0);
    const duck = nodeDuckdbVersion();
    expect(res.stdout).toMatch(/✓ node\s+Node \d+\.\d+/);
    expect(res.stdout).toMatch(/✓ python\s+Python 3\.\d+/);
    expect(res.stdout).toContain(`✓ duckdb    ${duck} on both sides (Node and Python)`);
    expect(res.stdout).toMatch(/✓ dbt\s+dbt-core 1\.1[12]\.\d+, dbt-duckdb 1\.\d+\.\d+ \(project \.venv/);
    expect(res.stdout).toMatch(/✓ config\s+.*sbdk_config\.json: seed 42/);
    expect(res.stdout).toContain("✓ lock      the warehouse is free");
    expect(res.stdout).toContain("! warehouse");
    expect(res.stdout).toContain("→ run `npm run pipeline`");
  });

  it("says which config field is wrong and what is running", () => {
    const bad = tempProject({ days: "thirty" });
    const res = sbdk(["doctor", "--config", bad.configFile]);
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/✗ config\s+.*"days"/);

    const project = tempProject();
    const lock = acquireLock(join(project.dir, "data", "sbdk.duckdb"), "pipeline run");
    try {
      expect(sbdk(["doctor", "--config", project.configFile]).stdout).toMatch(
        /! lock\s+a run is in progress \(pipeline run/,
      );
    } finally {
      lock.release();
    }
  });

  it("the Python duckdb is the DuckDB that @duckdb/node-api bundles", () => {
    const py = spawnSync(
      join(REPO, ".venv", "bin", "python"),
      ["-c", "import duckdb; print(duckdb.__version__)"],
      { encoding: "utf8" },
    );
    expect(py.stdout.trim()).toBe(nodeDuckdbVersion());
  });
});

describe("the dbt project", () => {
  it("parses without deprecation warnings and declares at least 100 data tests", async () => {
    const project = tempProject();
    const config = loadConfig({ file: project.configFile, env: {} });
    const logs: string[] = [];
    const parse = await runDbt({
      config,
      args: ["parse", "--no-partial-parse"],
      onEvent: (e) => {
        if (e.type === "log") logs.push(`${e.level}: ${e.message}`);
      },
    });
    expect(parse.exitCode).toBe(0);
    expect(logs.filter((l) => /deprecat|warn/i.test(l))).toEqual([]);
    const manifest = await readManifest(dbtStateDirs(config).targetPath);
    const tests = Object.values(manifest.nodes).filter((n) => n.resource_type === "test");
    expect(tests.length).toBeGreaterThanOrEqual(100);
    const singular = tests.filter((t) => !t.test_metadata).map((t) => t.name);
    for (const rule of [
      "assert_no_orphan_generations",
      "assert_no_orphan_prompts",
      "assert_session_dates_valid",
      "assert_signup_before_activity",
      "assert_cost_positive_for_successful_generations",
      "assert_friction_consistent",
      "assert_no_gaps_in_daily_metrics",
      "assert_tier_distribution_reasonable",
    ]) {
      expect(singular).toContain(rule);
    }
    const generic = new Set(tests.map((t) => t.test_metadata?.name).filter(Boolean));
    for (const kind of ["unique", "not_null", "relationships", "accepted_values", "accepted_range"])
      expect(generic).toContain(kind);
  });

  it("names what is missing when dbt cannot run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sbdk-nodbt-"));
    const config = loadConfig({ file: tempProject().configFile, env: {} });
    const error = await runDbt({
      config,
      args: ["parse"],
      effects: {
        locate: () => ({
          command: join(dir, "no-such-dbt"),
          prefixArgs: [],
          source: "PATH",
          tried: [join(dir, "no-such-dbt")],
        }),
      },
    }).catch((e: unknown) => e);
    expect(String((error as Error).message)).toContain("could not start dbt");
    expect(JSON.stringify(error)).toContain("no-such-dbt");
  });
});
