/**
 * Backfills: a new metric column of a mart whose history is filled day by day. The registry
 * says what each backfill is; its values are dbt code (dbt/macros/backfills/<name>.sql, listed
 * in var('backfills') of dbt/dbt_project.yml, the column added in the mart, one test on it named
 * backfill_<name>). Here also the shapes the CLI, the API and the page share: a backfill's
 * status, its preview (dry run), the events of an apply and the record the apply log keeps.
 * Pure, for the server and the browser.
 */
import { z } from "zod";
import { isoDate } from "./config";
import { SbdkError } from "./errors";

// ── The registry ────────────────────────────────────────────────────────────────────────────

export type BackfillValue =
  | {
      kind: "number";
      /** The range the column's test accepts (max null: unbounded). */
      min: number;
      max: number | null;
      /** How a value reads: a 0–1 or 0–100 score, or US dollars. */
      unit: "score" | "usd";
      /** The histogram's domain; null: from 0 to the largest value. */
      histogram: { min: number; max: number } | null;
    }
  | { kind: "category"; values: readonly string[] };

export interface BackfillDefinition {
  /** snake_case; also the name of its dbt macro and, as backfill_<name>, of its test. */
  name: string;
  title: string;
  description: string;
  /** The mart the column belongs to, its primary key and the column. */
  model: "dim_prompts" | "dim_users" | "fct_sessions" | "fct_generations";
  key: string;
  column: string;
  value: BackfillValue;
  /** Columns of the mart shown beside the values in the preview's sample rows. */
  context: readonly string[];
}

export const BACKFILLS = [
  {
    name: "prompt_toxicity",
    title: "Prompt toxicity",
    description:
      "How toxic a prompt's text is, 0–1: the weights of the toxicity words it contains as whole words (hate, kill and violent 0.6, attack 0.5, destroy 0.4, stupid and idiot 0.3, ugly 0.2), added up and capped at 1.",
    model: "dim_prompts",
    key: "prompt_id",
    column: "toxicity_score",
    value: { kind: "number", min: 0, max: 1, unit: "score", histogram: { min: 0, max: 1 } },
    context: ["prompt_text"],
  },
  {
    name: "user_lifetime_value",
    title: "User lifetime value",
    description:
      "What a user is worth in US dollars: revenue to date plus 0.02 per successful generation, times the tier's multiplier (free 1, pro 1.5, enterprise 2.5).",
    model: "dim_users",
    key: "user_id",
    column: "lifetime_value",
    value: { kind: "number", min: 0, max: null, unit: "usd", histogram: null },
    context: ["user_tier", "total_revenue_usd", "successful_generation_count"],
  },
  {
    name: "session_engagement_score",
    title: "Session engagement",
    description:
      "How engaged a session was, 0–100: 40 × the share of its generations downloaded + 30 × the share liked + 30 × its activity (generations, full at 5); 0 without generations.",
    model: "fct_sessions",
    key: "session_id",
    column: "engagement_score",
    value: { kind: "number", min: 0, max: 100, unit: "score", histogram: { min: 0, max: 100 } },
    context: ["generation_count", "download_count", "thumbs_up_count"],
  },
  {
    name: "generation_quality_flag",
    title: "Generation quality",
    description:
      "A quality tier per generation: failed (did not succeed), poor (disliked, retried twice or more, or 10 s or slower), excellent (liked or downloaded, first try, under 4 s), good (first try, under 6 s), acceptable (every other success).",
    model: "fct_generations",
    key: "generation_id",
    column: "quality_tier",
    value: { kind: "category", values: ["excellent", "good", "acceptable", "poor", "failed"] },
    context: ["status", "latency_ms", "retry_count", "is_thumbs_up", "is_thumbs_down", "is_downloaded"],
  },
] as const satisfies readonly BackfillDefinition[];

export type BackfillName = (typeof BACKFILLS)[number]["name"];
export const BACKFILL_NAMES = BACKFILLS.map((b) => b.name) as BackfillName[];

/** Where a backfill's dbt code lives, relative to the dbt project. */
export function backfillDbtFiles(definition: Pick<BackfillDefinition, "name" | "model">): {
  macro: string;
  model: string;
  schema: string;
} {
  return {
    macro: `macros/backfills/${definition.name}.sql`,
    model: `models/marts/${definition.model}.sql`,
    schema: `models/marts/${definition.model}.yml`,
  };
}

/** The dbt test on a backfill's column (its `name:` in the mart's yml). */
export function backfillTestName(name: string): string {
  return `backfill_${name}`;
}

/** A backfill by name, or not_found:backfill listing the known names. */
export function findBackfill(name: string): BackfillDefinition {
  const found = BACKFILLS.find((b) => b.name === name);
  if (found) return found;
  throw new SbdkError("not_found:backfill", `there is no backfill named "${name}"`, {
    details: [`known backfills: ${BACKFILL_NAMES.join(", ")}`],
    hint: "`sbdk backfill --list` lists them with their status",
  });
}

// ── Days ────────────────────────────────────────────────────────────────────────────────────

export const dayRangeSchema = z.object({
  start: isoDate,
  end: isoDate,
  days: z.number().int().positive(),
});
export type DayRange = z.infer<typeof dayRangeSchema>;

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Sorted days → runs of consecutive days. */
export function dayRanges(days: readonly string[]): DayRange[] {
  const sorted = [...new Set(days)].sort();
  const ranges: DayRange[] = [];
  for (const day of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && nextDay(last.end) === day) {
      last.end = day;
      last.days += 1;
    } else {
      ranges.push({ start: day, end: day, days: 1 });
    }
  }
  return ranges;
}

/** "2025-12-01 – 2025-12-07, 2025-12-09" (and "…" after `max` ranges). */
export function formatDayRanges(ranges: readonly DayRange[], max = 4): string {
  if (ranges.length === 0) return "none";
  const shown = ranges.slice(0, max).map((r) => (r.days === 1 ? r.start : `${r.start} – ${r.end}`));
  return shown.join(", ") + (ranges.length > max ? `, … (${ranges.length - max} more)` : "");
}

export interface DayRows {
  day: string;
  /** Rows of the day still without a value. */
  rows: number;
}

export interface Batch {
  start: string;
  end: string;
  days: number;
  rows: number;
}

/**
 * The batches an apply runs: the days to fill, consecutive days together, at most `batchDays`
 * days a batch (each batch is one dbt build over the window start–end, which must hold only
 * days to fill).
 */
export function planBatches(days: readonly DayRows[], batchDays: number): Batch[] {
  if (!Number.isInteger(batchDays) || batchDays < 1) throw new RangeError("batchDays must be 1 or more");
  const rowsOf = new Map(days.map((d) => [d.day, d.rows]));
  const batches: Batch[] = [];
  for (const range of dayRanges(days.map((d) => d.day))) {
    let day = range.start;
    let current: Batch | null = null;
    for (let i = 0; i < range.days; i++) {
      if (!current || current.days === batchDays) {
        current = { start: day, end: day, days: 0, rows: 0 };
        batches.push(current);
      }
      current.end = day;
      current.days += 1;
      current.rows += rowsOf.get(day) ?? 0;
      day = nextDay(day);
    }
  }
  return batches;
}

export const DEFAULT_BATCH_DAYS = 7;
export const MAX_BATCH_DAYS = 366;

// ── Status ──────────────────────────────────────────────────────────────────────────────────

export const BACKFILL_STATES = ["no_data", "not_applied", "partial", "applied"] as const;
export type BackfillState = (typeof BACKFILL_STATES)[number];

export const backfillStatusSchema = z.object({
  name: z.string(),
  state: z.enum(BACKFILL_STATES),
  /** Days (batch_date) of the mart, and how many have a value in every row. */
  days: z.number().int().nonnegative(),
  filledDays: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  filledRows: z.number().int().nonnegative(),
  filled: z.array(dayRangeSchema),
  missing: z.array(dayRangeSchema),
  /** Whether the daily runs fill new days (an apply has started: backfill_days has its days). */
  enabled: z.boolean(),
  /** Whether the mart has the column at all (a warehouse built before the backfill existed has not). */
  columnExists: z.boolean(),
});
export type BackfillStatus = z.infer<typeof backfillStatusSchema>;

/** The status of one backfill from its mart's rows per day and the days backfill_days lists. */
export function statusFromDays(input: {
  name: string;
  perDay: readonly { day: string; rows: number; filled: number }[];
  enabledDays: number;
  columnExists: boolean;
}): BackfillStatus {
  const filledDays = input.perDay.filter((d) => d.rows > 0 && d.filled === d.rows).map((d) => d.day);
  const missingDays = input.perDay.filter((d) => d.filled < d.rows).map((d) => d.day);
  const rows = input.perDay.reduce((n, d) => n + d.rows, 0);
  const filledRows = input.perDay.reduce((n, d) => n + d.filled, 0);
  const state: BackfillState =
    input.perDay.length === 0
      ? "no_data"
      : missingDays.length === 0
        ? "applied"
        : filledDays.length === 0
          ? "not_applied"
          : "partial";
  return {
    name: input.name,
    state,
    days: input.perDay.length,
    filledDays: filledDays.length,
    rows,
    filledRows,
    filled: dayRanges(filledDays),
    missing: dayRanges(missingDays),
    enabled: input.enabledDays > 0,
    columnExists: input.columnExists,
  };
}

/** "applied (14 days)", "partly applied: 3 of 14 days", "not applied", "no data yet". */
export function describeState(status: Pick<BackfillStatus, "state" | "days" | "filledDays">): string {
  switch (status.state) {
    case "no_data":
      return "no data yet";
    case "not_applied":
      return "not applied";
    case "partial":
      return `partly applied: ${status.filledDays} of ${status.days} days`;
    case "applied":
      return `applied (${status.days} ${status.days === 1 ? "day" : "days"})`;
  }
}

// ── Preview ─────────────────────────────────────────────────────────────────────────────────

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const histogramBinSchema = z.object({
  start: z.number(),
  end: z.number(),
  count: z.number().int().nonnegative(),
});
export type HistogramBin = z.infer<typeof histogramBinSchema>;

export const distributionSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("number"),
    count: z.number().int().nonnegative(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    mean: z.number().nullable(),
    bins: z.array(histogramBinSchema),
  }),
  z.object({
    kind: z.literal("category"),
    count: z.number().int().nonnegative(),
    categories: z.array(z.object({ value: z.string(), count: z.number().int().nonnegative() })),
  }),
]);
export type Distribution = z.infer<typeof distributionSchema>;

export const previewSchema = z.object({
  backfill: z.string(),
  model: z.string(),
  column: z.string(),
  key: z.string(),
  status: backfillStatusSchema,
  /** What an apply would fill: the days without a value, and their rows. */
  affected: z.object({ days: z.number().int(), rows: z.number().int(), ranges: z.array(dayRangeSchema) }),
  /** Share of the mart's rows without a value, now and after an apply. */
  nullShare: z.object({ before: z.number(), after: z.number() }),
  /** Rows an apply would give another value than they hold (a filled day that would change). */
  changedFilledRows: z.number().int().nonnegative(),
  /** Sample rows: key, day, the value now (null when not filled), the value after, and context. */
  samples: z.array(
    z.object({
      key: z.number(),
      batchDate: z.string(),
      old: cellSchema,
      new: cellSchema,
      context: z.record(z.string(), cellSchema),
    }),
  ),
  sampleOf: z.number().int().nonnegative(),
  /** The new value over every row of the mart. */
  distribution: distributionSchema,
  /** What an apply runs, from dbt's manifest.json. */
  dbt: z.object({
    /** Each batch: these models (with the window's vars) and this test. */
    batchModels: z.array(z.string()),
    batchTest: z.string(),
    /** Models downstream of the mart (rebuilt by the run after the batches), and their tests. */
    downstreamModels: z.array(z.string()),
    downstreamTests: z.array(z.string()),
    /** The whole project, run and tested once after the batches, before the publish. */
    projectModels: z.number().int(),
    projectTests: z.number().int(),
  }),
  estimate: z.object({
    seconds: z.number(),
    batches: z.number().int(),
    batchDays: z.number().int(),
    startSeconds: z.number(),
    batchSeconds: z.number(),
    finalSeconds: z.number(),
    publishSeconds: z.number(),
    /** Where the figures come from: the last apply's timings, or defaults and the last build. */
    basis: z.string(),
  }),
  /** The dbt code that computes the value. */
  code: z.object({ file: z.string(), source: z.string() }),
});
export type BackfillPreview = z.infer<typeof previewSchema>;

/**
 * Equal-width bins over [min, max] with a round width (1, 2 or 5 × 10^k), at most `count` of
 * them; the last bin includes max.
 */
export function histogramEdges(
  min: number,
  max: number,
  count = 10,
): { start: number; width: number; bins: number } {
  const span = Math.max(max - min, 1e-9);
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 5, 10].map((m) => m * power).find((w) => w >= raw - 1e-12) ?? 10 * power;
  const start = Math.floor(min / width) * width;
  const bins = Math.max(1, Math.ceil((max - start) / width - 1e-9));
  return { start, width: Number(width.toPrecision(12)), bins };
}

// ── Apply ───────────────────────────────────────────────────────────────────────────────────

/** `b-<UTC date>-<UTC time>-<4 random chars>`, like a run id. */
export const APPLY_ID_PATTERN = /^b-\d{8}-\d{6}-[0-9a-z]{4}$/;
export const applyIdSchema = z
  .string()
  .regex(APPLY_ID_PATTERN, "expected an apply id like b-20261123-025801-ab12");

export function newApplyId(
  now: Date,
  random: () => string = () => Math.random().toString(36).slice(2, 6).padEnd(4, "0"),
): string {
  const iso = now.toISOString();
  return `b-${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}-${random()}`;
}

export const APPLY_STATUSES = ["running", "succeeded", "failed", "interrupted"] as const;
export type ApplyStatus = (typeof APPLY_STATUSES)[number];
export const APPLY_TRIGGERS = ["cli", "browser"] as const;

/** One apply of one backfill, as the apply log in the warehouse keeps it. */
export const applyRecordSchema = z.object({
  id: z.string(),
  backfill: z.string(),
  trigger: z.enum(APPLY_TRIGGERS),
  status: z.enum(APPLY_STATUSES),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  /** The days it set out to fill ("2025-12-01 – 2025-12-07, …"), how many, and how many it did. */
  day_ranges: z.string(),
  days_planned: z.number().int(),
  days_done: z.number().int(),
  rows_filled: z.number().int(),
  batches: z.number().int(),
  batch_days: z.number().int(),
  seconds: z.number().nullable(),
  /** Timings: dbt's start, the batches, the project's run and tests, the publish. */
  dbt_start_seconds: z.number().nullable(),
  batch_seconds: z.number().nullable(),
  final_seconds: z.number().nullable(),
  publish_seconds: z.number().nullable(),
  /** The outcome of the backfill's test in its last batch (pass, fail, …), null when none ran. */
  test_status: z.string().nullable(),
  /** Other tests of the project failing in the run after the batches (not this backfill's). */
  other_failing_tests: z.number().int().nullable(),
  error: z.string().nullable(),
  pid: z.number().int().nullable(),
});
export type ApplyRecord = z.infer<typeof applyRecordSchema>;

export const backfillEventSchema = z.discriminatedUnion("type", [
  /** The apply of one backfill begins: what it will fill. */
  z.object({
    type: z.literal("start"),
    applyId: z.string(),
    backfill: z.string(),
    days: z.number().int(),
    rows: z.number().int(),
    batches: z.number().int(),
    batchDays: z.number().int(),
    ranges: z.array(dayRangeSchema),
  }),
  z.object({ type: z.literal("dbt-ready"), seconds: z.number() }),
  /** A dbt node of a batch, or of the run and test after them, has finished. */
  z.object({
    type: z.literal("node"),
    name: z.string(),
    resourceType: z.string(),
    status: z.string(),
    seconds: z.number(),
  }),
  z.object({
    type: z.literal("batch"),
    backfill: z.string(),
    batch: z.number().int(),
    batches: z.number().int(),
    start: z.string(),
    end: z.string(),
    days: z.number().int(),
    rows: z.number().int(),
    daysDone: z.number().int(),
    daysPlanned: z.number().int(),
    rowsDone: z.number().int(),
    test: z.string(),
    seconds: z.number(),
  }),
  z.object({
    type: z.literal("stage"),
    stage: z.enum(["run", "test", "publish"]),
    status: z.enum(["started", "finished"]),
    seconds: z.number().optional(),
    detail: z.string().optional(),
  }),
  /** The apply of one backfill ended (its log record). */
  z.object({ type: z.literal("applied"), record: applyRecordSchema }),
]);
export type BackfillEvent = z.infer<typeof backfillEventSchema>;

/** The body of POST /api/backfills/<name>/apply: all optional. */
export const applyRequestSchema = z.strictObject({
  batch_days: z
    .number({ error: "expected a whole number of days" })
    .int("expected a whole number of days")
    .min(1, "expected 1 or more days")
    .max(MAX_BATCH_DAYS, `expected at most ${MAX_BATCH_DAYS} days`)
    .optional(),
});
export type ApplyRequest = z.infer<typeof applyRequestSchema>;

/** Validates the body of an apply request (undefined: empty body); invalid:backfill names the field. */
export function parseApplyRequest(body: unknown): ApplyRequest {
  const parsed = applyRequestSchema.safeParse(body === undefined ? {} : body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const hint = `send a JSON object with batch_days (1–${MAX_BATCH_DAYS}), or nothing for ${DEFAULT_BATCH_DAYS} days a batch`;
  if (issue.code === "unrecognized_keys") {
    const field = issue.keys[0]!;
    throw new SbdkError("invalid:backfill", `"${field}" is not a setting of an apply`, { field, hint });
  }
  if (issue.path.length === 0)
    throw new SbdkError("invalid:backfill", "expected a JSON object", { field: "body", hint });
  const field = issue.path.map(String).join(".");
  throw new SbdkError("invalid:backfill", `"${field}": ${issue.message}`, { field, hint });
}

/** What GET /api/backfills answers: every backfill with its status and last apply, and the log. */
export const backfillListSchema = z.object({
  backfills: z.array(
    z.object({
      name: z.string(),
      status: backfillStatusSchema.nullable(),
      lastApply: applyRecordSchema.nullable(),
    }),
  ),
  applies: z.array(applyRecordSchema),
  /** The apply running now from this server, if any. */
  active: z.object({ id: z.string(), backfill: z.string() }).nullable(),
  /** Why the statuses could not be read (the warehouse is busy or missing), if so. */
  unavailable: z.object({ message: z.string(), hint: z.string().optional() }).nullable(),
});
export type BackfillList = z.infer<typeof backfillListSchema>;

/** A backfill's value as people read it: "$12.34", "0.6", "excellent"; "–" for no value. */
export function formatBackfillValue(
  definition: Pick<BackfillDefinition, "value">,
  value: string | number | boolean | null,
): string {
  if (value === null) return "–";
  if (typeof value !== "number") return String(value);
  if (definition.value.kind === "number" && definition.value.unit === "usd") {
    return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  }
  return String(Number(value.toFixed(4)));
}
