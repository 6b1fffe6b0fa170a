import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyProgress, foldProgress, parseDbtLogLine, type DbtProgressEvent } from "@/lib/server/dbt/events";

// Captured from dbt-core 1.11.16 `dbt build --log-format json` on a one-model project with
// three tests, one of them failing (tests/fixtures/dbt-build-log.jsonl).
const lines = readFileSync(join(__dirname, "../../fixtures/dbt-build-log.jsonl"), "utf8").split("\n");

describe("parseDbtLogLine", () => {
  const events = lines.map(parseDbtLogLine).filter((e): e is DbtProgressEvent => e !== null);

  it("reports the parse statistics", () => {
    expect(events[0]).toEqual({ type: "parsed", stats: "1 model, 3 data tests, 511 macros" });
  });

  it("reports a model started and built, with its position in the run", () => {
    expect(events).toContainEqual({
      type: "started",
      uniqueId: "model.tiny.m",
      resourceType: "model",
      name: "m",
      index: 1,
      total: 4,
    });
    const built = events.find((e) => e.type === "finished" && e.uniqueId === "model.tiny.m");
    expect(built).toMatchObject({ status: "success", index: 1, total: 4 });
  });

  it("reports passed and failed tests with their failure counts", () => {
    const tests = events.filter((e) => e.type === "finished" && e.resourceType === "test");
    expect(tests.map((t) => t.type === "finished" && [t.name, t.status, t.failures])).toEqual([
      ["accepted_values_m_id__1", "fail", 1],
      ["not_null_m_id", "pass", 0],
      ["unique_m_id", "pass", 0],
    ]);
  });

  it("reports the run's totals", () => {
    expect(events.at(-1)).toEqual({ type: "summary", pass: 3, warn: 0, error: 1, skip: 0, total: 4 });
  });

  it("keeps dbt's error messages as log events and drops the noise", () => {
    expect(events).toContainEqual({
      type: "log",
      level: "error",
      message: "Got 1 result, configured to fail if != 0",
    });
    expect(events.some((e) => e.type === "log" && e.level === "info")).toBe(false);
  });

  it("passes plain text lines through as log events", () => {
    expect(parseDbtLogLine("Traceback (most recent call last):")).toEqual({
      type: "log",
      level: "info",
      message: "Traceback (most recent call last):",
    });
    expect(parseDbtLogLine("   ")).toBeNull();
  });

  it("folds events into counts for a progress bar", () => {
    const progress = events.reduce(foldProgress, emptyProgress());
    expect(progress).toMatchObject({
      total: 4,
      done: 4,
      modelsBuilt: 1,
      testsPassed: 2,
      testsFailed: 1,
      current: "unique_m_id",
    });
  });
});
