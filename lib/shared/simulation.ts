/**
 * The day-by-day simulation as the outside sees it: the summary of a simulated day and
 * simulation.json, the manifest of the per-day snapshots a publish folder keeps so that a
 * simulation can be replayed in the browser without a server. One schema for the engine that
 * writes them and the browser that reads them.
 */
import { z } from "zod";
import { growthSchema } from "./config";

export const SIMULATION_MANIFEST_FILE = "simulation.json";
export const SIMULATION_MANIFEST_VERSION = 1;
/** Folder of the snapshots inside the publish folder. */
export const SIMULATION_DIR = "simulation";
/** The small metric tables each day's snapshot holds, besides the day summaries. */
export const SNAPSHOT_METRIC_TABLES = ["daily_metrics", "weekly_growth", "tier_summary"] as const;
export const DAY_SUMMARIES_TABLE = "day_summaries";

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
    }),
  ),
});

export type SnapshotFile = z.infer<typeof snapshotFileSchema>;
export type SimulationManifest = z.infer<typeof simulationManifestSchema>;
