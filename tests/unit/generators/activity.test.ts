import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_GROWTH, growthSchema, type GrowthParams } from "@/lib/shared/config";
import { USER_TIERS, type UserTier } from "@/lib/shared/domain";
import type { Warehouse } from "@/lib/server/warehouse/duckdb";
import { poissonThresholds } from "@/lib/server/generators/weighted";
import { loadedWarehouse } from "./helpers";

/** Active users of day 2 by tier and number of generations (0 … 5). */
async function generationsPerActiveUser(db: Warehouse): Promise<Record<UserTier, number[]>> {
  const rows = await db.query<{ user_tier: UserTier; gens: number; users: number }>(`
    with active as (select distinct user_id from raw.raw_events where batch_date = date '2025-12-02'),
    gens as (
      select user_id, count(*) as n from raw.raw_generations where batch_date = date '2025-12-02' group by all
    )
    select u.user_tier, coalesce(g.n, 0)::integer as gens, count(*)::integer as users
    from active as a join raw.raw_users as u using (user_id) left join gens as g using (user_id)
    group by all`);
  const out = Object.fromEntries(USER_TIERS.map((t) => [t, [0, 0, 0, 0, 0, 0]])) as Record<
    UserTier,
    number[]
  >;
  for (const r of rows) out[r.user_tier][r.gens] = r.users;
  return out;
}

/** P(min(Poisson(λ), cap) = k) for k = 0 … cap. */
function cappedPoisson(lambda: number, cap: number): number[] {
  const cdf = poissonThresholds(lambda, cap);
  return [...cdf.map((p, k) => p - (cdf[k - 1] ?? 0)), 1 - cdf[cdf.length - 1]!];
}

describe("generations per active user-day", () => {
  let db: Warehouse;
  let custom: Warehouse;
  const customGrowth: GrowthParams = growthSchema.parse({
    tier_activity: { free: 4 },
    generation_rate: 1,
    max_generations_per_day: 3,
  });

  beforeAll(async () => {
    ({ db } = await loadedWarehouse({ seed: 42, baseUsers: 10_000, startDate: "2025-12-01" }, 2));
    ({ db: custom } = await loadedWarehouse(
      { seed: 42, baseUsers: 10_000, startDate: "2025-12-01", growth: customGrowth },
      2,
    ));
  }, 60_000);
  afterAll(() => {
    db.close();
    custom.close();
  });

  it("are the same for a seed, user by user", async () => {
    expect(await generationsPerActiveUser(db)).toEqual({
      free: [773, 383, 99, 15, 2, 0],
      pro: [161, 246, 188, 85, 30, 14],
      enterprise: [0, 13, 32, 32, 34, 60],
    });
  });

  it("follow min(Poisson(tier_activity × 0.5), 5) with tier_activity free 1, pro 3, enterprise 8", async () => {
    const observed = await generationsPerActiveUser(db);
    for (const tier of USER_TIERS) {
      const users = observed[tier].reduce((a, b) => a + b, 0);
      const expected = cappedPoisson(DEFAULT_GROWTH.tier_activity[tier] * 0.5, 5);
      expected.forEach((p, k) => {
        // Within four standard deviations of the binomial count.
        const sd = Math.sqrt(users * p * (1 - p));
        expect(Math.abs(observed[tier][k]! - users * p)).toBeLessThanOrEqual(4 * sd + 1);
      });
    }
  });

  it("take the rate, the cap and the tier activity from the growth parameters", async () => {
    const observed = await generationsPerActiveUser(custom);
    // free: min(Poisson(4 × 1), 3); pro: min(Poisson(3), 3); enterprise: min(Poisson(8), 3).
    expect(observed).toEqual({
      free: [24, 96, 182, 970, 0, 0],
      pro: [30, 107, 183, 404, 0, 0],
      enterprise: [0, 0, 0, 171, 0, 0],
    });
    const free = observed.free.reduce((a, b) => a + b, 0);
    expect(observed.free[3]! / free).toBeCloseTo(cappedPoisson(4, 3)[3]!, 1);
  });
});

describe("active users of a day", () => {
  it("are everyone who signed up that day, and a share of the others by tier", async () => {
    const growth = growthSchema.parse({ active_probability: { free: 1, pro: 0, enterprise: 0 } });
    const { db } = await loadedWarehouse({ seed: 42, baseUsers: 10_000, startDate: "2025-12-01", growth }, 2);
    try {
      const rows = await db.query<{ user_tier: UserTier; is_new: boolean; active: number; users: number }>(`
        with active as (select distinct user_id from raw.raw_events where batch_date = date '2025-12-02')
        select u.user_tier, u.batch_date = date '2025-12-02' as is_new,
               count(a.user_id)::integer as active, count(*)::integer as users
        from raw.raw_users as u left join active as a using (user_id)
        group by all order by all`);
      for (const r of rows) {
        const expected = r.is_new || r.user_tier === "free" ? r.users : 0;
        expect(r.active, `${r.user_tier}${r.is_new ? " (new)" : ""}`).toBe(expected);
      }
    } finally {
      db.close();
    }
  });
});
