import { describe, expect, it } from "vitest";
import {
  EMPTY_QUALITY_FILTERS,
  filterTests,
  parseQualityFilters,
  qualityFiltersToQuery,
} from "@/lib/shared/quality/filters";
import { formatSeconds, splitNodeName } from "@/lib/shared/quality/format";
import type { QualityTest } from "@/lib/shared/quality/report";

function test(id: string, patch: Partial<QualityTest>): QualityTest {
  return {
    id,
    name: id,
    type: "not_null",
    status: "pass",
    model: "fct_sessions",
    column: null,
    failures: 0,
    message: null,
    seconds: 0.1,
    failingRows: null,
    ...patch,
  };
}

const TESTS = [
  test("assert_cost_positive", { type: "singular", status: "warn", model: "fct_generations", failures: 3 }),
  test("relationships_x", {
    type: "relationships",
    status: "error",
    model: "fct_generations",
    failures: null,
  }),
  test("not_null_fct_sessions_session_id", { column: "session_id" }),
  test("unique_dim_users_user_id", { type: "unique", model: "dim_users", column: "user_id" }),
];

describe("the quality page's filters in the URL", () => {
  it("the trust badge's link gives a model filter", () => {
    expect(parseQualityFilters(new URLSearchParams("models=fct_sessions,dim_users"))).toEqual({
      outcomes: [],
      models: ["fct_sessions", "dim_users"],
      q: "",
    });
  });

  it("a query string and the filters it gives round-trip, unknown outcomes dropped", () => {
    const query = "status=failed,warned&models=fct_sessions,dim_users&q=user_id";
    expect(qualityFiltersToQuery(parseQualityFilters(new URLSearchParams(query)))).toBe(query);
    expect(parseQualityFilters(new URLSearchParams("status=warned,exploded&status=failed")).outcomes).toEqual(
      ["failed", "warned"],
    );
    expect(qualityFiltersToQuery(EMPTY_QUALITY_FILTERS)).toBe("");
  });

  it("filters by outcome (an error counts as failed), by model and by a search in name or column", () => {
    const ids = (f: Partial<typeof EMPTY_QUALITY_FILTERS>) =>
      filterTests(TESTS, { ...EMPTY_QUALITY_FILTERS, ...f }).map((t) => t.id);
    expect(ids({})).toHaveLength(4);
    expect(ids({ outcomes: ["failed"] })).toEqual(["relationships_x"]);
    expect(ids({ outcomes: ["failed", "warned"] })).toEqual(["assert_cost_positive", "relationships_x"]);
    expect(ids({ models: ["fct_sessions", "dim_users"] })).toEqual([
      "not_null_fct_sessions_session_id",
      "unique_dim_users_user_id",
    ]);
    expect(ids({ q: "USER_ID" })).toEqual(["unique_dim_users_user_id"]);
    expect(ids({ q: "session_id", outcomes: ["passed"] })).toEqual(["not_null_fct_sessions_session_id"]);
    expect(ids({ models: ["gone_model"] })).toEqual([]);
  });
});

describe("quality page formats", () => {
  it("breaks a long node name after the underscore nearest its middle", () => {
    expect(splitNodeName("fct_sessions", 20)).toEqual(["fct_sessions"]);
    expect(splitNodeName("int_generations_enriched", 20)).toEqual(["int_generations_", "enriched"]);
    expect(splitNodeName("user_friction_summary", 20)).toEqual(["user_friction_", "summary"]);
    expect(splitNodeName("averyveryverylongnamewithoutbreaks", 20)).toEqual([
      "averyveryverylongnam",
      "ewithoutbreaks",
    ]);
    for (const line of splitNodeName("stg_app__an_extremely_long_model_name_here", 20)) {
      expect(line.length).toBeLessThanOrEqual(20);
    }
  });

  it("shows durations with the precision that matters at their size", () => {
    expect([0.163, 2.449, 17.02, 125].map(formatSeconds)).toEqual(["0.16 s", "2.4 s", "17 s", "2 min 05 s"]);
    expect(formatSeconds(null)).toBe("–");
  });
});
