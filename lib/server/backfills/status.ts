import "server-only";
/**
 * A backfill's status, read from the warehouse itself: per day (batch_date) of its mart, the
 * rows and how many have a value in the backfilled column. A day is filled when every row has
 * one. So the status cannot drift from the data: it is the data. Whether the daily runs fill
 * new days comes from dbt's table backfills.backfill_days (an apply has started).
 */
import { existsSync } from "node:fs";
import {
  BACKFILLS,
  statusFromDays,
  type BackfillDefinition,
  type BackfillStatus,
} from "@/lib/shared/backfills";
import { SbdkError } from "@/lib/shared/errors";
import { readLock } from "@/lib/server/lock";
import { openWarehouseWaiting, type Warehouse } from "@/lib/server/warehouse/duckdb";

export const MARTS_SCHEMA = "marts";
export const BACKFILLS_SCHEMA = "backfills";

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function columnsOf(db: Warehouse, schema: string, table: string): Promise<Set<string>> {
  const rows = await db.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = $schema and table_name = $table`,
    { schema, table },
  );
  return new Set(rows.map((r) => r.column_name));
}

export async function relationExists(db: Warehouse, schema: string, table: string): Promise<boolean> {
  return (await columnsOf(db, schema, table)).size > 0;
}

/** Rows and filled rows per day of the backfill's mart; empty when the mart does not exist. */
export async function readDays(
  db: Warehouse,
  definition: BackfillDefinition,
): Promise<{ perDay: { day: string; rows: number; filled: number }[]; columnExists: boolean }> {
  const columns = await columnsOf(db, MARTS_SCHEMA, definition.model);
  if (columns.size === 0) return { perDay: [], columnExists: false };
  const columnExists = columns.has(definition.column);
  const filled = columnExists ? `count(${ident(definition.column)})` : "0";
  const perDay = await db.query<{ day: string; rows: number; filled: number }>(
    `select batch_date::varchar as day, count(*)::bigint as rows, ${filled}::bigint as filled
     from ${MARTS_SCHEMA}.${ident(definition.model)}
     group by batch_date order by batch_date`,
  );
  return { perDay, columnExists };
}

/** How many days backfill_days lists for the backfill (0 when the table does not exist yet). */
async function enabledDays(db: Warehouse, name: string): Promise<number> {
  if (!(await relationExists(db, BACKFILLS_SCHEMA, "backfill_days"))) return 0;
  const [row] = await db.query<{ n: number }>(
    `select count(*)::bigint as n from ${BACKFILLS_SCHEMA}.backfill_days where backfill_name = $name`,
    { name },
  );
  return row?.n ?? 0;
}

export async function readBackfillStatus(
  db: Warehouse,
  definition: BackfillDefinition,
): Promise<BackfillStatus> {
  const { perDay, columnExists } = await readDays(db, definition);
  return statusFromDays({
    name: definition.name,
    perDay,
    enabledDays: await enabledDays(db, definition.name),
    columnExists,
  });
}

export async function readBackfillStatuses(db: Warehouse): Promise<BackfillStatus[]> {
  const statuses: BackfillStatus[] = [];
  for (const definition of BACKFILLS) statuses.push(await readBackfillStatus(db, definition));
  return statuses;
}

/**
 * Opens the warehouse read-only for a reader that must not get in a job's way: refused
 * (conflict:warehouse) while a job holds the warehouse, since DuckDB lets no writer in while a
 * reader has the file open; missing:warehouse when there is no warehouse yet.
 */
export async function openForReading(duckdbPath: string): Promise<Warehouse> {
  if (!existsSync(duckdbPath)) {
    throw new SbdkError("missing:warehouse", `there is no warehouse at ${duckdbPath} yet`, {
      hint: "run the pipeline first (`npm run pipeline` or `npx sbdk simulate`)",
    });
  }
  const holder = readLock(duckdbPath);
  if (holder) {
    throw new SbdkError(
      "conflict:warehouse",
      `a job is writing the warehouse (${holder.job}, started at ${holder.started_at})`,
      { hint: "try again when it has finished; reading now would hold it up" },
    );
  }
  // A job that has just ended may take a moment to let go of the file (its dbt worker exiting).
  return openWarehouseWaiting(duckdbPath, 2_000, { readOnly: true, threads: 1 });
}
