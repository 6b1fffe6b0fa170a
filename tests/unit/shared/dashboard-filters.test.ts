import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, filtersToQuery, parseFilters } from "@/lib/shared/dashboard/filters";
import { filterWhere, modelMask } from "@/lib/shared/dashboard/sql";
import { trustFor, upstreamModels } from "@/lib/shared/dashboard/types";
import type { LineageNode } from "@/lib/shared/manifest";

describe("dashboard filters in the URL", () => {
  it("a query string and the filters it gives round-trip", () => {
    const query = "from=2025-12-03&to=2025-12-09&tier=pro,enterprise&region=europe&model=aurora-2";
    expect(filtersToQuery(parseFilters(new URLSearchParams(query)))).toBe(query);
  });

  it("repeated keys, comma lists and Next's searchParams objects all parse", () => {
    expect(parseFilters(new URLSearchParams("tier=pro&tier=free")).tiers).toEqual(["free", "pro"]);
    expect(parseFilters({ region: ["asia", "us-west"], model: "lumen-xl" })).toMatchObject({
      regions: ["us-west", "asia"],
      models: ["lumen-xl"],
    });
  });

  it("unknown values and impossible dates are dropped, not refused", () => {
    expect(parseFilters(new URLSearchParams("tier=gold&from=2025-02-30&to=yesterday&model=x"))).toEqual(
      EMPTY_FILTERS,
    );
  });

  it("a reversed date range is put the right way round", () => {
    expect(parseFilters(new URLSearchParams("from=2025-12-09&to=2025-12-03"))).toMatchObject({
      from: "2025-12-03",
      to: "2025-12-09",
    });
  });

  it("no filters give an empty query string and SQL that keeps every row", () => {
    expect(filtersToQuery(EMPTY_FILTERS)).toBe("");
    for (const table of ["sessions", "generations", "orders", "signups"] as const) {
      expect(filterWhere[table](EMPTY_FILTERS)).toBe("");
    }
    // Active users: the rows of "any session", each user on their first active day.
    expect(filterWhere.activeUsers(EMPTY_FILTERS, { distinct: true })).toBe(
      "where model_set = 0\n  and previous_activity_date is null",
    );
  });

  it("a set of models is a mask of one bit per model, in the order of MODELS", () => {
    expect(modelMask([])).toBe(0);
    expect(modelMask(["lumen-fast"])).toBe(1);
    expect(modelMask(["aurora-2", "pixel-pro"])).toBe(4 + 16);
    expect(modelMask(["lumen-fast", "lumen-xl", "aurora-2", "aurora-3", "pixel-pro"])).toBe(31);
  });

  it("the model filter reaches sessions through their generations' models and leaves orders alone", () => {
    const f = { ...EMPTY_FILTERS, models: ["aurora-2" as const] };
    expect(filterWhere.sessions(f)).toContain("(model_mask & 4) <> 0");
    expect(filterWhere.generations(f)).toContain("model in ('aurora-2')");
    expect(filterWhere.activeUsers(f, { distinct: false })).toBe("where model_set = 4");
    expect(filterWhere.orders(f)).toBe("");
    expect(filterWhere.signups(f)).toBe("");
  });

  it("distinct users over a date range count each user on their first active day in it", () => {
    const f = { ...EMPTY_FILTERS, from: "2025-12-03", to: "2025-12-09" };
    expect(filterWhere.activeUsers(f, { distinct: true })).toContain(
      "(previous_activity_date is null or previous_activity_date < date '2025-12-03')",
    );
    expect(filterWhere.activeUsers(f, { distinct: false })).not.toContain("previous_activity_date");
  });
});

describe("trust badges", () => {
  const node = (name: string, deps: string[]): LineageNode => ({
    id: `model.p.${name}`,
    name,
    resource_type: "model",
    layer: "marts",
    materialized: "table",
    depends_on: deps.map((d) => (d.startsWith("source.") ? d : `model.p.${d}`)),
    status: "success",
    seconds: 1,
  });
  const lineage = [
    node("stg_sessions", ["source.p.raw.raw_sessions"]),
    node("int_sessions", ["stg_sessions"]),
    node("fct_sessions", ["int_sessions"]),
    node("fct_orders", []),
  ];

  it("a chart's models include everything upstream of them, sources left out", () => {
    expect(upstreamModels(["fct_sessions"], lineage)).toEqual([
      "fct_sessions",
      "int_sessions",
      "stg_sessions",
    ]);
  });

  it("counts the tests of the chart's models and their upstream only", () => {
    const trust = trustFor(["fct_sessions"], lineage, [
      { model: "fct_sessions", tests: 5, failing: 0, warning: 1 },
      { model: "stg_sessions", tests: 3, failing: 1, warning: 0 },
      { model: "fct_orders", tests: 9, failing: 4, warning: 0 },
    ]);
    expect(trust).toMatchObject({ tests: 8, failing: 1, warning: 1 });
  });
});
