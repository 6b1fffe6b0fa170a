import "server-only";
/**
 * Who does what on a day: one staging row per active user with the counts the table modules
 * expand into rows (generations, sessions, events, credit packs). Every user signed up on or
 * before the day is active with the growth model's `active_probability` by tier, and always on
 * the signup day. Generations per active user-day:
 * min(Poisson(tier_activity × generation_rate), max_generations_per_day) — by default
 * Poisson(1 × 0.5), Poisson(3 × 0.5), Poisson(8 × 0.5) for free, pro, enterprise, capped at 5.
 */
import type { GrowthParams } from "@/lib/shared/config";
import { ACTIVE_PROBABILITY, type UserTier } from "@/lib/shared/domain";
import { SbdkError } from "@/lib/shared/errors";
import type { Warehouse } from "@/lib/server/warehouse/duckdb";
import { ID_USER_STRIDE, type DayContext } from "./context";
import { hashSql, uniformPartSql } from "./random";
import { TIER_CODES, userSignupOffsetMsSql, userTierCodeSql } from "./users";
import { byIndexSql, cappedPoissonSql } from "./weighted";

export { ACTIVE_PROBABILITY };
/**
 * Events of an active user-day: 1 (the visit) + one per generation + min(Poisson(browsing),
 * MAX_BROWSING_EVENTS) page views, clicks and the like.
 */
export const BROWSING_EVENT_RATE: Record<UserTier, number> = { free: 1.5, pro: 2.5, enterprise: 3.5 };
export const MAX_BROWSING_EVENTS = 8;
/** The most events a user-day can have with a cap of `maxGenerations` generations. */
export function maxEventsPerDay(maxGenerations: number): number {
  return 1 + maxGenerations + MAX_BROWSING_EVENTS;
}
/**
 * Sessions of a user-day with g generations: a session is a burst, so 1 + ⌊u × ⌈g/2⌉⌋ of
 * them (1 for g ≤ 2, at most 3 for g = 5), none without generations.
 */
export function maxSessionsPerDay(maxGenerations: number): number {
  return Math.ceil(maxGenerations / 2);
}
export function sessionCountSql(generations: string, u: string): string {
  return `(CASE WHEN ${generations} = 0 THEN 0 ELSE 1 + floor(${u} * ((${generations} + 1) // 2))::INTEGER END)`;
}

/** A row's id holds its index among its user's rows of the day in the last two digits. */
function assertIdsFit(growth: GrowthParams): void {
  const cap = growth.max_generations_per_day;
  if (maxEventsPerDay(cap) > ID_USER_STRIDE || maxSessionsPerDay(cap) > ID_USER_STRIDE) {
    throw new SbdkError(
      "invalid:generate",
      `"growth.max_generations_per_day" of ${cap} gives a user-day more rows than its ids can number.`,
      { hint: `Use at most ${ID_USER_STRIDE - 1 - MAX_BROWSING_EVENTS}.` },
    );
  }
}
/** Chance that an active user buys a credit pack that day. */
export const CREDIT_PACK_PROBABILITY: Record<UserTier, number> = { free: 0.01, pro: 0.03, enterprise: 0.05 };

/** The staging table of the day's active users. */
export const STAGE_ACTIVITY = "gen_activity";

/** CASE on a tier-code column (see TIER_CODES) giving a per-tier SQL value. */
export function byTierCodeSql(column: string, value: (tier: UserTier) => string | number): string {
  return byIndexSql(
    column,
    TIER_CODES.map((tier) => String(value(tier))),
  );
}

/**
 * A memo of every user's tier on this connection (a TEMP table), extended as
 * days add users: a tier depends on (seed, user_id) alone, and scanning the memo costs half
 * of recomputing every user's tier every day. Rebuilt when the seed changes.
 */
export const STAGE_USER_TIERS = "gen_user_tiers";
const STAGE_USER_TIERS_SEED = "gen_user_tiers_seed";

/**
 * The statements that extend the memo to the day's users (none when it holds them already),
 * as one transaction, so the memo and its row count never disagree. Reads the memo's state.
 */
export async function userTiersSql(db: Warehouse, ctx: DayContext): Promise<string> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables()
     WHERE temporary AND table_name IN ('${STAGE_USER_TIERS}', '${STAGE_USER_TIERS_SEED}')`,
  );
  let users = 0;
  if (tables.length === 2) {
    const [row] = await db.query<{ seed: number; users: number }>(
      `SELECT seed, users FROM ${STAGE_USER_TIERS_SEED}`,
    );
    if (row && row.seed === ctx.seed) users = row.users;
  }
  if (users >= ctx.usersThrough) return "";
  const tiers = `SELECT range AS user_id, ${userTierCodeSql(ctx, "range")}::UTINYINT AS tier
                 FROM range(${users + 1}, ${ctx.usersThrough + 1})
                 ORDER BY user_id`; // the sort lets DuckDB scan range() on all threads
  return users === 0
    ? `BEGIN;
       CREATE OR REPLACE TEMP TABLE ${STAGE_USER_TIERS} AS ${tiers};
       CREATE OR REPLACE TEMP TABLE ${STAGE_USER_TIERS_SEED} AS SELECT ${ctx.seed}::BIGINT AS seed, ${ctx.usersThrough}::BIGINT AS users;
       COMMIT;`
    : `BEGIN;
       INSERT INTO ${STAGE_USER_TIERS} ${tiers};
       UPDATE ${STAGE_USER_TIERS_SEED} SET users = ${ctx.usersThrough};
       COMMIT;`;
}

/**
 * The statement that writes STAGE_ACTIVITY, one row per active user: user_id, tier (code, see
 * TIER_CODES), is_new, window_start_ms (0, or the signup offset on the signup day: nothing of
 * the user's happens before it), n_generations, n_sessions, n_events, buys_credit_pack.
 * Reads the tier memo: run the statements of `userTiersSql` first.
 */
export function stageActivitySql(ctx: DayContext): string {
  // Two hashes per user-day give the five draws: h_day (active, generations, sessions) for
  // every user, h_more (events, credit pack) for the active ones only.
  const hDay = hashSql(ctx.salt("activity.day"), "user_id");
  const hMore = hashSql(ctx.salt("activity.more"), "user_id");
  const { growth } = ctx;
  assertIdsFit(growth);
  const generations = byTierCodeSql("tier", (tier) =>
    cappedPoissonSql(
      "u_generations",
      growth.tier_activity[tier] * growth.generation_rate,
      growth.max_generations_per_day,
    ),
  );
  const browsing = byTierCodeSql("tier", (tier) =>
    cappedPoissonSql("u_events", BROWSING_EVENT_RATE[tier], MAX_BROWSING_EVENTS),
  );
  return `
    CREATE OR REPLACE TEMP TABLE ${STAGE_ACTIVITY} AS
    WITH users AS (
      SELECT user_id, tier, user_id >= ${ctx.firstUserId} AS is_new, ${hDay} AS h_day
      FROM ${STAGE_USER_TIERS}
      WHERE user_id <= ${ctx.usersThrough}
    ),
    active AS (
      SELECT
        user_id,
        tier,
        is_new,
        ${uniformPartSql("h_day", 1)} AS u_generations,
        ${uniformPartSql("h_day", 2)} AS u_sessions,
        ${uniformPartSql("h_more", 0)} AS u_events,
        ${uniformPartSql("h_more", 1)} AS u_credit_pack
      FROM (
        SELECT *, ${hMore} AS h_more
        FROM users
        WHERE is_new OR ${uniformPartSql("h_day", 0)} < ${byTierCodeSql("tier", (tier) => growth.active_probability[tier])}
      )
    ),
    counted AS (
      SELECT
        user_id,
        tier,
        is_new,
        CASE WHEN is_new THEN ${userSignupOffsetMsSql(ctx, "user_id")} ELSE 0 END AS window_start_ms,
        ${generations}::INTEGER AS n_generations,
        u_sessions,
        ${browsing}::INTEGER AS n_browsing,
        u_credit_pack < ${byTierCodeSql("tier", (tier) => CREDIT_PACK_PROBABILITY[tier])} AS buys_credit_pack
      FROM active
    )
    SELECT
      user_id,
      tier::UTINYINT AS tier,
      is_new,
      window_start_ms,
      n_generations,
      ${sessionCountSql("n_generations", "u_sessions")}::INTEGER AS n_sessions,
      1 + n_generations + n_browsing AS n_events,
      buys_credit_pack
    FROM counted;`;
}
