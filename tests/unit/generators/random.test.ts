import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import {
  fnv1a64,
  hashSql,
  intBelowSql,
  intPartSql,
  mix64,
  seededFaker,
  streamSalt,
  uniformPartSql,
  uniformSql,
} from "@/lib/server/generators/random";

let db: Warehouse;
beforeAll(async () => {
  db = await openWarehouse(":memory:");
});
afterAll(() => db.close());

describe("stream salts", () => {
  it("are fixed for a (seed, tag, day) and differ between them", () => {
    expect(streamSalt(42, "events.place", 3)).toBe(streamSalt(42, "events.place", 3));
    const salts = new Set<bigint>();
    for (const seed of [0, 1, 42]) {
      for (const tag of ["a", "b", "events.place"])
        for (let day = 0; day < 50; day++) salts.add(streamSalt(seed, tag, day));
    }
    expect(salts.size).toBe(3 * 3 * 50);
  });

  it("leave room for row keys below 2^62 without BIGINT overflow", () => {
    for (let day = 0; day < 1000; day++) expect(streamSalt(42, "x", day) < 1n << 62n).toBe(true);
  });

  it("come from a stable 64-bit mix", () => {
    expect(fnv1a64("")).toBe(0xcbf29ce484222325n);
    expect(fnv1a64("a")).toBe(0xaf63dc4c8601ec8cn);
    expect(mix64(0n)).toBe(0xe220a8397b1dcdafn);
  });
});

describe("SQL uniforms", () => {
  it("are uniform on [0, 1): equal deciles, mean 1/2", async () => {
    const rows = await db.query<{ decile: number; n: number }>(
      `SELECT floor(u * 10)::INTEGER AS decile, count(*) AS n
       FROM (SELECT ${uniformSql(streamSalt(1, "u"), "range")} AS u FROM range(1000000))
       GROUP BY ALL ORDER BY decile`,
    );
    expect(rows.map((r) => r.decile)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // chi-square with 9 degrees of freedom: 27.9 is the 0.1% critical value
    const chi2 = rows.reduce((sum, r) => sum + (r.n - 100_000) ** 2 / 100_000, 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it("are the same on every run and differ between streams", async () => {
    const sql = (tag: string) => `SELECT ${uniformSql(streamSalt(1, tag, 2), "range")} AS u FROM range(5)`;
    const a = await db.query<{ u: number }>(sql("a"));
    expect(await db.query(sql("a"))).toEqual(a);
    expect(await db.query(sql("b"))).not.toEqual(a);
  });

  it("give three independent uniforms per hash", async () => {
    const h = hashSql(streamSalt(1, "parts"), "range");
    const [row] = await db.query<Record<string, number>>(
      `SELECT avg(u0) AS m0, avg(u1) AS m1, avg(u2) AS m2, corr(u0, u1) AS c01, corr(u1, u2) AS c12, corr(u0, u2) AS c02,
              min(least(u0, u1, u2)) AS lo, max(greatest(u0, u1, u2)) AS hi
       FROM (SELECT ${uniformPartSql("h", 0)} AS u0, ${uniformPartSql("h", 1)} AS u1, ${uniformPartSql("h", 2)} AS u2
             FROM (SELECT ${h} AS h FROM range(1000000)))`,
    );
    for (const m of [row!.m0, row!.m1, row!.m2]) expect(Math.abs(m! - 0.5)).toBeLessThan(0.002);
    for (const c of [row!.c01, row!.c12, row!.c02]) expect(Math.abs(c!)).toBeLessThan(0.005);
    expect(row!.lo).toBeGreaterThanOrEqual(0);
    expect(row!.hi).toBeLessThan(1);
  });

  it("give whole numbers below n", async () => {
    const [row] = await db.query<{ lo: number; hi: number; distinct: number; lo2: number; hi2: number }>(
      `SELECT min(a) AS lo, max(a) AS hi, count(DISTINCT a) AS distinct, min(b) AS lo2, max(b) AS hi2
       FROM (SELECT ${intBelowSql(streamSalt(1, "int"), "range", 7)} AS a,
                    ${intPartSql(hashSql(streamSalt(1, "int2"), "range"), 1, 3)} AS b
             FROM range(10000))`,
    );
    expect(row).toEqual({ lo: 0, hi: 6, distinct: 7, lo2: 0, hi2: 2 });
  });
});

describe("seeded faker", () => {
  it("gives the same sequence for the same (seed, tag, day) and another for another day", () => {
    const seq = (day: number) => {
      const f = seededFaker(42, "users", day);
      return Array.from({ length: 5 }, () => f.person.firstName());
    };
    expect(seq(1)).toEqual(seq(1));
    expect(seq(2)).not.toEqual(seq(1));
  });
});
