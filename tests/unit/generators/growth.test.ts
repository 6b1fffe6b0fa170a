import { describe, expect, it } from "vitest";
import { growthSchema } from "@/lib/shared/config";
import { dayContext } from "@/lib/server/generators/context";
import {
  baseUserCount,
  batchDateOf,
  dayStartMs,
  firstUserIdOfDay,
  newUsersOnDay,
  usersThroughDay,
} from "@/lib/server/generators/growth";

describe("growth model", () => {
  it("adds 40% of the base on day 1 and base × 2% × 1.03^(d−1) after", () => {
    expect(newUsersOnDay(10_000, 1)).toBe(4_000);
    expect(newUsersOnDay(10_000, 2)).toBe(206);
    expect(newUsersOnDay(10_000, 3)).toBe(212);
    expect(newUsersOnDay(10_000, 30)).toBe(Math.round(200 * 1.03 ** 29));
    expect(newUsersOnDay(750_000, 1)).toBe(300_000);
  });

  it("numbers users contiguously, so the first id of a day follows from the base alone", () => {
    expect(firstUserIdOfDay(10_000, 1)).toBe(1);
    expect(firstUserIdOfDay(10_000, 2)).toBe(4_001);
    expect(firstUserIdOfDay(10_000, 3)).toBe(4_207);
    expect(usersThroughDay(10_000, 3)).toBe(4_418);
    for (let day = 1; day <= 30; day++) {
      expect(firstUserIdOfDay(10_000, day + 1)).toBe(
        firstUserIdOfDay(10_000, day) + newUsersOnDay(10_000, day),
      );
    }
  });

  it("gives about a million users over 30 days at a base of 750,000", () => {
    expect(usersThroughDay(750_000, 30)).toBe(998_635);
  });

  it("takes the base as round(users × scale)", () => {
    expect(baseUserCount(10_000, 1)).toBe(10_000);
    expect(baseUserCount(10_000, 2.5)).toBe(25_000);
    expect(baseUserCount(333, 0.5)).toBe(167);
  });

  it("dates day d as start_date + d − 1 in UTC", () => {
    expect(batchDateOf("2025-12-01", 1)).toBe("2025-12-01");
    expect(batchDateOf("2025-12-01", 31)).toBe("2025-12-31");
    expect(batchDateOf("2025-12-01", 32)).toBe("2026-01-01");
    expect(batchDateOf("2024-02-28", 2)).toBe("2024-02-29");
    expect(dayStartMs("2025-12-01", 2)).toBe(Date.parse("2025-12-02T00:00:00Z"));
  });

  it("takes every signup parameter from the config's growth object", () => {
    const growth = growthSchema.parse({ day_one_share: 0.1, daily_share: 0.05, daily_growth: 1.1 });
    expect(newUsersOnDay(10_000, 1, growth)).toBe(1_000);
    expect(newUsersOnDay(10_000, 2, growth)).toBe(550); // 10,000 × 5% × 1.1
    expect(newUsersOnDay(10_000, 3, growth)).toBe(605); // 10,000 × 5% × 1.1²
    expect(usersThroughDay(10_000, 3, growth)).toBe(2_155);
    const day3 = dayContext({ seed: 1, baseUsers: 10_000, startDate: "2025-12-01", growth }, 3);
    expect([day3.firstUserId, day3.newUsers, day3.usersThrough]).toEqual([1_551, 605, 2_155]);
  });

  it("gives the same users with the default growth object as without one", () => {
    const growth = growthSchema.parse({});
    for (const day of [1, 2, 17, 30]) {
      expect(newUsersOnDay(10_000, day, growth)).toBe(newUsersOnDay(10_000, day));
    }
    expect(growth).toEqual({
      day_one_share: 0.4,
      daily_share: 0.02,
      daily_growth: 1.03,
      generation_rate: 0.5,
      max_generations_per_day: 5,
      tier_activity: { free: 1, pro: 3, enterprise: 8 },
      active_probability: { free: 0.4, pro: 0.65, enterprise: 0.85 },
    });
  });

  it("gives 30 days of the default model exactly", () => {
    const days = Array.from({ length: 30 }, (_, i) => newUsersOnDay(10_000, i + 1));
    expect(days.slice(0, 6)).toEqual([4_000, 206, 212, 219, 225, 232]);
    expect(days[29]).toBe(471);
    expect(usersThroughDay(10_000, 30)).toBe(13_317);
  });

  it("rejects a day that is not a whole number from 1", () => {
    expect(() => newUsersOnDay(10_000, 0)).toThrow(/whole number from 1/);
    expect(() => firstUserIdOfDay(10_000, 1.5)).toThrow(/whole number from 1/);
  });
});
