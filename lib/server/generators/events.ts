import "server-only";
/**
 * raw_events: web events of active users. Count per active user-day: 1 + generations +
 * capped Poisson browsing (see activity.ts). Type by EVENT_WEIGHTS; the page follows from
 * the type (search on /search, purchase on /checkout, …). For a user with sessions that day,
 * IN_SESSION_SHARE of the events fall inside one of them (uniformly chosen, at a uniform time
 * while its prompts run); the rest, and all events of users without a session, have a null
 * session_id and a uniform time in the user's window of the day.
 */
import { EVENT_WEIGHTS, type EventType } from "@/lib/shared/domain";
import { STAGE_ACTIVITY } from "./activity";
import { dayTimestampSql, rowIdSql, rowKeySql, type DayContext } from "./context";
import { MS_PER_DAY } from "./growth";
import { hashSql, uniformPartSql } from "./random";
import { SESSION_TAIL_MS, sessionTimingSql } from "./sessions";
import { byIndexSql, sqlString, weightedChoiceSql, weightedIndexSql } from "./weighted";

export const IN_SESSION_SHARE = 0.85;

/** Pages where browsing events (page views, clicks) happen, weighted. */
export const BROWSING_PAGE_WEIGHTS = {
  "/": 25,
  "/create": 25,
  "/gallery": 20,
  "/explore": 15,
  "/pricing": 8,
  "/account": 7,
} as const;
export const SCROLL_PAGE_WEIGHTS = { "/gallery": 40, "/explore": 40, "/": 20 } as const;
/** Pages of the event types that happen in one place. */
export const EVENT_PAGE: Partial<Record<EventType, string>> = {
  search: "/search",
  prompt_submit: "/create",
  share: "/gallery",
  download: "/gallery",
  purchase: "/checkout",
};

const EVENT_TYPES_IN_ORDER = Object.keys(EVENT_WEIGHTS) as EventType[];

/** The day's raw_events rows (columns in table order). */
export function selectEventsSql(ctx: DayContext): string {
  const typeCode = (type: EventType) => EVENT_TYPES_IN_ORDER.indexOf(type);
  const u = (part: 0 | 1 | 2) => uniformPartSql("h_place", part);
  const browsingPage = weightedChoiceSql(BROWSING_PAGE_WEIGHTS, "u_page");
  // The page by type code: integer CASEs, several times cheaper than CASE on the type string.
  const page = `CASE type_code
    WHEN ${typeCode("page_view")} THEN ${browsingPage}
    WHEN ${typeCode("click")} THEN ${browsingPage}
    WHEN ${typeCode("scroll")} THEN ${weightedChoiceSql(SCROLL_PAGE_WEIGHTS, "u_page")}
    ${Object.entries(EVENT_PAGE)
      .map(([type, path]) => `WHEN ${typeCode(type as EventType)} THEN ${sqlString(path)}`)
      .join(" ")}
    END`;
  const session = sessionTimingSql(ctx, {
    userId: "user_id",
    index: "session_index",
    windowStartMs: "window_start_ms",
    nSessions: "n_sessions",
    userGenerations: "n_generations",
  });
  return `
    WITH expanded AS (
      SELECT user_id, window_start_ms, n_sessions, n_generations, unnest(range(n_events)) AS e
      FROM ${STAGE_ACTIVITY}
    ),
    hashed AS (
      SELECT
        *,
        ${hashSql(ctx.salt("events.place"), rowKeySql("user_id", "e"))} AS h_place,
        ${hashSql(ctx.salt("events.time"), rowKeySql("user_id", "e"))} AS h_time
      FROM expanded
    ),
    placed AS (
      SELECT
        user_id, e, window_start_ms, n_sessions, n_generations,
        CASE WHEN n_sessions > 0 AND ${u(0)} < ${IN_SESSION_SHARE}
             THEN ((h_time & 2047) % n_sessions::UBIGINT)::BIGINT END AS session_index,
        ${weightedIndexSql(EVENT_WEIGHTS, u(1))} AS type_code,
        ${u(2)} AS u_page,
        ((h_time >> 11) * 1.1102230246251565e-16) AS u_time
      FROM hashed
    )
    SELECT
      ${rowIdSql(ctx, "user_id", "e")} AS event_id,
      user_id,
      ${rowIdSql(ctx, "user_id", "session_index")} AS session_id,
      ${byIndexSql("type_code", EVENT_TYPES_IN_ORDER.map(sqlString))} AS event_type,
      ${page} AS page_path,
      ${dayTimestampSql(
        ctx,
        // Inside a session: before start + (k − 1) × pace + 5 s, which its last generation
        // (submitted no earlier than start + (k − 1) × pace) and the ≥ 5 s tail keep inside it.
        `CASE WHEN session_index IS NULL
              THEN window_start_ms + floor(u_time * (${MS_PER_DAY} - window_start_ms))::BIGINT
              ELSE ${session.startMs} + floor(u_time * ((${session.nGenerations} - 1) * ${session.paceMs} + ${SESSION_TAIL_MS.min}))::BIGINT END`,
      )} AS occurred_at,
      DATE '${ctx.batchDate}' AS batch_date
    FROM placed`;
}
