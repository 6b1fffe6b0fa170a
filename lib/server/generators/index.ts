import "server-only";
/**
 * The generators of one simulated day. `prepareDay` writes the day's small, connection-local
 * staging tables (TEMP, named gen_*): the faker identities and prompt texts made in JS, and the
 * per-user-day plan (activity, session slots) made in SQL. Each raw table's module then gives
 * a SELECT of its rows from them (`selectDaySql`), which the load inserts in one transaction
 * (lib/server/warehouse/load.ts); the bulk tables are never materialised twice.
 */
import type { RawTable } from "@/lib/server/warehouse/schema";
import type { Warehouse } from "@/lib/server/warehouse/duckdb";
import { STAGE_ACTIVITY, stageActivitySql, userTiersSql } from "./activity";
import { dayContext, type DayContext, type GeneratorSettings } from "./context";
import { selectEventsSql } from "./events";
import { selectGenerationsSql } from "./generations";
import { selectOrdersSql } from "./orders";
import {
  dayPromptTexts,
  selectPromptsSql,
  STAGE_PROMPT_TEXTS,
  stagePromptTexts,
  type DayPromptTexts,
} from "./prompts";
import { selectSessionsSql, STAGE_SESSION_SLOTS, stageSessionSlotsSql } from "./sessions";
import {
  fakeUserIdentities,
  selectUsersSql,
  STAGE_IDENTITIES,
  stageUserIdentities,
  type UserIdentities,
} from "./users";

export {
  dayContext,
  ID_DAY_STRIDE,
  ID_USER_STRIDE,
  type DayContext,
  type GeneratorSettings,
} from "./context";
export { baseUserCount, batchDateOf, firstUserIdOfDay, newUsersOnDay, usersThroughDay } from "./growth";

/**
 * The order the load inserts the tables in: raw_sessions reads the day's raw_generations
 * (a session ends after its last generation).
 */
export const TABLE_LOAD_ORDER: readonly RawTable[] = [
  "raw_users",
  "raw_generations",
  "raw_prompts",
  "raw_sessions",
  "raw_events",
  "raw_orders",
];

const SELECTS: Record<RawTable, (ctx: DayContext) => string> = {
  raw_users: selectUsersSql,
  raw_sessions: selectSessionsSql,
  raw_prompts: selectPromptsSql,
  raw_generations: selectGenerationsSql,
  raw_events: selectEventsSql,
  raw_orders: selectOrdersSql,
};

const STAGING_TABLES = [STAGE_IDENTITIES, STAGE_PROMPT_TEXTS, STAGE_ACTIVITY, STAGE_SESSION_SLOTS];

export interface PreparedDay {
  context: DayContext;
  /** Rows of the staging tables: new users, prompt texts, active users, sessions. */
  staged: { users: number; promptTexts: number; activeUsers: number; sessions: number };
  /**
   * Milliseconds: faker in JS (identities and prompt texts), the SQL plan (activity and session
   * slots, which runs in DuckDB's threads meanwhile), appending the faker rows, and in all.
   */
  stageMs: { faker: number; plan: number; append: number; total: number };
}

/** Generates day `day`'s staging tables on `db`'s connection, replacing earlier ones. */
export async function prepareDay(
  db: Warehouse,
  settings: GeneratorSettings,
  day: number,
): Promise<PreparedDay> {
  const context = dayContext(settings, day);
  const started = performance.now();
  // DuckDB works out the plan on its own threads while faker runs on this one. The plan goes
  // as one batch of statements: a query awaited in between would wait for faker to let go of
  // this thread, and the plan would run after faker instead of beside it.
  const planSql = [
    await userTiersSql(db, context),
    stageActivitySql(context),
    stageSessionSlotsSql(context),
  ].join("\n");
  let planMs = 0;
  const plan = db.run(planSql).then(
    () => {
      planMs = performance.now() - started;
    },
    async (err: unknown) => {
      await db.run("ROLLBACK").catch(() => undefined); // when it stopped inside the memo's transaction
      throw err;
    },
  );
  let identities: UserIdentities;
  let texts: DayPromptTexts;
  try {
    identities = fakeUserIdentities(context.seed, context.day, context.firstUserId, context.newUsers);
    texts = dayPromptTexts(context.seed, context.day);
  } catch (err) {
    await plan.catch(() => undefined);
    throw err;
  }
  const fakerMs = performance.now() - started;
  await plan;
  const [counts] = await db.query<{ activeUsers: number; sessions: number }>(
    `SELECT (SELECT count(*) FROM ${STAGE_ACTIVITY}) AS "activeUsers",
            (SELECT count(*) FROM ${STAGE_SESSION_SLOTS}) AS sessions`,
  );
  const { activeUsers, sessions } = counts ?? { activeUsers: 0, sessions: 0 };
  const appendStarted = performance.now();
  const users = await stageUserIdentities(db, context, identities);
  const promptTexts = await stagePromptTexts(db, texts);
  const done = performance.now();
  return {
    context,
    staged: { users, promptTexts, activeUsers, sessions },
    stageMs: { faker: fakerMs, plan: planMs, append: done - appendStarted, total: done - started },
  };
}

/**
 * A SELECT of the day's rows of `table`, columns in the table's order (rows in no set order).
 * Needs `prepareDay` on the same connection, and raw_sessions the day's raw_generations.
 */
export function selectDaySql(table: RawTable, ctx: DayContext): string {
  return SELECTS[table](ctx);
}

/** Drops the staging tables of the connection. */
export async function dropStaging(db: Warehouse): Promise<void> {
  await db.run(STAGING_TABLES.map((t) => `DROP TABLE IF EXISTS ${t};`).join("\n"));
}
