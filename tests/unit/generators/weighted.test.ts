import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_WEIGHTS, STATUS_WEIGHTS, TIER_WEIGHTS } from "@/lib/shared/domain";
import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { streamSalt, uniformSql } from "@/lib/server/generators/random";
import {
  byIndexSql,
  cappedPoissonMean,
  cappedPoissonSql,
  cumulativeWeights,
  poissonThresholds,
  sqlString,
  weightedChoiceSql,
  weightedIndexSql,
} from "@/lib/server/generators/weighted";

const N = 1_000_000;
let db: Warehouse;

beforeAll(async () => {
  db = await openWarehouse(":memory:");
});
afterAll(() => db.close());

/** Shares of each value of `expr` over N rows keyed 0 … N − 1 (uniform `u`). */
async function shares(expr: string): Promise<Record<string, number>> {
  const rows = await db.query<{ v: string; n: number }>(
    `SELECT v::VARCHAR AS v, count(*) AS n
     FROM (SELECT ${expr} AS v FROM (SELECT ${uniformSql(streamSalt(7, "test"), "range")} AS u FROM range(${N})))
     GROUP BY ALL`,
  );
  return Object.fromEntries(rows.map((r) => [r.v, r.n / N]));
}

/** Expects each observed share within 5 standard errors of its probability. */
function expectShares(observed: Record<string, number>, weights: Record<string, number>) {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  for (const [key, w] of Object.entries(weights)) {
    const p = w / total;
    const se = Math.sqrt((p * (1 - p)) / N);
    expect(Math.abs((observed[key] ?? 0) - p), `${key}: ${observed[key]} vs ${p}`).toBeLessThan(
      5 * se + 1e-9,
    );
  }
  expect(Object.keys(observed).sort()).toEqual(Object.keys(weights).sort());
}

describe("weighted choices", () => {
  it("cumulates weights to exactly 1", () => {
    expect(cumulativeWeights({ a: 1, b: 1, c: 2 })).toEqual([
      ["a", 0.25],
      ["b", 0.5],
      ["c", 1],
    ]);
    expect(() => cumulativeWeights({ a: 0 })).toThrow(/positive sum/);
    expect(() => cumulativeWeights({ a: -1, b: 2 })).toThrow(/non-negative/);
  });

  it("picks tiers 70/25/5 within sampling error", async () => {
    expectShares(await shares(weightedChoiceSql(TIER_WEIGHTS, "u")), TIER_WEIGHTS);
  });

  it("picks statuses with about 94% success", async () => {
    const observed = await shares(weightedChoiceSql(STATUS_WEIGHTS, "u"));
    expectShares(observed, STATUS_WEIGHTS);
    expect(observed.success).toBeCloseTo(0.94, 2);
  });

  it("picks event types by EVENT_WEIGHTS", async () => {
    expectShares(await shares(weightedChoiceSql(EVENT_WEIGHTS, "u")), EVENT_WEIGHTS);
  });

  it("gives the index of the same choice as weightedChoiceSql", async () => {
    const keys = Object.keys(EVENT_WEIGHTS);
    const [row] = await db.query<{ mismatches: number }>(
      `SELECT count(*) FILTER (WHERE ${weightedChoiceSql(EVENT_WEIGHTS, "u")} <> ${byIndexSql(weightedIndexSql(EVENT_WEIGHTS, "u"), keys.map(sqlString))}) AS mismatches
       FROM (SELECT ${uniformSql(streamSalt(7, "test"), "range")} AS u FROM range(100000))`,
    );
    expect(row?.mismatches).toBe(0);
  });

  it("never picks a choice of weight 0", async () => {
    const observed = await shares(weightedChoiceSql({ a: 1, never: 0, b: 1 }, "u"));
    expect(observed.never).toBeUndefined();
  });
});

describe("capped Poisson", () => {
  it("has thresholds P(X ≤ k)", () => {
    const t = poissonThresholds(1.5, 5);
    expect(t).toHaveLength(5);
    expect(t[0]).toBeCloseTo(Math.exp(-1.5), 12);
    expect(t[1]).toBeCloseTo(Math.exp(-1.5) * 2.5, 12);
    expect(cappedPoissonMean(0.5, 5)).toBeCloseTo(0.5, 3);
    expect(cappedPoissonMean(4, 5)).toBeCloseTo(3.5894, 3);
  });

  it.each([0.5, 1.5, 4])(
    "draws min(Poisson(%s), 5) with the right mean and no value above the cap",
    async (lambda) => {
      const [row] = await db.query<{ mean: number; max: number; zeros: number }>(
        `SELECT avg(k) AS mean, max(k) AS max, avg((k = 0)::INTEGER) AS zeros
       FROM (SELECT ${cappedPoissonSql("u", lambda, 5)} AS k
             FROM (SELECT ${uniformSql(streamSalt(7, "poisson"), "range")} AS u FROM range(${N})))`,
      );
      expect(row!.max).toBeLessThanOrEqual(5);
      expect(Math.abs(row!.mean - cappedPoissonMean(lambda, 5))).toBeLessThan(0.01);
      expect(Math.abs(row!.zeros - Math.exp(-lambda))).toBeLessThan(0.003);
    },
  );
});
