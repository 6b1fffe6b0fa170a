import { describe, expect, it } from "vitest";
import {
  countTests,
  nodeHealth,
  outcomeOf,
  toTestStatus,
  type TestCounts,
} from "@/lib/shared/quality/status";

const counts = (c: Partial<TestCounts>): TestCounts => {
  const full = { passed: 0, warned: 0, failed: 0, skipped: 0, ...c };
  return { ...full, total: full.passed + full.warned + full.failed + full.skipped };
};

describe("test statuses", () => {
  it("groups dbt's statuses as the publish summary counts them: anything not pass, warn or skipped failed", () => {
    expect(["pass", "warn", "skipped", "fail", "error", "runtime error"].map(toTestStatus)).toEqual([
      "pass",
      "warn",
      "skipped",
      "fail",
      "error",
      "error",
    ]);
    expect(
      countTests(
        ["pass", "pass", "warn", "fail", "error", "skipped"].map((s) => ({ status: toTestStatus(s) })),
      ),
    ).toEqual({
      total: 6,
      passed: 2,
      warned: 1,
      failed: 2,
      skipped: 1,
    });
    expect(outcomeOf("error")).toBe("failed");
  });
});

describe("a node's colour in the lineage graph", () => {
  it("is red when the model errored, whatever its tests say", () => {
    expect(nodeHealth("error", counts({ passed: 5 }))).toBe("fail");
  });

  it("is red when a test of a built model failed, even with warnings too", () => {
    expect(nodeHealth("success", counts({ passed: 3, warned: 1, failed: 1 }))).toBe("fail");
  });

  it("is amber when a built model has a warning and no failure", () => {
    expect(nodeHealth("success", counts({ passed: 8, warned: 1 }))).toBe("warn");
  });

  it("is grey when dbt skipped the model (its tests are skipped with it)", () => {
    expect(nodeHealth("skipped", counts({ skipped: 4 }))).toBe("skipped");
  });

  it("is green when the model built and every test passed, or it has no tests", () => {
    expect(nodeHealth("success", counts({ passed: 9 }))).toBe("pass");
    expect(nodeHealth("success", counts({}))).toBe("pass");
  });

  it("has no colour for a source, which dbt does not build", () => {
    expect(nodeHealth(null, counts({}))).toBe("none");
  });
});
