import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SbdkError } from "@/lib/shared/errors";
import { pipelineEventSchema, type PipelineEvent } from "@/lib/shared/pipeline-events";
import {
  foldRunProgress,
  isRunId,
  newRunId,
  parseDbtStats,
  parseRunParams,
  stepRunProgress,
  emptyRunProgress,
  type RunProgress,
  type StageProgress,
} from "@/lib/shared/runs";

// Real event sequences, recorded by `sbdk run --events` with dbt-core 1.11.16 on the repo's
// dbt project (seed 7, 200 users): a run that succeeded over 3 days, and one over 2 days whose
// fct_orders model was broken on purpose (a column that does not exist).
function fixture(name: string): PipelineEvent[] {
  return readFileSync(join(__dirname, "../../fixtures", name), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => pipelineEventSchema.parse(JSON.parse(line)));
}
const succeeded = fixture("pipeline-events.ndjson");
const modelError = fixture("pipeline-events-model-error.ndjson");

function stage(progress: RunProgress, key: StageProgress["key"]): StageProgress {
  return progress.find((s) => s.key === key)!;
}

function rejection(body: unknown): SbdkError {
  try {
    parseRunParams(body);
  } catch (err) {
    if (err instanceof SbdkError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`);
}

describe("the body of POST /api/runs", () => {
  it("accepts an empty body and an empty object: the server's config as it is", () => {
    expect(parseRunParams(undefined)).toEqual({});
    expect(parseRunParams({})).toEqual({});
  });

  it("accepts every setting a run may override", () => {
    const params = { seed: 7, users: 1000, days: 14, start_date: "2025-12-01", scale: 1.5 };
    expect(parseRunParams(params)).toEqual(params);
  });

  it.each([
    [{ users: "1000" }, "users", '"users": expected a number of users'],
    [{ users: 0 }, "users", '"users": expected a positive number of users'],
    [{ users: 10.5 }, "users", '"users": expected a whole number of users'],
    [{ users: 5_000_000 }, "users", '"users": expected at most 1,000,000 users'],
    [{ days: -3 }, "days", '"days": expected a positive number of days'],
    [{ days: 10_000 }, "days", '"days": expected at most 3,650 days'],
    [{ seed: 1.5 }, "seed", '"seed": expected a whole number'],
    [{ seed: -1 }, "seed", '"seed": expected 0 or more'],
    [{ scale: 0 }, "scale", '"scale": expected a multiplier above 0'],
    [{ scale: 1000 }, "scale", '"scale": expected at most 100'],
    [{ start_date: "12/01/2025" }, "start_date", '"start_date": expected a date as YYYY-MM-DD'],
    [{ start_date: "2025-02-30" }, "start_date", '"start_date": expected a real calendar date as YYYY-MM-DD'],
    [{ start_date: 20251201 }, "start_date", '"start_date": expected a date as YYYY-MM-DD'],
    [{ seed: 7, color: "red" }, "color", '"color" is not a run setting'],
    [[], "body", "expected a JSON object"],
    ["run", "body", "expected a JSON object"],
    [null, "body", "expected a JSON object"],
  ])("refuses %j naming the field %s", (body, field, message) => {
    const err = rejection(body);
    expect(err.code).toBe("invalid:runs");
    expect(err.status).toBe(400);
    expect(err.field).toBe(field);
    expect(err.message).toBe(message);
    expect(err.hint).toBe(
      "send a JSON object with any of seed, users, days, start_date, scale; all are optional",
    );
    expect(err.toJSON()).toMatchObject({ code: "invalid:runs", field, message });
  });
});

describe("run ids", () => {
  it("are the UTC creation time plus four random characters", () => {
    const id = newRunId(new Date("2026-11-23T02:58:01.456Z"), () => "ab12");
    expect(id).toBe("r-20261123-025801-ab12");
    expect(isRunId(id)).toBe(true);
  });

  it("are told apart from anything else a URL may hold", () => {
    for (const bad of ["r-2026-11-23", "../../etc/passwd", "r-20261123-025801-AB12", "", 42])
      expect(isRunId(bad), String(bad)).toBe(false);
    expect(isRunId(newRunId(new Date()))).toBe(true);
  });
});

describe("parseDbtStats", () => {
  it("reads the models and tests dbt found", () => {
    expect(parseDbtStats("18 models, 143 data tests, 6 sources, 528 macros")).toEqual({
      models: 18,
      tests: 143,
    });
    expect(parseDbtStats("1 model, 3 data tests, 511 macros")).toEqual({ models: 1, tests: 3 });
    expect(parseDbtStats("2 models, 1 seed, 4 data tests, 2 unit tests")).toEqual({ models: 3, tests: 6 });
    expect(parseDbtStats("511 macros")).toEqual({ models: null, tests: null });
  });
});

describe("the five-stage progress of a run", () => {
  it("starts with every stage pending", () => {
    expect(foldRunProgress([]).map((s) => [s.key, s.status, s.done, s.total])).toEqual([
      ["generate", "pending", 0, null],
      ["load", "pending", 0, null],
      ["models", "pending", 0, null],
      ["tests", "pending", 0, null],
      ["publish", "pending", 0, null],
    ]);
  });

  it("ends a successful run with every stage succeeded and its counts", () => {
    const progress = foldRunProgress(succeeded, "succeeded");
    expect(progress.map(({ seconds: _s, ...rest }) => rest)).toEqual([
      {
        key: "generate",
        status: "succeeded",
        done: 3,
        total: 3,
        failed: 0,
        warned: 0,
        skipped: 0,
        rows: null,
      },
      { key: "load", status: "succeeded", done: 3, total: 3, failed: 0, warned: 0, skipped: 0, rows: 1069 },
      {
        key: "models",
        status: "succeeded",
        done: 18,
        total: 18,
        failed: 0,
        warned: 0,
        skipped: 0,
        rows: null,
      },
      {
        key: "tests",
        status: "succeeded",
        done: 143,
        total: 143,
        failed: 0,
        warned: 0,
        skipped: 0,
        rows: null,
      },
      {
        key: "publish",
        status: "succeeded",
        done: 10,
        total: 10,
        failed: 0,
        warned: 0,
        skipped: 0,
        rows: 722,
      },
    ]);
    for (const s of progress) expect(s.seconds, s.key).toBeGreaterThan(0);
  });

  it("knows the dbt totals as soon as dbt has parsed the project", () => {
    const parsedAt = succeeded.findIndex((e) => e.type === "dbt" && e.event.type === "parsed");
    const progress = foldRunProgress(succeeded.slice(0, parsedAt + 1));
    expect(stage(progress, "generate")).toMatchObject({ status: "succeeded", done: 3, total: 3 });
    expect(stage(progress, "models")).toMatchObject({ status: "running", done: 0, total: 18 });
    expect(stage(progress, "tests")).toMatchObject({ status: "running", done: 0, total: 143 });
    expect(stage(progress, "publish")).toMatchObject({ status: "pending", done: 0, total: null });
  });

  it("counts models and tests as dbt's own progress does, at every event of the build", () => {
    let progress = emptyRunProgress();
    let checked = 0;
    for (const event of succeeded) {
      progress = stepRunProgress(progress, event);
      if (event.type !== "dbt") continue;
      const dbt = event.progress;
      expect(stage(progress, "models").done).toBe(dbt.modelsBuilt + dbt.modelsFailed);
      expect(stage(progress, "tests").done).toBe(dbt.testsPassed + dbt.testsFailed + dbt.testsWarned);
      expect(stage(progress, "models").done + stage(progress, "tests").done).toBe(dbt.done);
      checked++;
    }
    expect(checked).toBe(succeeded.filter((e) => e.type === "dbt").length);
    expect(checked).toBeGreaterThan(161);
  });

  it("mid-build shows the stage a person waits on, e.g. dbt models 13/18 and dbt tests 71/143", () => {
    const at = succeeded.findIndex(
      (e) => e.type === "dbt" && e.event.type === "finished" && e.progress.done === 84,
    );
    const progress = foldRunProgress(succeeded.slice(0, at + 1));
    expect(stage(progress, "models")).toMatchObject({ status: "running", done: 13, total: 18 });
    expect(stage(progress, "tests")).toMatchObject({ status: "running", done: 71, total: 143 });
  });

  it("counts published tables and their rows while publishing, then knows the total", () => {
    const tables = succeeded.filter((e) => e.type === "table");
    const third = succeeded.indexOf(tables[2]!);
    expect(stage(foldRunProgress(succeeded.slice(0, third + 1)), "publish")).toMatchObject({
      status: "running",
      done: 3,
      total: null,
    });
  });

  it("after a model error: the failed and skipped dbt nodes, and no publish", () => {
    const progress = foldRunProgress(modelError, "failed");
    expect(progress.map((s) => [s.key, s.status, s.done, s.total, s.failed, s.skipped])).toEqual([
      ["generate", "succeeded", 2, 2, 0, 0],
      ["load", "succeeded", 2, 2, 0, 0],
      // fct_orders errored; dbt skipped daily_metrics, tier_summary and weekly_growth
      ["models", "failed", 18, 18, 1, 3],
      ["tests", "failed", 143, 143, 0, 31],
      ["publish", "skipped", 0, null, 0, 0],
    ]);
  });

  it("a run cut off mid-build marks the running stages failed and the rest skipped", () => {
    const at = succeeded.findIndex(
      (e) => e.type === "dbt" && e.event.type === "finished" && e.progress.done === 84,
    );
    const progress = foldRunProgress(succeeded.slice(0, at + 1), "interrupted");
    expect(progress.map((s) => [s.key, s.status])).toEqual([
      ["generate", "succeeded"],
      ["load", "succeeded"],
      ["models", "failed"],
      ["tests", "failed"],
      ["publish", "skipped"],
    ]);
  });
});
