/**
 * What GET /api/health answers: whether the service can do its job (`ok`, or `degraded` with
 * the reasons), the state of the warehouse and of the publish, the last run, the queue and the
 * versions of the tools. One schema for the server that writes it and the clients that read it.
 */
import { z } from "zod";
import { RUN_KINDS, RUN_STATUSES, RUN_TRIGGERS } from "./runs";

export const HEALTH_STATUSES = ["ok", "degraded"] as const;

export const healthSchema = z.object({
  status: z.enum(HEALTH_STATUSES),
  /** Why the status is degraded, each with what to do; empty when ok. */
  reasons: z.array(z.string()),
  checked_at: z.string(),
  warehouse: z.object({
    exists: z.boolean(),
    bytes: z.number().int().nonnegative().nullable(),
    modified_at: z.string().nullable(),
    /** The job holding the warehouse now (this server's run or a terminal's), if any. */
    locked_by: z.object({ job: z.string(), pid: z.number().int(), started_at: z.string() }).nullable(),
  }),
  publish: z.object({
    exists: z.boolean(),
    generated_at: z.string().nullable(),
    /** Seconds since the published data was generated. */
    age_seconds: z.number().nonnegative().nullable(),
    tables: z.number().int().nonnegative(),
    date_range: z.object({ start: z.string(), end: z.string() }).nullable(),
    tests_failed: z.number().int().nonnegative().nullable(),
  }),
  last_run: z
    .object({
      id: z.string(),
      /** A pipeline run or a simulation job: both go through the same queue. */
      kind: z.enum(RUN_KINDS),
      status: z.enum(RUN_STATUSES),
      trigger: z.enum(RUN_TRIGGERS),
      created: z.string(),
      finished: z.string().nullable(),
      error: z.string().nullable(),
    })
    .nullable(),
  queue: z.object({
    /** Runs active or waiting in this server. */
    length: z.number().int().nonnegative(),
    active_run_id: z.string().nullable(),
    queued: z.number().int().nonnegative(),
  }),
  versions: z.object({
    node: z.string(),
    /** The DuckDB that @duckdb/node-api bundles (the server's side of the file). */
    duckdb_node: z.string(),
    /** The Python duckdb that dbt-duckdb uses (dbt's side); must equal duckdb_node. */
    duckdb_python: z.string().nullable(),
    dbt_core: z.string().nullable(),
    dbt_duckdb: z.string().nullable(),
  }),
  webhook: z.object({ enabled: z.boolean(), branch: z.string().nullable() }),
});
export type Health = z.infer<typeof healthSchema>;
