import { describe, expect, it } from "vitest";
import { datePresets, EMPTY_FILTERS, filtersToQuery, oneClickAway } from "@/lib/shared/dashboard/filters";

describe("the filter bar's date presets", () => {
  it("offer all days and the last 7 and 14 days of the data", () => {
    expect(datePresets("2025-12-01", "2025-12-30")).toEqual([
      { label: "All", from: null, to: null },
      { label: "Last 7 days", from: "2025-12-24", to: null },
      { label: "Last 14 days", from: "2025-12-17", to: null },
    ]);
  });

  it("leave out a preset that would cover every day anyway", () => {
    expect(datePresets("2025-12-01", "2025-12-10").map((p) => p.label)).toEqual(["All", "Last 7 days"]);
    expect(datePresets("2025-12-01", "2025-12-05").map((p) => p.label)).toEqual(["All"]);
  });
});

describe("the filters one click away", () => {
  const presets = datePresets("2025-12-01", "2025-12-30");

  it("from no filters: each preset but All, each tier, region and model alone, in the bar's order", () => {
    expect(oneClickAway(EMPTY_FILTERS, presets).map(filtersToQuery)).toEqual([
      "from=2025-12-24",
      "from=2025-12-17",
      "tier=free",
      "tier=pro",
      "tier=enterprise",
      "region=us-west",
      "region=us-east",
      "region=europe",
      "region=asia",
      "region=other",
      "model=lumen-fast",
      "model=lumen-xl",
      "model=aurora-2",
      "model=aurora-3",
      "model=pixel-pro",
    ]);
  });

  it("from some filters: the reset first, then ticking adds to a selection and unticking removes", () => {
    const filters = {
      ...EMPTY_FILTERS,
      from: "2025-12-24",
      tiers: ["pro" as const],
      regions: ["europe" as const],
    };
    const next = oneClickAway(filters, presets).map(filtersToQuery);
    expect(next).toHaveLength(3 + 3 + 5 + 5 + 1 - 1); // less the current date preset
    expect(next).toContain("tier=pro&region=europe"); // the dates set to All
    expect(next).toContain("from=2025-12-24&tier=free,pro&region=europe");
    expect(next).toContain("from=2025-12-24&region=europe"); // pro unticked
    expect(next).toContain("from=2025-12-24&tier=pro&region=europe,asia");
    expect(next).toContain("from=2025-12-24&tier=pro&region=europe&model=aurora-2");
    expect(next[0]).toBe("");
    expect(next).not.toContain(filtersToQuery(filters));
    expect(new Set(next).size).toBe(next.length);
  });
});
