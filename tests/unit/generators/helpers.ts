import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { ensureRawSchema, generateAndLoadDay, type DayLoadStats } from "@/lib/server/warehouse/load";
import { RAW_TABLE_NAMES, type RawTable } from "@/lib/server/warehouse/schema";
import type { GeneratorSettings } from "@/lib/server/generators";

export const KEY: Record<RawTable, string> = {
  raw_users: "user_id",
  raw_sessions: "session_id",
  raw_prompts: "prompt_id",
  raw_generations: "generation_id",
  raw_events: "event_id",
  raw_orders: "order_id",
};

/** An in-memory warehouse with days 1 … `days` loaded. */
export async function loadedWarehouse(
  settings: GeneratorSettings,
  days: number,
): Promise<{ db: Warehouse; stats: DayLoadStats[] }> {
  const db = await openWarehouse(":memory:");
  await ensureRawSchema(db);
  const stats: DayLoadStats[] = [];
  for (let day = 1; day <= days; day++) stats.push(await generateAndLoadDay(db, settings, day));
  return { db, stats };
}

/**
 * Per raw table: row count, an order-independent checksum of the rows, and an md5 of the rows
 * in key order (so equal md5s mean equal tables; the load writes rows in no set order).
 */
export async function tableChecksums(
  db: Warehouse,
  where = "true",
): Promise<Record<RawTable, { rows: number; xor: string; md5: string }>> {
  const out = {} as Record<RawTable, { rows: number; xor: string; md5: string }>;
  for (const table of RAW_TABLE_NAMES) {
    const [row] = await db.query<{ rows: number; xor: string; md5: string }>(
      `SELECT count(*) AS rows,
              coalesce(bit_xor(hash(t)), 0)::VARCHAR AS xor,
              md5(coalesce(string_agg(t::VARCHAR, '\n' ORDER BY t.${KEY[table]}), '')) AS md5
       FROM raw.${table} AS t
       WHERE ${where}`,
    );
    out[table] = row!;
  }
  return out;
}
