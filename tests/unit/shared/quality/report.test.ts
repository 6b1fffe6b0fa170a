import { describe, expect, it } from "vitest";
import type { PublishManifest } from "@/lib/shared/manifest";
import { buildQualityReport, parseFailingRows, type TestResultRow } from "@/lib/shared/quality/report";

/** A small publish: one source, a staging view and a mart, with four tests. */
const MANIFEST: PublishManifest = {
  manifest_version: 1,
  project: "shop",
  generated_at: "2025-12-15T08:30:00.000Z",
  seed: 7,
  date_range: { start: "2025-12-01", end: "2025-12-14" },
  tables: [],
  dbt: {
    dbt_version: "1.11.16",
    invocation_id: "abc",
    elapsed_seconds: 12.5,
    models: { total: 2, built: 2, failed: 0, skipped: 0 },
    tests: { total: 4, passed: 1, failed: 2, warned: 1, skipped: 0 },
  },
  lineage: [
    {
      id: "model.shop.fct_orders",
      name: "fct_orders",
      resource_type: "model",
      layer: "marts",
      materialized: "incremental",
      depends_on: ["model.shop.stg_orders"],
      status: "success",
      seconds: 0.4,
    },
    {
      id: "model.shop.stg_orders",
      name: "stg_orders",
      resource_type: "model",
      layer: "staging",
      materialized: "view",
      depends_on: ["source.shop.raw.raw_orders"],
      status: "success",
      seconds: 0.2,
    },
    {
      id: "source.shop.raw.raw_orders",
      name: "raw_orders",
      resource_type: "source",
      layer: "raw",
      materialized: null,
      depends_on: [],
      status: null,
      seconds: null,
    },
  ],
};

const row = (r: Partial<TestResultRow> & Pick<TestResultRow, "unique_id" | "status">): TestResultRow => ({
  test_name: r.unique_id.split(".")[2]!,
  test_type: "not_null",
  failures: 0,
  model: "fct_orders",
  column_name: null,
  message: null,
  execution_seconds: 0.05,
  failing_rows_json: null,
  ...r,
});

const ROWS: TestResultRow[] = [
  row({
    unique_id: "test.shop.not_null_stg_orders_order_id",
    status: "pass",
    model: "stg_orders",
    column_name: "order_id",
  }),
  row({
    unique_id: "test.shop.assert_amount_positive",
    status: "warn",
    test_type: "singular",
    failures: 12,
    message: "Got 12 results, configured to warn if != 0",
    failing_rows_json:
      '[{"order_id":17,"amount_usd":-3.5,"note":null},{"order_id":18,"amount_usd":0,"extra":"x"}]',
  }),
  row({
    unique_id: "test.shop.unique_fct_orders_order_id",
    status: "fail",
    test_type: "unique",
    column_name: "order_id",
    failures: 1,
    message: "Got 1 result, configured to fail if != 0",
    failing_rows_json: '[{"unique_field":17,"n_records":2}]',
  }),
  row({
    unique_id: "test.shop.relationships_fct_orders_user_id",
    status: "error",
    test_type: "relationships",
    column_name: "user_id",
    failures: null,
    message: "Runtime Error: relation dim_users does not exist",
  }),
];

describe("the quality report of a publish", () => {
  const report = buildQualityReport(MANIFEST, ROWS);

  it("lists failing and warned tests first: error, fail, warn, then the passes", () => {
    expect(report.tests.map((t) => [t.status, t.name])).toEqual([
      ["error", "relationships_fct_orders_user_id"],
      ["fail", "unique_fct_orders_order_id"],
      ["warn", "assert_amount_positive"],
      ["pass", "not_null_stg_orders_order_id"],
    ]);
  });

  it("carries each test's model, column, failures, message and time", () => {
    expect(report.tests[1]).toMatchObject({
      id: "test.shop.unique_fct_orders_order_id",
      type: "unique",
      model: "fct_orders",
      column: "order_id",
      failures: 1,
      message: "Got 1 result, configured to fail if != 0",
      seconds: 0.05,
    });
    expect(report.tests[0]!.failures).toBeNull();
  });

  it("turns the failing-rows sample into a table whose columns are every key, in first-seen order", () => {
    expect(report.tests[2]!.failingRows).toEqual({
      columns: ["order_id", "amount_usd", "note", "extra"],
      rows: [
        [17, -3.5, null, null],
        [18, 0, null, "x"],
      ],
    });
    expect(report.tests[3]!.failingRows).toBeNull();
  });

  it("rolls the tests up onto the models of the lineage and colours them", () => {
    const node = (name: string) => report.nodes.find((n) => n.name === name)!;
    expect(node("fct_orders").tests).toEqual({ total: 3, passed: 0, warned: 1, failed: 2, skipped: 0 });
    expect(node("fct_orders").health).toBe("fail");
    expect(node("stg_orders").tests).toEqual({ total: 1, passed: 1, warned: 0, failed: 0, skipped: 0 });
    expect(node("stg_orders").health).toBe("pass");
    expect(node("raw_orders").health).toBe("none");
    expect(node("raw_orders").tests.total).toBe(0);
  });

  it("keeps the publish's summary and facts, and survives a JSON round trip unchanged", () => {
    expect(report).toMatchObject({
      status: "ready",
      project: "shop",
      publishedAt: "2025-12-15T08:30:00.000Z",
      seed: 7,
      dbt: MANIFEST.dbt,
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe("a failing-rows sample", () => {
  it("that is missing or unreadable gives no table rather than an error", () => {
    expect(parseFailingRows(null)).toBeNull();
    expect(parseFailingRows("not json")).toBeNull();
    expect(parseFailingRows('{"a":1}')).toBeNull();
    expect(parseFailingRows("[]")).toEqual({ columns: [], rows: [] });
  });
});
