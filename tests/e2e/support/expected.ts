/**
 * The figures the dashboard must show, computed independently on the server side: Node's
 * DuckDB (@duckdb/node-api) over the marts of the e2e warehouse, with SQL written here from
 * the column docs (dbt/models/marts/*.yml), not the dashboard's own queries.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { E2E_WAREHOUSE } from "./env";

export interface Filters {
  from?: string;
  to?: string;
  tiers?: string[];
  regions?: string[];
  models?: string[];
}

export interface ExpectedKpis {
  users: number;
  sessions: number;
  generations: number;
  success_rate: number | null;
  revenue_usd: number;
  avg_friction: number | null;
}

const list = (values: string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ");

function conditions(dateColumn: string, f: Filters, withModel: "column" | "session" | "none"): string {
  const c = ["true"];
  if (f.from) c.push(`${dateColumn} >= date '${f.from}'`);
  if (f.to) c.push(`${dateColumn} <= date '${f.to}'`);
  if (f.tiers?.length) c.push(`user_tier in (${list(f.tiers)})`);
  if (f.regions?.length) c.push(`region in (${list(f.regions)})`);
  if (f.models?.length && withModel === "column") c.push(`model in (${list(f.models)})`);
  if (f.models?.length && withModel === "session") {
    // A session counts under a model filter when one of its generations used the model.
    c.push(
      `exists (select 1 from marts.fct_generations g where g.session_id = s.session_id and g.model in (${list(f.models)}))`,
    );
  }
  return c.join(" and ");
}

async function one(sql: string): Promise<Record<string, unknown>> {
  const instance = await DuckDBInstance.create(E2E_WAREHOUSE, { access_mode: "READ_ONLY" });
  try {
    const conn = await instance.connect();
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJS()[0] as Record<string, unknown>;
  } finally {
    instance.closeSync();
  }
}

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function expectedKpis(f: Filters = {}): Promise<ExpectedKpis> {
  const row = await one(`select
    (select count(distinct user_id) from marts.fct_sessions s where ${conditions("session_date", f, "session")}) as users,
    (select count(*) from marts.fct_sessions s where ${conditions("session_date", f, "session")}) as sessions,
    (select avg(friction_score) from marts.fct_sessions s where ${conditions("session_date", f, "session")}) as avg_friction,
    (select count(*) from marts.fct_generations where ${conditions("generation_date", f, "column")}) as generations,
    (select count(*) filter (where status = 'success') / nullif(count(*), 0)
       from marts.fct_generations where ${conditions("generation_date", f, "column")}) as success_rate,
    (select coalesce(sum(amount_usd), 0)::double from marts.fct_orders where ${conditions("order_date", f, "none")}) as revenue_usd`);
  return {
    users: n(row.users) ?? 0,
    sessions: n(row.sessions) ?? 0,
    generations: n(row.generations) ?? 0,
    success_rate: n(row.success_rate),
    revenue_usd: n(row.revenue_usd) ?? 0,
    avg_friction: n(row.avg_friction),
  };
}

/** The first and last day with data (the date filter's bounds). */
export async function dataDays(): Promise<{ first: string; last: string }> {
  const row = await one(
    `select min(date_day)::varchar as first, max(date_day)::varchar as last from metrics.daily_metrics`,
  );
  return { first: String(row.first), last: String(row.last) };
}
