/**
 * The dashboard reads dbt's aggregate tables (dbt/models/metrics/dashboard/) instead of the
 * marts. Over a real publish, every query of every view gives, under filters of every kind,
 * what the same view computed row by row from the marts gives (tests/integration/support/).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPublishedManifest } from "@/lib/server/publish";
import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { EMPTY_FILTERS, type DashboardFilters } from "@/lib/shared/dashboard/filters";
import {
  frictionByRegionQuery,
  frictionByTierQuery,
  frictionHistogramQuery,
  frictionOverTimeQuery,
  topFrictionSessionsQuery,
} from "@/lib/shared/dashboard/queries/friction";
import { weeklyGrowthQuery } from "@/lib/shared/dashboard/queries/growth";
import { kpiQuery } from "@/lib/shared/dashboard/queries/kpis";
import { tierOverTimeQuery, tierSummaryQuery } from "@/lib/shared/dashboard/queries/tiers";
import type { ViewQuery } from "@/lib/shared/dashboard/queries/types";
import { sqlString } from "@/lib/shared/dashboard/sql";
import type { PublishManifest } from "@/lib/shared/manifest";
import { sbdk, tempProject, type TempProject } from "./helpers";
import { ROW_LEVEL_SQL } from "./support/row-level-dashboard";

const DATA = { seed: 11, users: 1500, days: 12, start_date: "2025-12-01" };

const QUERIES: ViewQuery<unknown>[] = [
  kpiQuery,
  frictionHistogramQuery,
  frictionByTierQuery,
  frictionByRegionQuery,
  frictionOverTimeQuery,
  topFrictionSessionsQuery,
  tierSummaryQuery,
  tierOverTimeQuery,
  weeklyGrowthQuery,
] as ViewQuery<unknown>[];

const f = (patch: Partial<DashboardFilters>): DashboardFilters => ({ ...EMPTY_FILTERS, ...patch });

const FILTERS: Record<string, DashboardFilters> = {
  unfiltered: EMPTY_FILTERS,
  "one tier": f({ tiers: ["pro"] }),
  "two regions": f({ regions: ["europe", "asia"] }),
  "one model": f({ models: ["aurora-2"] }),
  "two models": f({ models: ["lumen-fast", "pixel-pro"] }),
  "every model": f({ models: ["lumen-fast", "lumen-xl", "aurora-2", "aurora-3", "pixel-pro"] }),
  "from a day": f({ from: "2025-12-04" }),
  "up to a day": f({ to: "2025-12-09" }),
  "a range inside a week": f({ from: "2025-12-09", to: "2025-12-11" }),
  "one day": f({ from: "2025-12-05", to: "2025-12-05" }),
  "everything at once": f({
    from: "2025-12-03",
    to: "2025-12-10",
    tiers: ["free", "enterprise"],
    regions: ["europe", "us-west", "other"],
    models: ["aurora-3", "lumen-xl"],
  }),
  "no data": f({ from: "2020-01-01", to: "2020-01-07" }),
};

/** Equal, with numbers equal to 9 significant digits (sums of doubles in another order). */
function expectClose(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === "number" && typeof actual === "number") {
    const scale = Math.max(1, Math.abs(expected));
    expect(Math.abs(actual - expected) / scale, `${path}: ${actual} vs ${expected}`).toBeLessThan(1e-9);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${path}[${i}]`));
  } else if (expected && typeof expected === "object") {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
  } else {
    expect(actual, path).toEqual(expected);
  }
}

describe("the dashboard's aggregate tables", () => {
  let project: TempProject;
  let manifest: PublishManifest;
  let db: Warehouse;

  beforeAll(async () => {
    project = tempProject(DATA);
    const run = sbdk(["run", "--config", project.configFile]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    manifest = (await readPublishedManifest(project.publishPath))!;
    db = await openWarehouse(":memory:");
    for (const t of manifest.tables) {
      await db.run(
        `create view "${t.name}" as select * from read_parquet(${sqlString(join(project.publishPath, t.file))})`,
      );
    }
  });

  afterAll(() => db?.close());

  it("are published, each far smaller than the marts it sums", () => {
    const rows = (name: string) => manifest.tables.find((t) => t.name === name)?.rows ?? -1;
    expect(rows("agg_sessions_daily")).toBeGreaterThan(0);
    expect(rows("agg_generations_daily")).toBeLessThan(rows("fct_generations") / 4);
    expect(rows("agg_orders_daily")).toBeLessThanOrEqual(rows("fct_orders"));
    expect(rows("top_friction_sessions")).toBeLessThan(rows("fct_sessions"));
  });

  for (const [name, filters] of Object.entries(FILTERS)) {
    it(`give every view the figures of the marts: ${name}`, async () => {
      for (const query of QUERIES) {
        const reference = ROW_LEVEL_SQL[query.id];
        if (!reference) throw new Error(`no row-level SQL for ${query.id}`);
        const fromAggregates = query.rows(await db.query(query.sql(filters)));
        const fromMarts = query.rows(await db.query(reference(filters)));
        expectClose(fromAggregates, fromMarts, query.id);
      }
    });
  }
});
