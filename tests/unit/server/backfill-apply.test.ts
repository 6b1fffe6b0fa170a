import { describe, expect, it } from "vitest";
import { batchDbtArgs } from "@/lib/server/backfills/apply";
import { stepApply, type ApplyStreamState } from "@/lib/browser/backfills";

describe("an apply's dbt command per batch", () => {
  it("builds backfill_days and the mart for the batch's window, then only the backfill's test", () => {
    expect(
      batchDbtArgs(
        { name: "prompt_toxicity", model: "dim_prompts" },
        { start: "2025-12-01", end: "2025-12-07", days: 7, rows: 100 },
        2,
      ),
    ).toEqual([
      "build",
      "--select",
      "backfill_days",
      "dim_prompts",
      "backfill_prompt_toxicity",
      "--indirect-selection",
      "empty",
      "--vars",
      '{"backfill_apply":"prompt_toxicity","batch_start":"2025-12-01","batch_end":"2025-12-07"}',
      "--threads",
      "2",
      "--log-level-file",
      "warn",
      "--no-write-json",
    ]);
  });
});

describe("an apply's progress on the page", () => {
  const empty: ApplyStreamState = {
    daysDone: 0,
    daysPlanned: 0,
    rowsDone: 0,
    rowsPlanned: 0,
    batches: [],
    batchCount: 0,
    phase: "starting",
    stages: [],
    log: [],
    record: null,
    error: null,
    connection: "open",
  };

  it("counts days and rows batch by batch, then follows run, test and publish", () => {
    let s = stepApply(empty, {
      type: "start",
      applyId: "b-20261123-025801-ab12",
      backfill: "prompt_toxicity",
      days: 3,
      rows: 30,
      batches: 2,
      batchDays: 2,
      ranges: [{ start: "2025-12-01", end: "2025-12-03", days: 3 }],
    });
    expect(s).toMatchObject({ phase: "batches", daysPlanned: 3, rowsPlanned: 30, batchCount: 2 });
    s = stepApply(s, {
      type: "batch",
      backfill: "prompt_toxicity",
      batch: 1,
      batches: 2,
      start: "2025-12-01",
      end: "2025-12-02",
      days: 2,
      rows: 18,
      daysDone: 2,
      daysPlanned: 3,
      rowsDone: 18,
      test: "pass",
      seconds: 1.5,
    });
    expect(s).toMatchObject({ daysDone: 2, rowsDone: 18 });
    expect(s.batches).toHaveLength(1);
    s = stepApply(s, { type: "stage", stage: "run", status: "started" });
    expect(s.phase).toBe("run");
    s = stepApply(s, { type: "stage", stage: "run", status: "finished", seconds: 4, detail: "27 models" });
    expect(s.stages).toEqual([{ stage: "run", seconds: 4, detail: "27 models" }]);
  });
});
