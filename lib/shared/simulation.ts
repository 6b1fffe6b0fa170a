/**
 * The day-by-day simulation as the outside sees it: the summary of a simulated day,
 * simulation.json (the manifest of the per-day snapshots a publish folder keeps so that a
 * simulation can be replayed in the browser without a server), the events a simulation reports
 * while it runs, and what the web app asks of it (a simulation job of the run queue). One schema
 * for the engine and the command that write them and the server and browser that read them.
 */
import { z } from "zod";
import { growthSchema } from "./config";
import { DASHBOARD_TABLES } from "./dashboard/constants";
import type { DashboardFilters } from "./dashboard/filters";
import type { ViewResults } from "./dashboard/types";
import { SbdkError } from "./errors";
import { publishedTableSchema, type PublishManifest } from "./manifest";
import { dbtProgressEventSchema, dbtProgressSchema } from "./pipeline-events";
import type { RunRecord } from "./runs";

export const SIMULATION_MANIFEST_FILE = "simulation.json";
export const SIMULATION_MANIFEST_VERSION = 1;
/** Folder of the snapshots inside the publish folder. */
export const SIMULATION_DIR = "simulation";
/** The small metric tables each day's snapshot holds, besides the day summaries. */
export const SNAPSHOT_METRIC_TABLES = ["daily_metrics", "weekly_growth", "tier_summary"] as const;
/**
 * Every table a day's snapshot copies from that day's publish: the metric tables and the
 * dashboard's own (its aggregates and the test results), so the dashboard of any past day is
 * drawn by the same queries from that day's files.
 */
export const SNAPSHOT_TABLES = [...SNAPSHOT_METRIC_TABLES, ...DASHBOARD_TABLES] as const;
export const DAY_SUMMARIES_TABLE = "day_summaries";
/** The day's publish manifest, restricted to the snapshot's tables, inside each day's folder. */
export const DAY_MANIFEST_FILE = "manifest.json";

/** Results of the day's dbt tests; null when the day ran without tests. */
export const dayTestsSchema = z.object({
  passed: z.number().int().nonnegative(),
  /** Failed or errored. */
  failed: z.number().int().nonnegative(),
  warned: z.number().int().nonnegative(),
});

/** What one simulated day did, from its raw rows and its dbt run. */
export const daySummarySchema = z.object({
  day: z.number().int().positive(),
  /** YYYY-MM-DD. */
  date: z.string(),
  new_users: z.number().int().nonnegative(),
  /** Users signed up so far, this day included. */
  total_users: z.number().int().nonnegative(),
  /** Users with any activity that day. */
  active_users: z.number().int().nonnegative(),
  sessions: z.number().int().nonnegative(),
  generations: z.number().int().nonnegative(),
  successful_generations: z.number().int().nonnegative(),
  /** Share of the day's generations that succeeded; null on a day without generations. */
  success_rate: z.number().nullable(),
  orders: z.number().int().nonnegative(),
  revenue_usd: z.number(),
  tests: dayTestsSchema.nullable(),
});

export type DayTests = z.infer<typeof dayTestsSchema>;
export type DaySummary = z.infer<typeof daySummarySchema>;

export const snapshotFileSchema = z.object({
  name: z.string(),
  /** Path of the Parquet file relative to simulation.json. */
  file: z.string(),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const simulationManifestSchema = z.object({
  manifest_version: z.literal(SIMULATION_MANIFEST_VERSION),
  simulation_id: z.string(),
  seed: z.number().int(),
  base_users: z.number().int(),
  start_date: z.string(),
  growth: growthSchema,
  generated_at: z.string(),
  /** Every published day in order; each day's files hold the metric tables as of that day. */
  days: z.array(
    z.object({
      day: z.number().int().positive(),
      date: z.string(),
      summary: daySummarySchema,
      files: z.array(snapshotFileSchema),
      /**
       * Path (relative to simulation.json) of the day's publish manifest, restricted to the
       * snapshot's tables and with their files in the day's folder: what the dashboard reads to
       * draw that day. Absent for days written before snapshots carried the dashboard's tables.
       */
      manifest: z.string().optional(),
      /** generated_at of the day's publish: the dashboard showed this day while it was current. */
      published_at: z.string().optional(),
    }),
  ),
});

export type SnapshotFile = z.infer<typeof snapshotFileSchema>;
export type SimulationManifest = z.infer<typeof simulationManifestSchema>;
export type SimulationDay = SimulationManifest["days"][number];

// ── What a simulation reports while it runs ───────────────────────────────────────────────

export const SIMULATION_STAGES = ["generate", "load", "dbt", "publish"] as const;
export type SimulationStage = (typeof SIMULATION_STAGES)[number];

/** Seconds each step of a day took. */
export const dayTimingsSchema = z.object({
  generate: z.number(),
  load: z.number(),
  dbt: z.number(),
  /** CPU seconds dbt used (its Python and DuckDB's threads): steadier than wall time on a busy machine. */
  dbtCpu: z.number(),
  /**
   * Seconds of the build's queries in DuckDB (see SessionInvocation.sqlSeconds); the rest is
   * dbt's Python. Absent from the runs recorded before it was measured.
   */
  dbtSql: z.number().optional(),
  publish: z.number(),
  total: z.number(),
});
export type DayTimings = z.infer<typeof dayTimingsSchema>;

/**
 * The events of a simulation, in order: `start`, `dbt-ready`, then for each day `day-started`,
 * its stages (with dbt's node events and the Parquet files published) and `day` with its
 * summary. `pause` and `wait` come from the command running the simulation (`sbdk simulate`),
 * not the engine: a pause was asked for, or the player's pace holds the next day back.
 * `sbdk simulate --events` prints them one per line; a simulation job's history keeps them.
 */
export const simulationEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("start"),
    simulationId: z.string(),
    seed: z.number().int(),
    baseUsers: z.number().int(),
    startDate: z.string(),
    fromDay: z.number().int(),
    toDay: z.number().int(),
    /** True when this run started the simulation (reset, or none in the warehouse). */
    started: z.boolean(),
    /** Things the person should know (e.g. the config differs from the simulation's parameters). */
    notes: z.array(z.string()),
  }),
  z.object({
    type: z.literal("dbt-ready"),
    importSeconds: z.number(),
    parseSeconds: z.number(),
    startSeconds: z.number(),
  }),
  z.object({ type: z.literal("day-started"), day: z.number().int(), date: z.string() }),
  z.object({
    type: z.literal("stage"),
    day: z.number().int(),
    stage: z.enum(SIMULATION_STAGES),
    status: z.enum(["started", "finished"]),
    seconds: z.number().optional(),
    /** Raw rows the day wrote (load). */
    rows: z.number().optional(),
  }),
  z.object({
    type: z.literal("dbt"),
    day: z.number().int(),
    event: dbtProgressEventSchema,
    progress: dbtProgressSchema,
  }),
  /** A Parquet file of the day's publish. */
  z.object({ type: z.literal("table"), day: z.number().int(), table: publishedTableSchema }),
  z.object({ type: z.literal("day"), summary: daySummarySchema, timings: dayTimingsSchema }),
  /** A pause was asked for: the simulation stops once `day` is done (`now`: it stops at once). */
  z.object({ type: z.literal("pause"), day: z.number().int().nullable(), now: z.boolean() }),
  /** The pace asked for holds day `day` back for `seconds`. */
  z.object({ type: z.literal("wait"), day: z.number().int(), seconds: z.number() }),
]);
export type SimulationEvent = z.infer<typeof simulationEventSchema>;

// ── Simulation jobs: what the web app asks for ─────────────────────────────────────────────

export const SIMULATION_ACTIONS = ["reset", "step", "play"] as const;
export type SimulationAction = (typeof SIMULATION_ACTIONS)[number];

/** Bounds on a simulation asked for over HTTP (the command line keeps the engine's). */
export const SIMULATION_LIMITS = { days: 365, secondsPerDay: 600 } as const;

const daysField = z
  .number({
    error: (issue) =>
      issue.input === undefined
        ? `required: the number of days (1 to ${SIMULATION_LIMITS.days})`
        : "expected a number of days",
  })
  .int("expected a whole number of days")
  .min(1, "expected 1 or more days")
  .max(SIMULATION_LIMITS.days, `expected at most ${SIMULATION_LIMITS.days} days`);
const seedField = z
  .number({ error: "expected a whole number" })
  .int("expected a whole number")
  .min(0, "expected 0 or more")
  .max(2 ** 31 - 1, `expected at most ${2 ** 31 - 1}`);
const secondsPerDayField = z
  .number({ error: "expected a number of seconds (0: as fast as possible)" })
  .min(0, "expected 0 or more seconds (0: as fast as possible)")
  .max(SIMULATION_LIMITS.secondsPerDay, `expected at most ${SIMULATION_LIMITS.secondsPerDay} seconds`);

/**
 * What a simulation job does, as its record keeps it: `reset` starts over at day 1 (with `seed`
 * when given) and runs `days` days, `step` runs the next day, `play` the next `days` days. Each
 * day starts at least `seconds_per_day` after the one before (0: as fast as possible). A job
 * started in a terminal may also skip dbt or the tests, and run as many days as the engine
 * allows.
 */
export const simulationJobParamsSchema = z.strictObject({
  action: z.enum(SIMULATION_ACTIONS),
  days: z.number().int().min(1).max(3_650),
  seed: seedField.optional(),
  seconds_per_day: z.number().min(0),
  skip_dbt: z.boolean().optional(),
  skip_tests: z.boolean().optional(),
});
export type SimulationJobParams = z.infer<typeof simulationJobParamsSchema>;

/** The body of POST /api/simulation, one shape per action. */
export const simulationRequestSchema = z.discriminatedUnion(
  "action",
  [
    z.strictObject({
      action: z.literal("reset"),
      days: daysField.default(1),
      seed: seedField.optional(),
      seconds_per_day: secondsPerDayField.default(0),
    }),
    z.strictObject({ action: z.literal("step") }),
    z.strictObject({
      action: z.literal("play"),
      days: daysField,
      seconds_per_day: secondsPerDayField.default(0),
    }),
  ],
  { error: `expected "action" to be one of ${SIMULATION_ACTIONS.join(", ")}` },
);
export type SimulationRequest = z.input<typeof simulationRequestSchema>;

const REQUEST_HINT =
  'send {"action": "step"}, {"action": "play", "days": 7, "seconds_per_day": 0} or {"action": "reset", "seed": 42}';

/**
 * Validates the body of POST /api/simulation (already JSON-decoded) into a job's params.
 * Throws invalid:simulate naming the first wrong field and what was expected.
 */
export function parseSimulationRequest(body: unknown): SimulationJobParams {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new SbdkError("invalid:simulate", "expected a JSON object with an action", {
      field: "body",
      hint: REQUEST_HINT,
    });
  }
  const parsed = simulationRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      const field = issue.keys[0]!;
      const action = (body as { action?: unknown }).action;
      throw new SbdkError("invalid:simulate", `"${field}" is not a setting of "${String(action)}"`, {
        field,
        hint: REQUEST_HINT,
      });
    }
    const field = issue.path.length ? issue.path.map(String).join(".") : "action";
    const message = issue.path.length
      ? issue.message
      : `expected "action" to be one of ${SIMULATION_ACTIONS.join(", ")}`;
    throw new SbdkError("invalid:simulate", `"${field}": ${message}`, { field, hint: REQUEST_HINT });
  }
  const request = parsed.data;
  switch (request.action) {
    case "step":
      return { action: "step", days: 1, seconds_per_day: 0 };
    case "play":
      return { action: "play", days: request.days, seconds_per_day: request.seconds_per_day };
    case "reset":
      return {
        action: "reset",
        days: request.days,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        seconds_per_day: request.seconds_per_day,
      };
  }
}

/** The body of POST /api/simulation/pause: after the current day (default) or `now`. */
export const pauseRequestSchema = z.strictObject({
  now: z.boolean({ error: "expected true (stop at once) or false (after the current day)" }).default(false),
});

export function parsePauseRequest(body: unknown): { now: boolean } {
  const parsed = pauseRequestSchema.safeParse(body === undefined ? {} : body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const hint = 'send nothing to stop after the current day, or {"now": true} to stop at once';
  if (issue.code === "unrecognized_keys") {
    const field = issue.keys[0]!;
    throw new SbdkError("invalid:simulate", `"${field}" is not a pause setting`, { field, hint });
  }
  if (issue.path.length === 0) {
    throw new SbdkError("invalid:simulate", "expected a JSON object", { field: "body", hint });
  }
  const field = issue.path.map(String).join(".");
  throw new SbdkError("invalid:simulate", `"${field}": ${issue.message}`, { field, hint });
}

/** Where a simulation job is, in its record while it runs (the runs page reads it). */
export const simulationJobProgressSchema = z.object({
  simulation_id: z.string().nullable(),
  /** The days this job runs, once it has started. */
  from_day: z.number().int().nullable(),
  to_day: z.number().int().nullable(),
  /** The day under way, or the last one done. */
  day: z.number().int().nullable(),
  date: z.string().nullable(),
  days_done: z.number().int().nonnegative(),
  /** A pause was asked for: the job stops once the day under way is done. */
  pause_requested: z.boolean(),
});
export type SimulationJobProgress = z.infer<typeof simulationJobProgressSchema>;

export function emptySimulationJobProgress(): SimulationJobProgress {
  return {
    simulation_id: null,
    from_day: null,
    to_day: null,
    day: null,
    date: null,
    days_done: 0,
    pause_requested: false,
  };
}

/** Follows a job's events: the day it is on, how many it has done. */
export function stepSimulationJobProgress(
  progress: SimulationJobProgress,
  event: SimulationEvent,
): SimulationJobProgress {
  switch (event.type) {
    case "start":
      return { ...progress, simulation_id: event.simulationId, from_day: event.fromDay, to_day: event.toDay };
    case "day-started":
      return { ...progress, day: event.day, date: event.date };
    case "day":
      return {
        ...progress,
        day: event.summary.day,
        date: event.summary.date,
        days_done: progress.days_done + 1,
      };
    case "pause":
      return { ...progress, pause_requested: true };
    default:
      return progress;
  }
}

/** What a finished simulation job did. */
export const simulationJobSummarySchema = z.object({
  simulation_id: z.string(),
  seed: z.number().int(),
  base_users: z.number().int(),
  start_date: z.string(),
  /** The days asked for. */
  from_day: z.number().int(),
  to_day: z.number().int(),
  /** The days done, in order (fewer than asked when it was paused). */
  days: z.array(daySummarySchema),
  /** It stopped early because a pause was asked for. */
  paused: z.boolean(),
  timings: z.object({
    generate: z.number(),
    load: z.number(),
    dbt: z.number(),
    publish: z.number(),
    total: z.number(),
  }),
  /** Seconds to start dbt (import and parse), paid once per job; null without dbt. */
  dbt_start_seconds: z.number().nullable(),
});
export type SimulationJobSummary = z.infer<typeof simulationJobSummarySchema>;

/** The date of simulated day `day` (day 1 is `startDate`), YYYY-MM-DD. */
export function simulationDate(startDate: string, day: number): string {
  const d = new Date(`${startDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + day - 1);
  return d.toISOString().slice(0, 10);
}

/** "day 3", "days 3–7". */
export function formatDayRange(from: number, to: number): string {
  return from === to ? `day ${from}` : `days ${from}–${to}`;
}

/** What a simulation job was asked to do, as a person reads it. */
export function describeSimulationJob(params: SimulationJobParams): string {
  const pace = params.seconds_per_day > 0 ? ` at ${params.seconds_per_day} s a day` : "";
  switch (params.action) {
    case "step":
      return "step one day";
    case "play":
      return `play ${params.days} day${params.days === 1 ? "" : "s"}${pace}`;
    case "reset":
      return `start over${params.seed !== undefined ? ` with seed ${params.seed}` : ""} and run ${params.days} day${params.days === 1 ? "" : "s"}${pace}`;
  }
}

// ── The player ─────────────────────────────────────────────────────────────────────────────

/** GET /api/simulation: the simulated days of the publish folder and the job running, if any. */
export interface SimulationStatus {
  simulation: SimulationManifest | null;
  /**
   * The dashboard's publish is the simulation's last day. False when something published since
   * (a pipeline run, which also ends the simulation in the warehouse: the next step starts anew).
   */
  current: boolean;
  /** The job that holds the warehouse now (a simulation job or a pipeline run), if any. */
  active: RunRecord | null;
  queued: number;
}

/** What /simulate renders (in the app, and once for the static site's replay). */
export type SimulationPageData =
  | { status: "empty"; publishPath: string }
  | { status: "error"; message: string; hint?: string }
  | {
      status: "ready";
      simulation: SimulationManifest;
      /** The day shown first. */
      day: number;
      /** That day's publish manifest (its snapshot's tables); null for a day without one. */
      dayManifest: PublishManifest | null;
      /** The dashboard's figures of that day for `filters`, computed by the server. */
      views: ViewResults | null;
      filters: DashboardFilters;
      current: boolean;
    };

/** `?day=N` of the player's URL: a positive whole number, else null. */
export function parseDayParam(value: string | string[] | null | undefined): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !/^\d{1,5}$/.test(raw.trim())) return null;
  const day = Number(raw);
  return day >= 1 ? day : null;
}
