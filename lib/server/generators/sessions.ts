import "server-only";
/**
 * raw_sessions: a session is a burst of generations by one user (how many a user-day has:
 * activity.ts). The generations are split evenly between the sessions, in order. The user's
 * window of the day (from signup on the signup day, else from 00:00) is cut into one slot per
 * session; a session starts at a uniform time in the first half of its slot, its prompts follow
 * at a steady pace (20–180 s apart), and it ends 5–300 s after its last generation returns.
 * Device: the user's usual one 85% of the time, else by DEVICE_WEIGHTS.
 *
 * Bounds that keep every row inside the day: a new user's window is at least 3 h (signups end
 * at 21:00), so a slot is at least 1 h and its second half (≥ 30 min) holds the longest session
 * (4 × 180 s pace + 45 s jitter + 120 s for a generation with retries + 300 s tail ≈ 20 min).
 */
import { DEVICE_WEIGHTS } from "@/lib/shared/domain";
import { RAW_SCHEMA } from "@/lib/server/warehouse/schema";
import { STAGE_ACTIVITY } from "./activity";
import { dayTimestampSql, rowIdSql, rowKeySql, type DayContext } from "./context";
import { MS_PER_DAY } from "./growth";
import { hashSql, uniformPartSql, uniformSql } from "./random";
import { userDeviceSql } from "./users";
import { weightedChoiceSql } from "./weighted";

export const STAGE_SESSION_SLOTS = "gen_session_slots";

export const SESSION_PACE_MS = { min: 20_000, max: 180_000 } as const;
export const SESSION_TAIL_MS = { min: 5_000, max: 300_000 } as const;
export const USUAL_DEVICE_SHARE = 0.85;

/** Columns of a user-day and one of its sessions, as SQL expressions. */
export interface SessionRef {
  userId: string;
  /** 0-based index of the session among the user's sessions of the day. */
  index: string;
  windowStartMs: string;
  nSessions: string;
  /** The user's generations that day. */
  userGenerations: string;
}

/**
 * SQL for a session's timing and share of generations: start_ms (offset in the day), pace_ms
 * (between its prompts), n_generations, first_index (of its first generation among the
 * user's that day). Pure functions of the user-day, so events can place themselves inside a
 * session without joining the sessions.
 */
export function sessionTimingSql(ctx: DayContext, s: SessionRef) {
  // One hash for both draws; DuckDB evaluates a repeated expression once per projection.
  const h = hashSql(ctx.salt("sessions.timing"), rowKeySql(s.userId, s.index));
  const slot = `((${MS_PER_DAY} - (${s.windowStartMs})) // (${s.nSessions}))`;
  return {
    startMs: `((${s.windowStartMs}) + (${s.index}) * ${slot} + floor(${uniformPartSql(h, 0)} * (${slot} // 2))::BIGINT)`,
    paceMs: `(${SESSION_PACE_MS.min} + floor(${uniformPartSql(h, 1)} * ${SESSION_PACE_MS.max - SESSION_PACE_MS.min})::BIGINT)`,
    firstIndex: `(((${s.index}) * (${s.userGenerations})) // (${s.nSessions}))`,
    nGenerations: `((((${s.index}) + 1) * (${s.userGenerations})) // (${s.nSessions}) - ((${s.index}) * (${s.userGenerations})) // (${s.nSessions}))`,
  };
}

/**
 * The statement that writes STAGE_SESSION_SLOTS, one row per session in session_id order:
 * session_id, user_id, j (its index), device_type, start_ms, pace_ms, n_generations,
 * first_index. Reads STAGE_ACTIVITY.
 */
export function stageSessionSlotsSql(ctx: DayContext): string {
  const t = sessionTimingSql(ctx, {
    userId: "user_id",
    index: "j",
    windowStartMs: "window_start_ms",
    nSessions: "n_sessions",
    userGenerations: "n_generations",
  });
  const u = (tag: string) => uniformSql(ctx.salt(`sessions.${tag}`), rowKeySql("user_id", "j"));
  return `
    CREATE OR REPLACE TEMP TABLE ${STAGE_SESSION_SLOTS} AS
    WITH expanded AS (
      SELECT user_id, window_start_ms, n_sessions, n_generations, unnest(range(n_sessions)) AS j
      FROM ${STAGE_ACTIVITY}
      WHERE n_sessions > 0
    )
    SELECT
      ${rowIdSql(ctx, "user_id", "j")} AS session_id,
      user_id,
      j,
      CASE WHEN ${u("usual_device")} < ${USUAL_DEVICE_SHARE} THEN ${userDeviceSql(ctx, "user_id")}
           ELSE ${weightedChoiceSql(DEVICE_WEIGHTS, u("device"))} END AS device_type,
      ${t.startMs} AS start_ms,
      ${t.paceMs} AS pace_ms,
      ${t.nGenerations}::INTEGER AS n_generations,
      ${t.firstIndex}::INTEGER AS first_index
    FROM expanded;`;
}

/**
 * The day's raw_sessions rows (columns in table order). ended_at follows the
 * session's last generated_at, so this reads the day's rows of raw_generations: load them first.
 */
export function selectSessionsSql(ctx: DayContext): string {
  return `
    WITH last_generation AS (
      SELECT session_id, epoch_ms(max(generated_at)) - ${ctx.dayStartMs} AS last_ms
      FROM ${RAW_SCHEMA}.raw_generations
      WHERE batch_date = DATE '${ctx.batchDate}'
      GROUP BY session_id
    )
    SELECT
      s.session_id,
      s.user_id,
      s.device_type,
      ${dayTimestampSql(ctx, "s.start_ms")} AS started_at,
      ${dayTimestampSql(
        ctx,
        `g.last_ms + ${SESSION_TAIL_MS.min} + floor(${uniformSql(ctx.salt("sessions.tail"), rowKeySql("s.user_id", "s.j"))} * ${SESSION_TAIL_MS.max - SESSION_TAIL_MS.min})::BIGINT`,
      )} AS ended_at,
      DATE '${ctx.batchDate}' AS batch_date
    FROM ${STAGE_SESSION_SLOTS} AS s
    JOIN last_generation AS g USING (session_id)`;
}
