import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportedTables, normalizeBasePath, stageSimulation } from "@/lib/server/export";
import { DEFAULT_GROWTH } from "@/lib/shared/config";
import type { PublishManifest, PublishedTable } from "@/lib/shared/manifest";

describe("the export's base path", () => {
  it.each([
    ["", ""],
    ["/", ""],
    [" / ", ""],
    ["/sbdk", "/sbdk"],
    ["/team/sbdk/", "/team/sbdk"],
    ["/a.b_c~d-e", "/a.b_c~d-e"],
  ])("%j → %j", (input, want) => {
    expect(normalizeBasePath(input)).toBe(want);
  });

  it.each(["sbdk", "/team/../etc", "/a b", "//", "/x?y=1", "/x#y", "https://example.org/x"])(
    "refuses %j, naming the flag and the expected form",
    (input) => {
      expect(() => normalizeBasePath(input)).toThrow(
        /--base-path .* is not a URL path: expected "\/" or \/segment/,
      );
    },
  );
});

describe("the tables an export carries", () => {
  const table = (name: string, layer: PublishedTable["layer"]): PublishedTable => ({
    name,
    layer,
    file: `v-1/${name}.parquet`,
    rows: 1,
    bytes: 1,
    sha256: "0".repeat(64),
    columns: [],
  });

  it("keeps what the dashboard and quality pages read, drops the rest", () => {
    const manifest = {
      tables: [
        table("dim_prompts", "marts"),
        table("dim_users", "marts"),
        table("fct_generations", "marts"),
        table("fct_orders", "marts"),
        table("fct_sessions", "marts"),
        table("agg_sessions_daily", "metrics"),
        table("daily_metrics", "metrics"),
        table("top_friction_sessions", "metrics"),
        table("weekly_growth", "metrics"),
        table("dbt_test_results", "quality"),
      ],
    } as PublishManifest;
    // The dashboard reads dbt's aggregate tables, so the marts stay out of the site.
    expect(exportedTables(manifest).map((t) => t.name)).toEqual([
      "agg_sessions_daily",
      "daily_metrics",
      "top_friction_sessions",
      "weekly_growth",
      "dbt_test_results",
    ]);
  });
});

describe("the simulation an export carries", () => {
  const sha = "a".repeat(64);
  let dir: string;
  let publish: string;
  let stage: string;

  const day = (n: number, withManifest = true) => {
    const folder = `simulation/sim-1/day-${String(n).padStart(4, "0")}`;
    const files = ["agg_sessions_daily", "day_summaries"].map((name) => ({
      name,
      file: `${folder}/${name}.parquet`,
      rows: n,
      bytes: 5,
      sha256: sha,
    }));
    mkdirSync(join(publish, folder), { recursive: true });
    for (const f of files) writeFileSync(join(publish, f.file), `day ${n}`);
    const manifest: PublishManifest = {
      manifest_version: 1,
      project: "sbdk_starter",
      generated_at: `2026-11-23T00:00:0${n}.000Z`,
      seed: 7,
      date_range: { start: "2026-03-01", end: `2026-03-0${n}` },
      tables: [{ ...files[0]!, layer: "metrics", columns: [] }],
      dbt: {
        dbt_version: "1.11.0",
        invocation_id: "x",
        elapsed_seconds: 1,
        models: { total: 1, built: 1, failed: 0, skipped: 0 },
        tests: { total: 1, passed: 1, failed: 0, warned: 0, skipped: 0 },
      },
      lineage: [],
    };
    if (withManifest) writeFileSync(join(publish, folder, "manifest.json"), JSON.stringify(manifest));
    return {
      day: n,
      date: `2026-03-0${n}`,
      summary: {
        day: n,
        date: `2026-03-0${n}`,
        new_users: 1,
        total_users: n,
        active_users: 1,
        sessions: 1,
        generations: 1,
        successful_generations: 1,
        success_rate: 1,
        orders: 0,
        revenue_usd: 0,
        tests: { passed: 1, failed: 0, warned: 0 },
      },
      files,
      manifest: `${folder}/manifest.json`,
      published_at: manifest.generated_at,
    };
  };

  const writeSimulation = (days: ReturnType<typeof day>[]) =>
    writeFileSync(
      join(publish, "simulation.json"),
      JSON.stringify({
        manifest_version: 1,
        simulation_id: "sim-1",
        seed: 7,
        base_users: 300,
        start_date: "2026-03-01",
        growth: DEFAULT_GROWTH,
        generated_at: "2026-11-23T00:00:00.000Z",
        days,
      }),
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sbdk-export-sim-"));
    publish = join(dir, "publish");
    stage = join(dir, "stage");
    mkdirSync(publish, { recursive: true });
    mkdirSync(stage, { recursive: true });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("copies simulation.json, every day's files and its manifest", async () => {
    writeSimulation([day(1), day(2)]);
    const staged = await stageSimulation(publish, stage);
    expect(staged?.manifest.days.map((d) => d.day)).toEqual([1, 2]);
    expect(staged?.bytes).toBe(20);
    expect(readFileSync(join(stage, "simulation.json"), "utf8")).toBe(
      JSON.stringify(JSON.parse(readFileSync(join(publish, "simulation.json"), "utf8")), null, 2) + "\n",
    );
    for (const n of [1, 2]) {
      const folder = join(stage, `simulation/sim-1/day-000${n}`);
      expect(readdirSync(folder).sort()).toEqual([
        "agg_sessions_daily.parquet",
        "day_summaries.parquet",
        "manifest.json",
      ]);
      expect(readFileSync(join(folder, "agg_sessions_daily.parquet"), "utf8")).toBe(`day ${n}`);
    }
  });

  it("is left out, saying why, when a day has no dashboard snapshot; nothing of it is copied", async () => {
    writeSimulation([day(1), day(2, false)]);
    const steps: string[] = [];
    expect(await stageSimulation(publish, stage, (m) => steps.push(m))).toBeNull();
    expect(steps).toEqual([
      "the simulation sim-1 is left out (day 2 has no dashboard snapshot (simulated before snapshots carried one)); run `sbdk simulate` again to export its replay",
    ]);
    expect(readdirSync(stage)).toEqual([]);
  });

  it("is nothing when the publish holds no simulation", async () => {
    expect(await stageSimulation(publish, stage)).toBeNull();
    expect(readdirSync(stage)).toEqual([]);
  });
});
