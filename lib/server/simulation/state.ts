import "server-only";
/**
 * The simulation's state, kept in the warehouse (schema `simulation`) next to the data it describes:
 * which simulation it is (seed, base, start date, growth parameters), how far it got, and one
 * summary row per finished day. A run reads it to continue where the last one stopped.
 *
 * `last_day` is the last day whose every step finished (load, dbt, publish); `dbt_day` the last
 * day dbt built the marts through (0 when this simulation has not built them yet: the next
 * build is a full refresh). Both move only when a day finishes, so a run stopped inside a day
 * leaves them at the day before, and the next run redoes the day whole from its load.
 */
import { growthSchema, type GrowthParams } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import type { DaySummary, DayTests } from "@/lib/shared/simulation";
import type { Warehouse } from "@/lib/server/warehouse/duckdb";
import { RAW_SCHEMA, RAW_TABLE_NAMES } from "@/lib/server/warehouse/schema";

/**
 * Not "sbdk": the default warehouse file is sbdk.duckdb, whose catalog is named sbdk, and DuckDB
 * refuses a schema reference that could mean either.
 */
export const SIMULATION_SCHEMA = "simulation";
const SIMULATION = `${SIMULATION_SCHEMA}.state`;
const DAYS = `${SIMULATION_SCHEMA}.days`;

export interface SimulationState {
  simulationId: string;
  seed: number;
  baseUsers: number;
  /** Day 1's date, YYYY-MM-DD. */
  startDate: string;
  growth: GrowthParams;
  /** The last day finished (0: none yet). */
  lastDay: number;
  /** The last day dbt built the marts through (0: not yet for this simulation). */
  dbtDay: number;
  createdAt: string;
  updatedAt: string;
}

/** Seconds each step of a day took. */
export interface DayTimings {
  generate: number;
  load: number;
  dbt: number;
  /** CPU seconds dbt used (its Python and DuckDB's threads): steadier than wall time on a busy machine. */
  dbtCpu: number;
  /** Seconds of the build's queries in DuckDB (see SessionInvocation.sqlSeconds); the rest is dbt's Python. */
  dbtSql: number;
  publish: number;
  total: number;
}

export interface WeeklyGrowthRow {
  /** Monday of the week, YYYY-MM-DD. */
  weekStart: string;
  /** Simulated days of the week (fewer than 7 in a partial week). */
  days: number;
  newUsers: number;
  /** Users signed up by the end of the week. */
  totalUsers: number;
  generations: number;
  successRate: number | null;
  revenueUsd: number;
  /** Change in new users from the week before (null for the first week). */
  newUsersChange: number | null;
}

const DDL = `
  create schema if not exists ${SIMULATION_SCHEMA};
  create table if not exists ${SIMULATION} (
    simulation_id varchar not null,
    seed bigint not null,
    base_users bigint not null,
    start_date date not null,
    growth_json varchar not null,
    last_day integer not null,
    dbt_day integer not null,
    created_at timestamp not null,
    updated_at timestamp not null
  );
  create table if not exists ${DAYS} (
    day integer not null,
    date_day date not null,
    new_users bigint not null,
    total_users bigint not null,
    active_users bigint not null,
    sessions bigint not null,
    generations bigint not null,
    successful_generations bigint not null,
    success_rate double,
    orders bigint not null,
    revenue_usd decimal(18, 2) not null,
    tests_passed integer,
    tests_failed integer,
    tests_warned integer,
    generate_seconds double,
    load_seconds double,
    dbt_seconds double,
    publish_seconds double,
    recorded_at timestamp not null
  );`;

/** The columns of a day summary (the rest of the table is timings). */
const DAY_SUMMARY_COLUMNS = [
  "day",
  "date_day",
  "new_users",
  "total_users",
  "active_users",
  "sessions",
  "generations",
  "successful_generations",
  "success_rate",
  "orders",
  "revenue_usd",
  "tests_passed",
  "tests_failed",
  "tests_warned",
] as const;

export async function ensureSimulationSchema(db: Warehouse): Promise<void> {
  await db.run(DDL);
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A TIMESTAMP literal (UTC) of a moment. */
function sqlTimestamp(moment: Date): string {
  return `timestamp '${moment.toISOString().replace("T", " ").replace("Z", "")}'`;
}

/** The simulation the warehouse holds, or null when it holds none. */
export async function readSimulation(db: Warehouse): Promise<SimulationState | null> {
  const rows = await db.query<{
    simulation_id: string;
    seed: number;
    base_users: number;
    start_date: string;
    growth_json: string;
    last_day: number;
    dbt_day: number;
    created_at: string;
    updated_at: string;
  }>(`select * from ${SIMULATION}`);
  if (rows.length === 0) return null;
  if (rows.length > 1) {
    throw new SbdkError("failed:simulate", `${SIMULATION} holds ${rows.length} simulations instead of one`, {
      hint: "run `sbdk simulate --reset` to start over",
    });
  }
  const row = rows[0]!;
  const growth = growthSchema.safeParse(JSON.parse(row.growth_json));
  if (!growth.success) {
    throw new SbdkError("failed:simulate", "the simulation's stored growth parameters are unreadable", {
      details: growth.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
      hint: "run `sbdk simulate --reset` to start over",
    });
  }
  return {
    simulationId: row.simulation_id,
    seed: row.seed,
    baseUsers: row.base_users,
    startDate: row.start_date,
    growth: growth.data,
    lastDay: row.last_day,
    dbtDay: row.dbt_day,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Runs `statements` in one transaction (all or nothing, also after a crash). */
async function transaction(db: Warehouse, statements: string[]): Promise<void> {
  try {
    await db.run(["begin transaction;", ...statements, "commit;"].join("\n"));
  } catch (err) {
    await db.run("rollback").catch(() => undefined);
    throw err;
  }
}

/**
 * Starts a simulation at day 0, in one transaction: the raw tables are emptied (their days
 * belong to whatever ran before) and the state and day summaries replaced. The marts are left
 * to the first dbt build, which is a full refresh (dbt_day 0).
 */
export async function startSimulation(
  db: Warehouse,
  state: Pick<SimulationState, "simulationId" | "seed" | "baseUsers" | "startDate" | "growth">,
  now: Date,
): Promise<SimulationState> {
  const ts = sqlTimestamp(now);
  await transaction(db, [
    ...RAW_TABLE_NAMES.map((t) => `delete from ${RAW_SCHEMA}.${t};`),
    `delete from ${DAYS};`,
    `delete from ${SIMULATION};`,
    `insert into ${SIMULATION} values (
       ${sqlString(state.simulationId)}, ${state.seed}, ${state.baseUsers}, date ${sqlString(state.startDate)},
       ${sqlString(JSON.stringify(state.growth))}, 0, 0, ${ts}, ${ts});`,
  ]);
  const started = await readSimulation(db);
  if (!started) throw new Error("the simulation state was not written");
  return started;
}

/** Forgets the simulation (a whole pipeline run rewrote the warehouse); the summaries go with it. */
export async function clearSimulation(db: Warehouse): Promise<void> {
  await ensureSimulationSchema(db);
  await transaction(db, [`delete from ${DAYS};`, `delete from ${SIMULATION};`]);
}

/**
 * The summary of day `day` from its raw rows (and the day's test results, null when tests did
 * not run). The raw tables hold no day after `day` while it runs, so "so far" is "≤ day".
 */
export async function computeDaySummary(
  db: Warehouse,
  day: number,
  date: string,
  tests: DayTests | null,
): Promise<DaySummary> {
  const d = `date ${sqlString(date)}`;
  const [row] = await db.query<{
    new_users: number;
    total_users: number;
    active_users: number;
    sessions: number;
    generations: number;
    successful_generations: number;
    orders: number;
    revenue_usd: number;
  }>(`
    select
      (select count(*) from ${RAW_SCHEMA}.raw_users where batch_date = ${d})::bigint as new_users,
      (select count(*) from ${RAW_SCHEMA}.raw_users where batch_date <= ${d})::bigint as total_users,
      (select count(distinct user_id) from (
         select user_id from ${RAW_SCHEMA}.raw_sessions where batch_date = ${d}
         union all select user_id from ${RAW_SCHEMA}.raw_generations where batch_date = ${d}
         union all select user_id from ${RAW_SCHEMA}.raw_events where batch_date = ${d}
         union all select user_id from ${RAW_SCHEMA}.raw_orders where batch_date = ${d}
       ))::bigint as active_users,
      (select count(*) from ${RAW_SCHEMA}.raw_sessions where batch_date = ${d})::bigint as sessions,
      (select count(*) from ${RAW_SCHEMA}.raw_generations where batch_date = ${d})::bigint as generations,
      (select count(*) from ${RAW_SCHEMA}.raw_generations where batch_date = ${d} and status = 'success')::bigint
        as successful_generations,
      (select count(*) from ${RAW_SCHEMA}.raw_orders where batch_date = ${d})::bigint as orders,
      (select coalesce(sum(amount_usd), 0) from ${RAW_SCHEMA}.raw_orders where batch_date = ${d})::decimal(18, 2)
        as revenue_usd`);
  if (!row) throw new Error(`no summary for day ${day}`);
  return {
    day,
    date,
    new_users: row.new_users,
    total_users: row.total_users,
    active_users: row.active_users,
    sessions: row.sessions,
    generations: row.generations,
    successful_generations: row.successful_generations,
    success_rate: row.generations > 0 ? row.successful_generations / row.generations : null,
    orders: row.orders,
    revenue_usd: row.revenue_usd,
    tests,
  };
}

/**
 * Marks day `summary.day` finished, in one transaction: its summary row (replacing one from an
 * earlier attempt, dropping any later day), how far dbt got, and the day as the last one done:
 * the next run starts at the day after.
 */
export async function finishDay(
  db: Warehouse,
  summary: DaySummary,
  timings: Omit<DayTimings, "total" | "dbtCpu" | "dbtSql">,
  dbtDay: number,
  now: Date,
): Promise<void> {
  const t = summary.tests;
  const num = (n: number | null | undefined) => (n === null || n === undefined ? "null" : String(n));
  const ts = sqlTimestamp(now);
  await transaction(db, [
    `delete from ${DAYS} where day >= ${summary.day};`,
    `insert into ${DAYS} values (
       ${summary.day}, date ${sqlString(summary.date)}, ${summary.new_users}, ${summary.total_users},
       ${summary.active_users}, ${summary.sessions}, ${summary.generations}, ${summary.successful_generations},
       ${num(summary.success_rate)}, ${summary.orders}, ${summary.revenue_usd}, ${num(t?.passed)}, ${num(t?.failed)},
       ${num(t?.warned)}, ${timings.generate}, ${timings.load}, ${timings.dbt}, ${timings.publish}, ${ts});`,
    `update ${SIMULATION} set last_day = ${summary.day}, dbt_day = ${dbtDay}, updated_at = ${ts};`,
  ]);
}

/** The latest batch_date in the raw tables, or null when they are empty. */
export async function latestRawDate(db: Warehouse): Promise<string | null> {
  const [row] = await db.query<{ latest: string | null }>(
    `select max(d)::varchar as latest from (${RAW_TABLE_NAMES.map((t) => `select max(batch_date) as d from ${RAW_SCHEMA}.${t}`).join(" union all ")})`,
  );
  return row?.latest ?? null;
}

/** The summaries of the finished days, in order. */
export async function readDaySummaries(db: Warehouse, throughDay?: number): Promise<DaySummary[]> {
  const rows = await db.query<{
    day: number;
    date_day: string;
    new_users: number;
    total_users: number;
    active_users: number;
    sessions: number;
    generations: number;
    successful_generations: number;
    success_rate: number | null;
    orders: number;
    revenue_usd: number;
    tests_passed: number | null;
    tests_failed: number | null;
    tests_warned: number | null;
  }>(
    `select ${DAY_SUMMARY_COLUMNS.join(", ")} from ${DAYS}
     ${throughDay === undefined ? "" : `where day <= ${throughDay}`} order by day`,
  );
  return rows.map((r) => ({
    day: r.day,
    date: r.date_day,
    new_users: r.new_users,
    total_users: r.total_users,
    active_users: r.active_users,
    sessions: r.sessions,
    generations: r.generations,
    successful_generations: r.successful_generations,
    success_rate: r.success_rate,
    orders: r.orders,
    revenue_usd: r.revenue_usd,
    tests:
      r.tests_passed === null
        ? null
        : { passed: r.tests_passed, failed: r.tests_failed ?? 0, warned: r.tests_warned ?? 0 },
  }));
}

/** New users, generations and revenue per week (weeks start on Monday, as in the dashboard). */
export async function readWeeklyGrowth(db: Warehouse): Promise<WeeklyGrowthRow[]> {
  const rows = await db.query<{
    week_start: string;
    days: number;
    new_users: number;
    total_users: number;
    generations: number;
    successful: number;
    revenue_usd: number;
  }>(`
    select
      date_trunc('week', date_day)::date::varchar as week_start,
      count(*)::bigint as days,
      sum(new_users)::bigint as new_users,
      max(total_users)::bigint as total_users,
      sum(generations)::bigint as generations,
      sum(successful_generations)::bigint as successful,
      sum(revenue_usd)::decimal(18, 2) as revenue_usd
    from ${DAYS}
    group by all
    order by week_start`);
  return rows.map((r, i) => ({
    weekStart: r.week_start,
    days: r.days,
    newUsers: r.new_users,
    totalUsers: r.total_users,
    generations: r.generations,
    successRate: r.generations > 0 ? r.successful / r.generations : null,
    revenueUsd: r.revenue_usd,
    newUsersChange: i > 0 ? r.new_users - rows[i - 1]!.new_users : null,
  }));
}
