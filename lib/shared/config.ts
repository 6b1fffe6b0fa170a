/**
 * The shape of sbdk_config.json: the seed project's flat keys (project, target, duckdb_path,
 * dbt_path, profiles_dir) plus the generator settings. Validated before anything is written.
 */
import { z } from "zod";

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

const path = z.string().min(1, "expected a non-empty path");

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

/** Environment variables that override the file, by config key. */
export const CONFIG_ENV: Record<keyof ConfigValues, string> = {
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
