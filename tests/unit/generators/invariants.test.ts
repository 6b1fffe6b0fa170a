import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEVICE_TYPES,
  EVENT_TYPES,
  GENERATION_STATUSES,
  MAX_GENERATIONS_PER_DAY,
  MODELS,
  ORDER_TYPES,
  PRODUCTS,
  REGIONS,
  TOXICITY_WORDS,
  USER_TIERS,
} from "@/lib/shared/domain";
import type { Warehouse } from "@/lib/server/warehouse/duckdb";
import { ID_DAY_STRIDE, ID_USER_STRIDE } from "@/lib/server/generators";
import { PROMPT_CATEGORY_WEIGHTS } from "@/lib/server/generators/prompts";
import { loadedWarehouse } from "./helpers";

const DAYS = 4;
let db: Warehouse;

beforeAll(async () => {
  ({ db } = await loadedWarehouse({ seed: 42, baseUsers: 20_000, startDate: "2025-12-01" }, DAYS));
}, 60_000);
afterAll(() => db.close());

async function count(sql: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM (${sql})`);
  return row!.n;
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");
const inDay = (ts: string) => `(${ts} >= batch_date AND ${ts} < batch_date + INTERVAL 1 DAY)`;

describe("raw tables hold the contract's invariants", () => {
  it.each([
    [
      "users: ids contiguous from 1",
      `SELECT * FROM (SELECT user_id, row_number() OVER (ORDER BY user_id) AS n FROM raw.raw_users) WHERE user_id <> n`,
    ],
    [
      "users: signed up within their batch_date",
      `SELECT * FROM raw.raw_users WHERE NOT ${inDay("signed_up_at")}`,
    ],
    [
      "users: enumerations",
      `SELECT * FROM raw.raw_users WHERE region NOT IN (${list(REGIONS)}) OR device_type NOT IN (${list(DEVICE_TYPES)}) OR user_tier NOT IN (${list(USER_TIERS)})`,
    ],
    [
      "sessions: within the day, ended_at ≥ started_at",
      `SELECT * FROM raw.raw_sessions WHERE NOT ${inDay("started_at")} OR NOT ${inDay("ended_at")} OR ended_at < started_at`,
    ],
    [
      "sessions: not before signup",
      `SELECT * FROM raw.raw_sessions s JOIN raw.raw_users u USING (user_id) WHERE s.started_at < u.signed_up_at OR u.batch_date > s.batch_date`,
    ],
    ["sessions: device", `SELECT * FROM raw.raw_sessions WHERE device_type NOT IN (${list(DEVICE_TYPES)})`],
    [
      "sessions: each has a generation",
      `SELECT * FROM raw.raw_sessions s ANTI JOIN raw.raw_generations g USING (session_id)`,
    ],
    [
      "prompts: within their session, of its user",
      `SELECT * FROM raw.raw_prompts p JOIN raw.raw_sessions s USING (session_id) WHERE p.user_id <> s.user_id OR p.submitted_at < s.started_at OR p.submitted_at > s.ended_at OR p.batch_date <> s.batch_date`,
    ],
    [
      "prompts: no orphans",
      `SELECT * FROM raw.raw_prompts p ANTI JOIN raw.raw_sessions s USING (session_id)`,
    ],
    [
      "prompts: category",
      `SELECT * FROM raw.raw_prompts WHERE prompt_category NOT IN (${list(Object.keys(PROMPT_CATEGORY_WEIGHTS))}) OR length(prompt_text) < 10`,
    ],
    [
      "generations: one per prompt, same session and user",
      `SELECT * FROM raw.raw_generations g FULL JOIN raw.raw_prompts p USING (prompt_id) WHERE g.generation_id IS NULL OR p.prompt_id IS NULL OR g.session_id <> p.session_id OR g.user_id <> p.user_id`,
    ],
    [
      "generations: generated_at ≥ submitted_at, within the session",
      `SELECT * FROM raw.raw_generations g JOIN raw.raw_prompts p USING (prompt_id) JOIN raw.raw_sessions s ON s.session_id = g.session_id WHERE g.generated_at < p.submitted_at OR g.generated_at > s.ended_at OR g.generated_at < s.started_at`,
    ],
    [
      "generations: cost > 0 exactly when success",
      `SELECT * FROM raw.raw_generations WHERE (status = 'success') <> (cost_credits > 0) OR cost_credits < 0`,
    ],
    [
      "generations: feedback only on success, never both thumbs",
      `SELECT * FROM raw.raw_generations WHERE (status <> 'success' AND (is_thumbs_up OR is_thumbs_down OR is_downloaded)) OR (is_thumbs_up AND is_thumbs_down)`,
    ],
    [
      "generations: ranges and enumerations",
      `SELECT * FROM raw.raw_generations WHERE latency_ms <= 0 OR retry_count NOT BETWEEN 0 AND 3 OR model NOT IN (${list(MODELS)}) OR status NOT IN (${list(GENERATION_STATUSES)})`,
    ],
    [
      "generations: at most the cap per user-day",
      `SELECT user_id, batch_date FROM raw.raw_generations GROUP BY ALL HAVING count(*) > ${MAX_GENERATIONS_PER_DAY}`,
    ],
    [
      "events: within the day, not before signup",
      `SELECT * FROM raw.raw_events e JOIN raw.raw_users u USING (user_id) WHERE NOT ${inDay("e.occurred_at").replaceAll("batch_date", "e.batch_date")} OR e.occurred_at < u.signed_up_at`,
    ],
    [
      "events: in-session events inside their session, of its user",
      `SELECT * FROM raw.raw_events e JOIN raw.raw_sessions s USING (session_id) WHERE e.user_id <> s.user_id OR e.occurred_at < s.started_at OR e.occurred_at > s.ended_at`,
    ],
    [
      "events: no orphan sessions",
      `SELECT * FROM raw.raw_events e WHERE session_id IS NOT NULL AND session_id NOT IN (SELECT session_id FROM raw.raw_sessions)`,
    ],
    [
      "events: type",
      `SELECT * FROM raw.raw_events WHERE event_type NOT IN (${list(EVENT_TYPES)}) OR page_path NOT LIKE '/%'`,
    ],
    [
      "orders: within the day, not before signup, positive",
      `SELECT * FROM raw.raw_orders o JOIN raw.raw_users u USING (user_id) WHERE NOT ${inDay("o.ordered_at").replaceAll("batch_date", "o.batch_date")} OR o.ordered_at < u.signed_up_at OR o.amount_usd <= 0`,
    ],
    [
      "orders: enumerations, credits only for packs",
      `SELECT * FROM raw.raw_orders WHERE order_type NOT IN (${list(ORDER_TYPES)}) OR product NOT IN (${list(PRODUCTS)}) OR (order_type = 'plan_upgrade') <> (credits = 0)`,
    ],
    [
      "orders: paying tiers buy their plan on the signup day",
      `SELECT * FROM raw.raw_users u LEFT JOIN raw.raw_orders o ON o.user_id = u.user_id AND o.order_type = 'plan_upgrade' WHERE (u.user_tier = 'free') <> (o.order_id IS NULL) OR o.batch_date <> u.batch_date OR o.product <> u.user_tier || '_plan'`,
    ],
    [
      "activity: no user acts before the day they sign up",
      `SELECT * FROM raw.raw_generations g JOIN raw.raw_users u USING (user_id) WHERE u.batch_date > g.batch_date`,
    ],
  ])("%s", async (_name, violations) => {
    expect(await count(violations)).toBe(0);
  });

  it("keys are unique and read day | user | index", async () => {
    for (const [table, key] of [
      ["raw_sessions", "session_id"],
      ["raw_prompts", "prompt_id"],
      ["raw_generations", "generation_id"],
      ["raw_events", "event_id"],
      ["raw_orders", "order_id"],
    ]) {
      expect(await count(`SELECT ${key} FROM raw.${table} GROUP BY ALL HAVING count(*) > 1`), table).toBe(0);
      const bad = `SELECT * FROM raw.${table}
        WHERE ${key} // ${ID_DAY_STRIDE} <> (batch_date - DATE '2025-11-30')
           OR (${key} % ${ID_DAY_STRIDE}) // ${ID_USER_STRIDE} <> user_id`;
      expect(await count(bad), table).toBe(0);
    }
  });
});

describe("distributions", () => {
  async function shares(table: string, column: string): Promise<Record<string, number>> {
    const rows = await db.query<{ v: string; share: number }>(
      `SELECT ${column}::VARCHAR AS v, count(*) / sum(count(*)) OVER () AS share FROM raw.${table} GROUP BY ALL`,
    );
    return Object.fromEntries(rows.map((r) => [r.v, r.share]));
  }

  it("tiers are about 70/25/5", async () => {
    const s = await shares("raw_users", "user_tier");
    expect(s.free).toBeCloseTo(0.7, 1);
    expect(s.pro).toBeCloseTo(0.25, 1);
    expect(s.enterprise).toBeGreaterThan(0.035);
    expect(s.enterprise).toBeLessThan(0.065);
  });

  it("about 94% of generations succeed", async () => {
    const s = await shares("raw_generations", "status");
    expect(s.success).toBeGreaterThan(0.93);
    expect(s.success).toBeLessThan(0.95);
    for (const status of GENERATION_STATUSES) expect(s[status], status).toBeGreaterThan(0);
  });

  it("page views lead the events and purchases are rare", async () => {
    const s = await shares("raw_events", "event_type");
    expect(s.page_view).toBeCloseTo(0.4, 1);
    expect(s.click).toBeCloseTo(0.25, 1);
    expect(s.purchase).toBeGreaterThan(0.005);
    expect(s.purchase).toBeLessThan(0.015);
  });

  it("pro and enterprise users generate more than free users", async () => {
    const rows = await db.query<{ user_tier: string; per_user_day: number }>(
      `SELECT u.user_tier, count(g.generation_id) / count(DISTINCT (u.user_id, g.batch_date)) AS per_user_day
       FROM raw.raw_generations g JOIN raw.raw_users u USING (user_id) GROUP BY ALL`,
    );
    const by = Object.fromEntries(rows.map((r) => [r.user_tier, r.per_user_day]));
    expect(by.free!).toBeLessThan(by.pro!);
    expect(by.pro!).toBeLessThan(by.enterprise!);
  });

  it("a small share of prompts holds a toxicity word", async () => {
    const [row] = await db.query<{ share: number }>(
      `SELECT avg(regexp_matches(prompt_text, '\\b(${TOXICITY_WORDS.join("|")})\\b')::INTEGER) AS share FROM raw.raw_prompts`,
    );
    expect(row!.share).toBeGreaterThan(0.01);
    expect(row!.share).toBeLessThan(0.08);
  });

  it("some events happen outside sessions", async () => {
    const [row] = await db.query<{ share: number }>(
      `SELECT avg((session_id IS NULL)::INTEGER) AS share FROM raw.raw_events`,
    );
    expect(row!.share).toBeGreaterThan(0.1);
    expect(row!.share).toBeLessThan(0.5);
  });
});
