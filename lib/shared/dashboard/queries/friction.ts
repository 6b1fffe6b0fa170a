/** The friction view: how much trouble sessions run into, and where. */
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import { filterWhere } from "@/lib/shared/dashboard/sql";
import type { PlainRow } from "@/lib/shared/rows";
import { num, numOrNull, str, type ViewQuery } from "./types";

/** Width of the histogram bins: the dbt var friction_bin_width of agg_sessions_daily. */
export const FRICTION_BUCKET = 5;

export type FrictionCategory = "low" | "medium" | "high";

/** low < 10 ≤ medium < 30 ≤ high (fct_sessions.friction_category). */
export function frictionCategory(score: number): FrictionCategory {
  return score < 10 ? "low" : score < 30 ? "medium" : "high";
}

export interface HistogramBin {
  start: number;
  end: number;
  sessions: number;
  category: FrictionCategory;
}

/** Lower edges of the histogram's bins: 0, 5, …, 95 (the last bin includes 100). */
const BINS = Array.from({ length: 100 / FRICTION_BUCKET }, (_, i) => i * FRICTION_BUCKET);

/**
 * The sessions of the friction view in one statement, one scan of agg_sessions_daily: per tier,
 * per region, per day, and in total (the histogram's bins). The four charts each read their
 * part; DuckDB-WASM runs the statement once for all four (lib/browser/query-batch.ts runs a
 * text once per filter change), where four statements cost four plans.
 */
function sessionsBreakdownSql(f: DashboardFilters): string {
  return `select
  grouping(user_tier, region, session_date) as breakdown,
  coalesce(user_tier, region) as key,
  strftime(session_date, '%Y-%m-%d') as day,
  sum(sessions)::double as sessions,
  sum(friction_score_sum)::double / sum(sessions) as avg_friction,
  sum(high_friction_sessions)::double / sum(sessions) as high_share,
  ${BINS.map((b) => `sum(friction_bin_${b})::double as bin_${b}`).join(",\n  ")}
from agg_sessions_daily
${filterWhere.sessions(f)}
group by grouping sets ((user_tier), (region), (session_date), ())
order by breakdown, key, session_date`;
}

/** The `breakdown` of each grouping set: a bit per column not grouped by (user_tier, region, day). */
const BY = { tier: 0b011, region: 0b101, day: 0b110, total: 0b111 } as const;

function part(rows: PlainRow[], by: keyof typeof BY): PlainRow[] {
  return rows.filter((r) => num(r.breakdown) === BY[by]);
}

/** Sessions per bin, from agg_sessions_daily's friction_bin_<edge> columns. */
export const frictionHistogramQuery: ViewQuery<HistogramBin[]> = {
  id: "friction-histogram",
  tables: ["agg_sessions_daily"],
  sql: sessionsBreakdownSql,
  rows: (rows) => {
    // No total row when no session matches: every bin is then 0.
    const total = part(rows, "total")[0];
    return BINS.map((start) => ({
      start,
      end: start + FRICTION_BUCKET,
      sessions: num(total?.[`bin_${start}`]),
      category: frictionCategory(start),
    }));
  },
};

export interface FrictionSegment {
  key: string;
  sessions: number;
  avgFriction: number | null;
  highShare: number | null;
}

function segmentQuery(
  id: string,
  by: "tier" | "region",
  order: readonly string[],
): ViewQuery<FrictionSegment[]> {
  return {
    id,
    tables: ["agg_sessions_daily"],
    sql: sessionsBreakdownSql,
    rows: (rows) =>
      part(rows, by)
        .map((r) => ({
          key: str(r.key),
          sessions: num(r.sessions),
          avgFriction: numOrNull(r.avg_friction),
          highShare: numOrNull(r.high_share),
        }))
        .sort((a, b) => rank(order, a.key) - rank(order, b.key)),
  };
}

function rank(order: readonly string[], key: string): number {
  const i = order.indexOf(key);
  return i === -1 ? order.length : i;
}

export const frictionByTierQuery = segmentQuery("friction-by-tier", "tier", ["free", "pro", "enterprise"]);
export const frictionByRegionQuery = segmentQuery("friction-by-region", "region", [
  "us-west",
  "us-east",
  "europe",
  "asia",
  "other",
]);

export interface FrictionDay {
  day: string;
  sessions: number;
  avgFriction: number | null;
  highShare: number | null;
}

export const frictionOverTimeQuery: ViewQuery<FrictionDay[]> = {
  id: "friction-over-time",
  tables: ["agg_sessions_daily"],
  sql: sessionsBreakdownSql,
  rows: (rows) =>
    part(rows, "day").map((r) => ({
      day: str(r.day),
      sessions: num(r.sessions),
      avgFriction: numOrNull(r.avg_friction),
      highShare: numOrNull(r.high_share),
    })),
};

export interface FrictionSession {
  sessionId: number;
  userId: number;
  tier: string;
  region: string;
  day: string;
  generations: number;
  errorRate: number | null;
  avgLatencyMs: number | null;
  avgRetries: number | null;
  friction: number;
  category: FrictionCategory;
}

/** At most the dbt var top_friction_sessions_per_slice, which top_friction_sessions keeps per slice. */
export const TOP_SESSIONS = 20;

export const topFrictionSessionsQuery: ViewQuery<FrictionSession[]> = {
  id: "top-friction-sessions",
  tables: ["top_friction_sessions"],
  sql: (f) => `select
  session_id, user_id, user_tier, region,
  strftime(session_date, '%Y-%m-%d') as day,
  generation_count::double as generations,
  error_rate, avg_latency_ms, avg_retry_count, friction_score
from top_friction_sessions
${filterWhere.sessions(f)}
order by friction_score desc, session_id
limit ${TOP_SESSIONS}`,
  rows: (rows) =>
    rows.map((r) => ({
      sessionId: num(r.session_id),
      userId: num(r.user_id),
      tier: str(r.user_tier),
      region: str(r.region),
      day: str(r.day),
      generations: num(r.generations),
      errorRate: numOrNull(r.error_rate),
      avgLatencyMs: numOrNull(r.avg_latency_ms),
      avgRetries: numOrNull(r.avg_retry_count),
      friction: num(r.friction_score),
      category: frictionCategory(num(r.friction_score)),
    })),
};
