import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DASHBOARD_QUERIES } from "@/lib/shared/dashboard/queries";
import { SbdkError } from "@/lib/shared/errors";
import { foldSimulationRunProgress } from "@/lib/shared/runs";
import {
  describeSimulationJob,
  emptySimulationJobProgress,
  parseDayParam,
  parsePauseRequest,
  parseSimulationRequest,
  simulationDate,
  simulationEventSchema,
  SNAPSHOT_TABLES,
  stepSimulationJobProgress,
  type SimulationEvent,
} from "@/lib/shared/simulation";

/** The events of a real `sbdk simulate --events` (day 1 whole, day 2 up to its load; dbt's start and log events left out). */
const EVENTS: SimulationEvent[] = readFileSync(
  join(__dirname, "..", "..", "fixtures", "simulation-events.ndjson"),
  "utf8",
)
  .split("\n")
  .filter(Boolean)
  .map((line) => simulationEventSchema.parse(JSON.parse(line)));

function refusal(body: unknown): SbdkError {
  try {
    parseSimulationRequest(body);
  } catch (err) {
    if (err instanceof SbdkError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`);
}

describe("the body of POST /api/simulation", () => {
  it("turns each action into a job's params, with the defaults filled in", () => {
    expect(parseSimulationRequest({ action: "step" })).toEqual({
      action: "step",
      days: 1,
      seconds_per_day: 0,
    });
    expect(parseSimulationRequest({ action: "play", days: 7 })).toEqual({
      action: "play",
      days: 7,
      seconds_per_day: 0,
    });
    expect(parseSimulationRequest({ action: "play", days: 30, seconds_per_day: 2.5 })).toEqual({
      action: "play",
      days: 30,
      seconds_per_day: 2.5,
    });
    expect(parseSimulationRequest({ action: "reset" })).toEqual({
      action: "reset",
      days: 1,
      seconds_per_day: 0,
    });
    expect(parseSimulationRequest({ action: "reset", seed: 42, days: 3 })).toEqual({
      action: "reset",
      days: 3,
      seed: 42,
      seconds_per_day: 0,
    });
  });

  it.each([
    [undefined, "body", "expected a JSON object with an action"],
    [[1, 2], "body", "expected a JSON object with an action"],
    ["step", "body", "expected a JSON object with an action"],
    [{}, "action", '"action": expected "action" to be one of reset, step, play'],
    [{ action: "jump" }, "action", '"action": expected "action" to be one of reset, step, play'],
    [{ action: "play" }, "days", '"days": required: the number of days (1 to 365)'],
    [{ action: "play", days: "7" }, "days", '"days": expected a number of days'],
    [{ action: "play", days: 0 }, "days", '"days": expected 1 or more days'],
    [{ action: "play", days: 2.5 }, "days", '"days": expected a whole number of days'],
    [{ action: "play", days: 366 }, "days", '"days": expected at most 365 days'],
    [
      { action: "play", days: 3, seconds_per_day: -1 },
      "seconds_per_day",
      '"seconds_per_day": expected 0 or more',
    ],
    [{ action: "play", days: 3, seconds_per_day: 601 }, "seconds_per_day", "expected at most 600 seconds"],
    [{ action: "step", days: 2 }, "days", '"days" is not a setting of "step"'],
    [{ action: "play", days: 2, seed: 3 }, "seed", '"seed" is not a setting of "play"'],
    [{ action: "reset", seed: -1 }, "seed", '"seed": expected 0 or more'],
    [{ action: "reset", seed: "x" }, "seed", '"seed": expected a whole number'],
  ])("refuses %j naming %s", (body, field, message) => {
    const err = refusal(body);
    expect(err.code).toBe("invalid:simulate");
    expect(err.status).toBe(400);
    expect(err.field).toBe(field);
    expect(err.message).toContain(message);
    expect(err.hint).toMatch(/"action": "step"/);
  });

  it("describes a job as a person reads it", () => {
    expect(describeSimulationJob({ action: "step", days: 1, seconds_per_day: 0 })).toBe("step one day");
    expect(describeSimulationJob({ action: "play", days: 5, seconds_per_day: 10 })).toBe(
      "play 5 days at 10 s a day",
    );
    expect(describeSimulationJob({ action: "reset", days: 1, seed: 9, seconds_per_day: 0 })).toBe(
      "start over with seed 9 and run 1 day",
    );
  });
});

describe("the body of POST /api/simulation/pause", () => {
  it("pauses after the day by default, or at once", () => {
    expect(parsePauseRequest(undefined)).toEqual({ now: false });
    expect(parsePauseRequest({})).toEqual({ now: false });
    expect(parsePauseRequest({ now: true })).toEqual({ now: true });
  });

  it.each([
    [{ now: "yes" }, "now"],
    [{ later: true }, "later"],
    [[], "body"],
  ])("refuses %j naming %s", (body, field) => {
    expect(() => parsePauseRequest(body)).toThrow(SbdkError);
    try {
      parsePauseRequest(body);
    } catch (err) {
      expect((err as SbdkError).field).toBe(field);
      expect((err as SbdkError).code).toBe("invalid:simulate");
    }
  });
});

describe("a simulation job's progress, folded from its events", () => {
  const dayOne = EVENTS.slice(0, EVENTS.findIndex((e) => e.type === "day") + 1);

  it("shows the day's five stages as a pipeline run's: rows loaded, models, tests, tables published", () => {
    const progress = foldSimulationRunProgress(dayOne);
    expect(progress.map((s) => [s.key, s.status, s.done, s.total])).toEqual([
      ["generate", "succeeded", 1, 1],
      ["load", "succeeded", 1, 1],
      ["models", "succeeded", 24, 24],
      ["tests", "succeeded", 167, 167],
      ["publish", "succeeded", 16, 16],
    ]);
    expect(progress.find((s) => s.key === "load")?.rows).toBe(873);
  });

  it("starts each day from empty, and shows where it is inside the day", () => {
    const progress = foldSimulationRunProgress(EVENTS);
    expect(progress.map((s) => [s.key, s.status])).toEqual([
      ["generate", "succeeded"],
      ["load", "succeeded"],
      ["models", "pending"],
      ["tests", "pending"],
      ["publish", "pending"],
    ]);
    expect(progress.find((s) => s.key === "load")?.rows).toBe(401);
  });

  it("counts dbt's models and tests as they finish", () => {
    const dbtStarted = dayOne.findIndex(
      (e) => e.type === "stage" && e.stage === "dbt" && e.status === "started",
    );
    const halfway = dayOne.slice(0, dbtStarted + 100);
    const progress = foldSimulationRunProgress(halfway);
    const models = progress.find((s) => s.key === "models")!;
    const tests = progress.find((s) => s.key === "tests")!;
    expect(models.status).toBe("running");
    expect(models.done + tests.done).toBe(
      halfway.filter((e) => e.type === "dbt" && e.event.type === "finished").length,
    );
    expect(tests.total).toBe(167);
  });

  it("a day built without its tests shows them skipped, not failed", () => {
    const withoutTests = dayOne.filter(
      (e) => !(e.type === "dbt" && e.event.type === "finished" && e.event.resourceType === "test"),
    );
    const progress = foldSimulationRunProgress(withoutTests);
    expect(progress.map((s) => [s.key, s.status])).toEqual([
      ["generate", "succeeded"],
      ["load", "succeeded"],
      ["models", "succeeded"],
      ["tests", "skipped"],
      ["publish", "succeeded"],
    ]);
  });

  it("closes a stopped day: the stage under way failed, the rest never ran", () => {
    const dbtStarted = dayOne.findIndex(
      (e) => e.type === "stage" && e.stage === "dbt" && e.status === "started",
    );
    const progress = foldSimulationRunProgress(dayOne.slice(0, dbtStarted + 10), "interrupted");
    expect(progress.map((s) => s.status)).toEqual(["succeeded", "succeeded", "failed", "failed", "skipped"]);
  });

  it("follows the day, the days done and a pause", () => {
    let job = EVENTS.reduce(stepSimulationJobProgress, emptySimulationJobProgress());
    expect(job).toMatchObject({ from_day: 1, to_day: 2, day: 2, date: "2026-03-02", days_done: 1 });
    expect(job.simulation_id).toMatch(/^sim-\d{8}T\d{6}-s7$/);
    expect(job.pause_requested).toBe(false);
    job = stepSimulationJobProgress(job, { type: "pause", day: 2, now: false });
    expect(job.pause_requested).toBe(true);
  });
});

describe("what a day's snapshot holds for the dashboard", () => {
  it("every table any dashboard query reads, so a past day is drawn by the dashboard's own queries", () => {
    const snapshot = new Set<string>(SNAPSHOT_TABLES);
    for (const query of DASHBOARD_QUERIES) {
      for (const table of query.tables) expect(snapshot.has(table), `${query.id} reads ${table}`).toBe(true);
    }
  });
});

describe("the player's days", () => {
  it("dates a day from the simulation's start, across months and years", () => {
    expect(simulationDate("2025-12-01", 1)).toBe("2025-12-01");
    expect(simulationDate("2025-12-01", 31)).toBe("2025-12-31");
    expect(simulationDate("2025-12-01", 32)).toBe("2026-01-01");
    expect(simulationDate("2028-02-28", 2)).toBe("2028-02-29");
  });

  it.each([
    ["3", 3],
    ["17", 17],
    [["2", "5"], 2],
    ["0", null],
    ["-1", null],
    ["2.5", null],
    ["x", null],
    ["", null],
    [undefined, null],
  ])("reads ?day=%j as %j", (value, want) => {
    expect(parseDayParam(value)).toBe(want);
  });
});
