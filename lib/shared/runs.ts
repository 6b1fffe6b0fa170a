/**
 * Runs as the history keeps them and the API returns them: the run record of either kind of job
 * the queue runs (a pipeline run, or a simulation job of the player), the body of POST
 * /api/runs, and the five-stage progress a person watches (generate, load, dbt models, dbt
 * tests, publish), folded from the job's events: the whole run's for a pipeline run, the day
 * under way's for a simulation. Pure, for the server and the browser.
 */
import { z } from "zod";
import { isoDate } from "./config";
import { SbdkError } from "./errors";
import type { DbtProgressEvent, PipelineEvent } from "./pipeline-events";
import {
  simulationJobParamsSchema,
  simulationJobProgressSchema,
  simulationJobSummarySchema,
  type SimulationEvent,
} from "./simulation";

/** `r-<UTC date>-<UTC time>-<4 random chars>`: sorts by creation time, readable in a URL. */
export const RUN_ID_PATTERN = /^r-\d{8}-\d{6}-[0-9a-z]{4}$/;
export const runIdSchema = z.string().regex(RUN_ID_PATTERN, "expected a run id like r-20261123-025801-ab12");

export function isRunId(value: unknown): boolean {
  return typeof value === "string" && RUN_ID_PATTERN.test(value);
}

/** A new run id for a run created at `now`; `random` gives 4 lowercase base-36 characters. */
export function newRunId(
  now: Date,
  random: () => string = () => Math.random().toString(36).slice(2, 6).padEnd(4, "0"),
): string {
  const iso = now.toISOString(); // 2026-11-23T02:58:01.123Z
  const date = iso.slice(0, 10).replace(/-/g, "");
  const time = iso.slice(11, 19).replace(/:/g, "");
  return `r-${date}-${time}-${random()}`;
}

/** What a job of the queue does: a whole pipeline run, or days of the simulation. */
export const RUN_KINDS = ["pipeline", "simulation"] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_TRIGGERS = ["browser", "cli", "api", "webhook"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "interrupted"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export function isFinished(status: RunStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "interrupted";
}

/**
 * Bounds on a run asked for over HTTP: the config allows more, but a browser button should not
 * start a job that fills the disk. The CLI keeps the config's bounds.
 */
export const RUN_LIMITS = { users: 1_000_000, days: 3_650, scale: 100 } as const;

const wholeNumber = (what: string) =>
  z
    .number({ error: `expected a number of ${what}` })
    .int(`expected a whole number of ${what}`)
    .positive(`expected a positive number of ${what}`);

/** Overrides of the config for one run (the body of POST /api/runs). Every field is optional. */
export const runParamsSchema = z.strictObject({
  seed: z
    .number({ error: "expected a whole number" })
    .int("expected a whole number")
    .min(0, "expected 0 or more")
    .max(2 ** 31 - 1, `expected at most ${2 ** 31 - 1}`)
    .optional(),
  users: wholeNumber("users")
    .max(RUN_LIMITS.users, `expected at most ${RUN_LIMITS.users.toLocaleString("en-US")} users`)
    .optional(),
  days: wholeNumber("days")
    .max(RUN_LIMITS.days, `expected at most ${RUN_LIMITS.days.toLocaleString("en-US")} days`)
    .optional(),
  start_date: z.string({ error: "expected a date as YYYY-MM-DD" }).pipe(isoDate).optional(),
  scale: z
    .number({ error: "expected a number" })
    .positive("expected a multiplier above 0")
    .max(RUN_LIMITS.scale, `expected at most ${RUN_LIMITS.scale}`)
    .optional(),
});
export type RunParams = z.infer<typeof runParamsSchema>;
export const RUN_PARAM_KEYS = Object.keys(runParamsSchema.shape) as (keyof RunParams)[];

/**
 * Validates a request body (already JSON-decoded; `undefined` for an empty body) as run
 * params. Throws invalid:runs naming the first wrong field and what was expected.
 */
export function parseRunParams(body: unknown): RunParams {
  const parsed = runParamsSchema.safeParse(body === undefined ? {} : body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const hint = `send a JSON object with any of ${RUN_PARAM_KEYS.join(", ")}; all are optional`;
  if (issue.code === "unrecognized_keys") {
    const field = issue.keys[0]!;
    return fail(field, `"${field}" is not a run setting`, hint);
  }
  if (issue.path.length === 0) return fail("body", "expected a JSON object", hint);
  const field = issue.path.map(String).join(".");
  return fail(field, `"${field}": ${issue.message}`, hint);
}

function fail(field: string, message: string, hint: string): never {
  throw new SbdkError("invalid:runs", message, { field, hint });
}

/** The config a run used (its params applied over the server's config). */
export const runSettingsSchema = z.object({
  seed: z.number(),
  users: z.number(),
  days: z.number(),
  start_date: z.string(),
  scale: z.number(),
});
export type RunSettings = z.infer<typeof runSettingsSchema>;

// ── Progress ────────────────────────────────────────────────────────────────────────────────

export const RUN_STAGES = [
  { key: "generate", label: "generate" },
  { key: "load", label: "load" },
  { key: "models", label: "dbt models" },
  { key: "tests", label: "dbt tests" },
  { key: "publish", label: "publish" },
] as const;
export type RunStageKey = (typeof RUN_STAGES)[number]["key"];
const STAGE_KEYS = RUN_STAGES.map((s) => s.key) as [RunStageKey, ...RunStageKey[]];

export const STAGE_STATUSES = ["pending", "running", "succeeded", "failed", "skipped"] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export const stageProgressSchema = z.object({
  key: z.enum(STAGE_KEYS),
  status: z.enum(STAGE_STATUSES),
  /** Days generated or loaded, models built, tests run, tables published (failures included). */
  done: z.number().int().nonnegative(),
  /** How many there will be; null while not known yet (publish, before it ends). */
  total: z.number().int().nonnegative().nullable(),
  /** Models that errored, tests that failed. */
  failed: z.number().int().nonnegative(),
  /** Tests that warned. */
  warned: z.number().int().nonnegative(),
  /** Nodes dbt skipped because something upstream failed. */
  skipped: z.number().int().nonnegative(),
  /** Rows loaded (load) or published (publish). */
  rows: z.number().nonnegative().nullable(),
  seconds: z.number().nonnegative().nullable(),
});
export type StageProgress = z.infer<typeof stageProgressSchema>;

export const runProgressSchema = z.array(stageProgressSchema).length(RUN_STAGES.length);
export type RunProgress = StageProgress[];

export function emptyRunProgress(): RunProgress {
  return RUN_STAGES.map(({ key }) => ({
    key,
    status: "pending",
    done: 0,
    total: null,
    failed: 0,
    warned: 0,
    skipped: 0,
    rows: key === "load" || key === "publish" ? 0 : null,
    seconds: null,
  }));
}

/** The counts in dbt's "Found 18 models, 143 data tests, …" line. */
export function parseDbtStats(stats: string): { models: number | null; tests: number | null } {
  const count = (re: RegExp) => {
    const m = re.exec(stats);
    return m ? Number(m[1]) : null;
  };
  const models = count(/(\d+) models?\b/);
  const seeds = count(/(\d+) seeds?\b/) ?? 0;
  const snapshots = count(/(\d+) snapshots?\b/) ?? 0;
  const dataTests = count(/(\d+) data tests?\b/);
  const unitTests = count(/(\d+) unit tests?\b/) ?? 0;
  return {
    models: models === null ? null : models + seeds + snapshots,
    tests: dataTests === null ? (unitTests ? unitTests : null) : dataTests + unitTests,
  };
}

function isTestNode(e: { resourceType: string }): boolean {
  return e.resourceType === "test" || e.resourceType === "unit_test";
}

function isModelNode(e: { resourceType: string }): boolean {
  return e.resourceType === "model" || e.resourceType === "seed" || e.resourceType === "snapshot";
}

function update(progress: RunProgress, key: RunStageKey, change: (s: StageProgress) => StageProgress) {
  return progress.map((s) => (s.key === key ? change(s) : s));
}

function stepDbt(progress: RunProgress, event: DbtProgressEvent): RunProgress {
  switch (event.type) {
    case "parsed": {
      const { models, tests } = parseDbtStats(event.stats);
      let next = progress;
      if (models !== null) next = update(next, "models", (s) => ({ ...s, total: models }));
      if (tests !== null) next = update(next, "tests", (s) => ({ ...s, total: tests }));
      return next;
    }
    case "finished": {
      const key = isTestNode(event) ? "tests" : isModelNode(event) ? "models" : null;
      if (!key) return progress;
      return update(progress, key, (s) => {
        const next = { ...s, done: s.done + 1 };
        if (event.status === "skipped") next.skipped += 1;
        else if (event.status === "warn") next.warned += 1;
        else if (!["success", "pass"].includes(event.status)) next.failed += 1;
        if (next.total !== null && next.done > next.total) next.total = next.done;
        return next;
      });
    }
    default:
      return progress;
  }
}

/** Folds one pipeline event into the five-stage progress. */
export function stepRunProgress(progress: RunProgress, event: PipelineEvent): RunProgress {
  switch (event.type) {
    case "stage": {
      const keys: RunStageKey[] = event.stage === "dbt" ? ["models", "tests"] : [event.stage];
      return keys.reduce(
        (p, key) =>
          update(p, key, (s) => {
            if (event.status === "started") return { ...s, status: "running" };
            // dbt reports nothing for the nodes it skips after a failure: what did not
            // finish by the end of the build was skipped.
            const missing = s.total === null ? 0 : Math.max(0, s.total - s.done);
            const skipped = s.skipped + missing;
            return {
              ...s,
              status: s.failed > 0 || skipped > 0 ? "failed" : "succeeded",
              done: s.done + missing,
              skipped,
              total: key === "publish" || s.total === null ? s.done : s.total,
              seconds: event.seconds ?? null,
            };
          }),
        progress,
      );
    }
    case "day":
      return progress.map((s) =>
        s.key === "generate" || s.key === "load"
          ? {
              ...s,
              done: event.day,
              total: event.days,
              rows: s.key === "load" ? (s.rows ?? 0) + event.rows : s.rows,
            }
          : s,
      );
    case "dbt":
      return stepDbt(progress, event.event);
    case "table":
      return update(progress, "publish", (s) => ({
        ...s,
        done: s.done + 1,
        rows: (s.rows ?? 0) + event.table.rows,
      }));
  }
}

/**
 * Closes the progress of a run that ended: after a failure the stage that was running failed
 * and the stages after it never ran.
 */
export function finishRunProgress(progress: RunProgress, status: RunStatus): RunProgress {
  if (status === "succeeded" || status === "queued" || status === "running") return progress;
  return progress.map((s) =>
    s.status === "running"
      ? { ...s, status: "failed" }
      : s.status === "pending"
        ? { ...s, status: "skipped" }
        : s,
  );
}

/** The five-stage progress after `events`; closed when the run's final status is given. */
export function foldRunProgress(events: readonly PipelineEvent[], finalStatus?: RunStatus): RunProgress {
  const progress = events.reduce(stepRunProgress, emptyRunProgress());
  return finalStatus ? finishRunProgress(progress, finalStatus) : progress;
}

/**
 * Folds one simulation event into the five-stage progress of the day under way: a new day starts
 * from empty; generate and load count the day and its rows; dbt and publish count as in a run.
 */
export function stepSimulationRunProgress(progress: RunProgress, event: SimulationEvent): RunProgress {
  switch (event.type) {
    case "day-started":
      return emptyRunProgress();
    case "stage": {
      let next = progress;
      if (event.status === "finished" && (event.stage === "generate" || event.stage === "load")) {
        next = update(next, event.stage, (s) => ({
          ...s,
          done: 1,
          total: 1,
          rows: event.stage === "load" ? (event.rows ?? s.rows) : s.rows,
        }));
      }
      next = stepRunProgress(next, {
        type: "stage",
        stage: event.stage,
        status: event.status,
        ...(event.seconds !== undefined ? { seconds: event.seconds } : {}),
      });
      // A day built without its tests (`sbdk simulate --skip-tests`, or every test skipped
      // behind a failed model) ran none: skipped, not failed.
      if (event.stage === "dbt" && event.status === "finished") {
        next = update(next, "tests", (s) =>
          s.done - s.skipped === 0 ? { ...s, status: "skipped", done: 0, skipped: 0, total: s.total } : s,
        );
      }
      return next;
    }
    case "dbt":
      return stepRunProgress(progress, { type: "dbt", event: event.event, progress: event.progress });
    case "table":
      return stepRunProgress(progress, { type: "table", table: event.table });
    case "day":
      // A day run without dbt never starts its last stages.
      return progress.map((s) => (s.status === "pending" ? { ...s, status: "skipped" } : s));
    default:
      return progress;
  }
}

/** The day under way's five-stage progress after a simulation's `events`. */
export function foldSimulationRunProgress(
  events: readonly SimulationEvent[],
  finalStatus?: RunStatus,
): RunProgress {
  const progress = events.reduce(stepSimulationRunProgress, emptyRunProgress());
  return finalStatus ? finishRunProgress(progress, finalStatus) : progress;
}

// ── The run record ──────────────────────────────────────────────────────────────────────────

export const runErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  details: z.array(z.string()).optional(),
});
export type RunError = z.infer<typeof runErrorSchema>;

/** What a finished run produced, in the figures the runs page shows. */
export const runSummarySchema = z.object({
  raw_rows: z.number().int().nonnegative(),
  users: z.number().int().nonnegative(),
  date_range: z.object({ start: z.string(), end: z.string() }).nullable(),
  dbt_version: z.string(),
  models: z.object({ total: z.number(), built: z.number(), failed: z.number(), skipped: z.number() }),
  tests: z.object({
    total: z.number(),
    passed: z.number(),
    failed: z.number(),
    warned: z.number(),
    skipped: z.number(),
  }),
  failed_tests: z.array(z.object({ name: z.string(), failures: z.number().nullable() })),
  publish: z.object({
    generated_at: z.string(),
    /** The version folder of the publish the run made. */
    version: z.string(),
    tables: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
  }),
  timings: z.object({
    generate: z.number(),
    load: z.number(),
    dbt: z.number(),
    publish: z.number(),
    total: z.number(),
  }),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

const runRecordBase = {
  id: runIdSchema,
  trigger: z.enum(RUN_TRIGGERS),
  /** What the run used, once it started (for a simulation: the simulation's own seed and base). */
  settings: runSettingsSchema.nullable(),
  status: z.enum(RUN_STATUSES),
  created: z.string(),
  started: z.string().nullable(),
  finished: z.string().nullable(),
  duration_seconds: z.number().nonnegative().nullable(),
  error: runErrorSchema.nullable(),
  /** A pipeline run's five stages; a simulation's for the day under way (or the last one). */
  progress: runProgressSchema,
  /** The process that holds the run: the server while queued, the run's own process after. */
  pid: z.number().int().nullable(),
  exit_code: z.number().int().nullable(),
};

export const pipelineRunRecordSchema = z.object({
  ...runRecordBase,
  kind: z.literal("pipeline"),
  /** What was asked for: overrides of the config. */
  params: runParamsSchema,
  summary: runSummarySchema.nullable(),
});

export const simulationRunRecordSchema = z.object({
  ...runRecordBase,
  kind: z.literal("simulation"),
  /** What was asked for: reset, step or play, how many days, at what pace. */
  params: simulationJobParamsSchema,
  summary: simulationJobSummarySchema.nullable(),
  /** Which day it is on, how many it has done, whether a pause was asked for. */
  simulation: simulationJobProgressSchema,
});

export const runRecordSchema = z.discriminatedUnion("kind", [
  pipelineRunRecordSchema,
  simulationRunRecordSchema,
]);
export type RunRecord = z.infer<typeof runRecordSchema>;
export type PipelineRunRecord = z.infer<typeof pipelineRunRecordSchema>;
export type SimulationRunRecord = z.infer<typeof simulationRunRecordSchema>;

/** What a job was asked to do: a pipeline run with its overrides, or a simulation job. */
export type RunRequest =
  | { kind: "pipeline"; params: RunParams }
  | { kind: "simulation"; params: z.infer<typeof simulationJobParamsSchema> };

/** "pipeline run r-…", "simulation job r-…": what a person calls a job in a message. */
export function jobLabel(run: Pick<RunRecord, "kind" | "id">): string {
  return `${run.kind === "simulation" ? "simulation job" : "pipeline run"} ${run.id}`;
}

/** Seconds a run has taken so far, or took. */
export function runElapsedSeconds(run: Pick<RunRecord, "started" | "finished">, now: Date): number | null {
  if (!run.started) return null;
  const end = run.finished ? Date.parse(run.finished) : now.getTime();
  return Math.max(0, (end - Date.parse(run.started)) / 1000);
}

// ── What a run prints with `sbdk run --events` ──────────────────────────────────────────────

/** The last line of `sbdk run --events` (and `sbdk simulate --events`): how it ended and its record. */
export const runResultLineSchema = z.object({
  type: z.literal("result"),
  status: z.enum(["succeeded", "failed", "interrupted"]),
  exit_code: z.number().int(),
  run: runRecordSchema.nullable(),
  error: runErrorSchema.nullable(),
});
export type RunResultLine = z.infer<typeof runResultLineSchema>;

/** The first line: the run's record as it starts. */
export const runStartLineSchema = z.object({ type: z.literal("run"), run: runRecordSchema });
export type RunStartLine = z.infer<typeof runStartLineSchema>;
