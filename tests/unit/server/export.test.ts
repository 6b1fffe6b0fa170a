import { describe, expect, it } from "vitest";
import { exportedTables, normalizeBasePath } from "@/lib/server/export";
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
