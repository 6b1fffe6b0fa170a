import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { dayContext } from "@/lib/server/generators";
import {
  fakeUserIdentities,
  fallbackEmail,
  selectUsersSql,
  stageUserIdentities,
  TIER_CODES,
  userTierCodeSql,
  userTierSql,
} from "@/lib/server/generators/users";
import { loadedWarehouse } from "./helpers";

describe("user identities", () => {
  it("1M users of one day have zero duplicate emails and zero duplicate ids", async () => {
    // base 2.5M: day 1 signs up 1,000,000 users
    const ctx = dayContext({ seed: 42, baseUsers: 2_500_000, startDate: "2025-12-01" }, 1);
    expect(ctx.newUsers).toBe(1_000_000);
    const identities = fakeUserIdentities(ctx.seed, ctx.day, ctx.firstUserId, ctx.newUsers);
    expect(new Set(identities.emails).size).toBe(1_000_000);
    // faker repeats about 1% of them: those got the fallback
    const fallbacks = identities.emails.filter((e) => e.includes("+")).length;
    expect(fallbacks).toBeGreaterThan(1_000);
    expect(fallbacks).toBeLessThan(30_000);

    const db = await openWarehouse(":memory:");
    try {
      await stageUserIdentities(db, ctx, identities);
      const [row] = await db.query<{ n: number; ids: number; emails: number; lo: number; hi: number }>(
        `SELECT count(*) AS n, count(DISTINCT user_id) AS ids, count(DISTINCT email) AS emails, min(user_id) AS lo, max(user_id) AS hi
         FROM (${selectUsersSql(ctx)})`,
      );
      expect(row).toEqual({ n: 1_000_000, ids: 1_000_000, emails: 1_000_000, lo: 1, hi: 1_000_000 });
    } finally {
      db.close();
    }
  }, 60_000);

  it("look like people: names of two words, emails at a domain", () => {
    const { names, emails } = fakeUserIdentities(42, 1, 1, 1000);
    for (const name of names) expect(name).toMatch(/^\S+ \S+$/);
    for (const email of emails) expect(email).toMatch(/^[a-z0-9._+]+@[a-z0-9]+(\.[a-z0-9]+)+$/);
  });

  it("are the same for the same (seed, day) and differ for another seed or day", () => {
    const a = fakeUserIdentities(42, 3, 4207, 200);
    expect(fakeUserIdentities(42, 3, 4207, 200)).toEqual(a);
    expect(fakeUserIdentities(43, 3, 4207, 200).emails).not.toEqual(a.emails);
    expect(fakeUserIdentities(42, 4, 4207, 200).emails).not.toEqual(a.emails);
  });

  it("fall back to local+<user_id>@domain", () => {
    expect(fallbackEmail("ada.lovelace@gmail.com", 17)).toBe("ada.lovelace+17@gmail.com");
  });
});

describe("user attributes", () => {
  let db: Warehouse;
  beforeAll(async () => {
    db = await openWarehouse(":memory:");
  });
  afterAll(() => db.close());

  it("give the same tier as a string and as a code, on every day", async () => {
    const day1 = dayContext({ seed: 42, baseUsers: 1000, startDate: "2025-12-01" }, 1);
    const day9 = dayContext({ seed: 42, baseUsers: 1000, startDate: "2025-12-01" }, 9);
    const codes = TIER_CODES.map((t) => `'${t}'`).join(", ");
    const [row] = await db.query<{ mismatches: number }>(
      `SELECT count(*) FILTER (WHERE ${userTierSql(day1, "range")} <> [${codes}][${userTierCodeSql(day9, "range")} + 1]) AS mismatches
       FROM range(1, 100001)`,
    );
    expect(row?.mismatches).toBe(0);
  });
});

describe("emails across days", () => {
  it("stay unique when a later day's faker email repeats an earlier day's", async () => {
    const { db } = await loadedWarehouse({ seed: 7, baseUsers: 200_000, startDate: "2025-12-01" }, 4);
    try {
      const [row] = await db.query<{ n: number; emails: number }>(
        `SELECT count(*) AS n, count(DISTINCT email) AS emails FROM raw.raw_users`,
      );
      expect(row!.n).toBe(80_000 + 4_120 + 4_244 + 4_371);
      expect(row!.emails).toBe(row!.n);
      // Some of the later days' users took a fallback because day 1 held their email.
      const [cross] = await db.query<{ n: number }>(
        `SELECT count(*) AS n FROM raw.raw_users AS later
         JOIN raw.raw_users AS earlier
           ON earlier.email = replace(later.email, '+' || later.user_id::VARCHAR || '@', '@')
          AND earlier.batch_date < later.batch_date`,
      );
      expect(cross!.n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  }, 60_000);
});
