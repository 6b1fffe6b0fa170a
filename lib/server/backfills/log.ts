import "server-only";
/**
 * The apply log: one row per apply of a backfill, in the warehouse it changed (schema
 * `backfill_history`, written by the apply's process only, never by dbt): when, what, which
 * days, how many rows, how long, and how it ended. A row is written when the apply starts and
 * rewritten after every batch and at the end, so an apply killed outright (kill -9) is still
 * there, as `running` with a process that no longer exists; it reads as `interrupted`.
 */
import { applyRecordSchema, type ApplyRecord } from "@/lib/shared/backfills";
import { isAlive } from "@/lib/server/lock";
import type { Warehouse } from "@/lib/server/warehouse/duckdb";

export const APPLY_LOG_SCHEMA = "backfill_history";
const APPLIES = `${APPLY_LOG_SCHEMA}.applies`;

const COLUMNS: Record<keyof ApplyRecord, string> = {
  id: "varchar primary key",
  backfill: "varchar not null",
  trigger: "varchar not null",
  status: "varchar not null",
  started_at: "timestamp not null",
  finished_at: "timestamp",
  day_ranges: "varchar not null",
  days_planned: "integer not null",
  days_done: "integer not null",
  rows_filled: "bigint not null",
  batches: "integer not null",
  batch_days: "integer not null",
  seconds: "double",
  dbt_start_seconds: "double",
  batch_seconds: "double",
  final_seconds: "double",
  publish_seconds: "double",
  test_status: "varchar",
  other_failing_tests: "integer",
  error: "varchar",
  pid: "integer",
};
const NAMES = Object.keys(COLUMNS) as (keyof ApplyRecord)[];

export async function ensureApplyLog(db: Warehouse): Promise<void> {
  await db.run(`
    create schema if not exists ${APPLY_LOG_SCHEMA};
    create table if not exists ${APPLIES} (
      ${NAMES.map((n) => `${n} ${COLUMNS[n]}`).join(",\n      ")}
    );`);
}

/** Writes the record whole (insert, or replace the row with its id). */
export async function writeApply(db: Warehouse, record: ApplyRecord): Promise<void> {
  const values = NAMES.map((n) =>
    n === "started_at" || n === "finished_at" ? "$" + n + "::timestamp" : "$" + n,
  );
  await db.run(
    `insert or replace into ${APPLIES} (${NAMES.join(", ")}) values (${values.join(", ")})`,
    Object.fromEntries(NAMES.map((n) => [n, record[n]])),
  );
}

async function hasLog(db: Warehouse): Promise<boolean> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::integer as n from information_schema.tables
     where table_schema = '${APPLY_LOG_SCHEMA}' and table_name = 'applies'`,
  );
  return (row?.n ?? 0) > 0;
}

/** A stored row as a record; a `running` apply whose process is gone reads as `interrupted`. */
function interpret(row: unknown, alive: (pid: number) => boolean): ApplyRecord {
  const record = applyRecordSchema.parse(row);
  if (record.status === "running" && (record.pid === null || !alive(record.pid))) {
    return {
      ...record,
      status: "interrupted",
      error: record.error ?? `the apply's process (pid ${record.pid ?? "unknown"}) ended before it finished`,
    };
  }
  return record;
}

/** The applies, newest first (of one backfill when `backfill` is given). */
export async function readApplies(
  db: Warehouse,
  options: { backfill?: string; limit?: number; alive?: (pid: number) => boolean } = {},
): Promise<ApplyRecord[]> {
  if (!(await hasLog(db))) return [];
  const rows = await db.query(
    `select * from ${APPLIES}
     ${options.backfill ? "where backfill = $backfill" : ""}
     order by started_at desc, id desc
     limit ${Math.max(1, Math.min(options.limit ?? 50, 1000))}`,
    options.backfill ? { backfill: options.backfill } : undefined,
  );
  return rows.map((row) => interpret(row, options.alive ?? isAlive));
}

export async function readApply(
  db: Warehouse,
  id: string,
  alive: (pid: number) => boolean = isAlive,
): Promise<ApplyRecord | null> {
  if (!(await hasLog(db))) return null;
  const [row] = await db.query(`select * from ${APPLIES} where id = $id`, { id });
  return row ? interpret(row, alive) : null;
}
