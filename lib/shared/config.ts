/**
 * The shape of sbdk_config.json: the seed project's flat keys (project, target, duckdb_path,
 * dbt_path, profiles_dir) plus the generator settings. Validated before anything is written.
 */
import { z } from "zod";
import {
  ACTIVE_PROBABILITY,
  DAILY_GROWTH,
  DAILY_SHARE,
  DAY_ONE_SHARE,
  GENERATION_RATE,
  MAX_GENERATIONS_PER_DAY,
  TIER_ACTIVITY,
} from "./domain";

/** A real calendar date written YYYY-MM-DD. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD")
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: "expected a real calendar date as YYYY-MM-DD",
    },
  );

const path = z
  .string()
  .min(1, "expected a non-empty path")
  // A NUL ends a path for the OS but not for JavaScript: refused here, not deep inside a run.
  .refine((p) => !p.includes("\0"), "expected a path without NUL characters");

const share = (fallback: number) =>
  z.number().min(0, "expected a share from 0 to 1").max(1, "expected a share from 0 to 1").default(fallback);
const activity = (fallback: number) =>
  z
    .number()
    .positive("expected a positive activity level")
    .max(100, "expected at most 100")
    .default(fallback);

/**
 * The growth model of the simulation (DESIGN.md), defaults as there: day 1 signs up
 * `day_one_share` of the base users, day d > 1 adds base × `daily_share` × `daily_growth`^(d − 1);
 * a user is active on a day with `active_probability` by tier (always on the signup day), and an
 * active user makes min(Poisson(`tier_activity` × `generation_rate`), `max_generations_per_day`)
 * generations that day.
 */
export const growthSchema = z
  .object({
    day_one_share: share(DAY_ONE_SHARE),
    daily_share: share(DAILY_SHARE),
    daily_growth: z
      .number()
      .positive("expected a positive growth factor (1.03 is +3% a day)")
      .max(2, "expected at most 2 (doubling every day)")
      .default(DAILY_GROWTH),
    generation_rate: z
      .number()
      .positive("expected a positive rate")
      .max(10, "expected at most 10")
      .default(GENERATION_RATE),
    max_generations_per_day: z
      .number()
      .int("expected a whole number")
      .min(1, "expected at least 1")
      .max(50, "expected at most 50")
      .default(MAX_GENERATIONS_PER_DAY),
    tier_activity: z
      .object({
        free: activity(TIER_ACTIVITY.free),
        pro: activity(TIER_ACTIVITY.pro),
        enterprise: activity(TIER_ACTIVITY.enterprise),
      })
      .strict()
      .prefault({}),
    active_probability: z
      .object({
        free: share(ACTIVE_PROBABILITY.free),
        pro: share(ACTIVE_PROBABILITY.pro),
        enterprise: share(ACTIVE_PROBABILITY.enterprise),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The parameters of the growth model, every one filled in. */
export type GrowthParams = z.output<typeof growthSchema>;

/** The growth model with every default (DESIGN.md). */
export const DEFAULT_GROWTH: GrowthParams = growthSchema.parse({});

export const configSchema = z
  .object({
    project: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, "expected a lowercase identifier (letters, digits, underscores)")
      .default("sbdk_starter"),
    target: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, "expected a dbt target name from dbt/profiles.yml")
      .default("dev"),
    duckdb_path: path.default("data/sbdk.duckdb"),
    dbt_path: path.default("dbt"),
    profiles_dir: path.default("dbt"),
    publish_path: path.default("public/data"),
    seed: z
      .number()
      .int("expected a whole number")
      .min(0, "expected 0 or more")
      .max(2 ** 31 - 1)
      .default(42),
    users: z
      .number()
      .int("expected a whole number")
      .positive("expected a positive number of users")
      .max(100_000_000, "expected at most 100,000,000 users")
      .default(10_000),
    days: z
      .number()
      .int("expected a whole number")
      .positive("expected a positive number of days")
      .max(3_650, "expected at most 3,650 days")
      .default(30),
    start_date: isoDate.default("2025-12-01"),
    scale: z.number().positive("expected a positive multiplier").max(1_000).default(1),
    growth: growthSchema.prefault({}),
  })
  .strict();

/** The config as written in the file (every key optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated config, defaults filled in, paths as written. */
export type ConfigValues = z.output<typeof configSchema>;

/** The validated config with every path made absolute. */
export interface Config extends ConfigValues {
  /** The config file this came from, or null when only defaults and environment were used. */
  configFile: string | null;
  /** The folder relative paths resolve from. */
  rootDir: string;
}

/** Environment variables that override the file, by config key (`growth` only in the file). */
export const CONFIG_ENV: Record<Exclude<keyof ConfigValues, "growth">, string> = {
  project: "SBDK_PROJECT",
  target: "SBDK_TARGET",
  duckdb_path: "SBDK_DUCKDB_PATH",
  dbt_path: "SBDK_DBT_PATH",
  profiles_dir: "SBDK_PROFILES_DIR",
  publish_path: "SBDK_PUBLISH_PATH",
  seed: "SBDK_SEED",
  users: "SBDK_USERS",
  days: "SBDK_DAYS",
  start_date: "SBDK_START_DATE",
  scale: "SBDK_SCALE",
};

export const NUMERIC_KEYS = new Set<keyof ConfigValues>(["seed", "users", "days", "scale"]);
