import { describe, expect, it } from "vitest";
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

  it("rejects a day that is not a whole number from 1", () => {
    expect(() => newUsersOnDay(10_000, 0)).toThrow(/whole number from 1/);
    expect(() => firstUserIdOfDay(10_000, 1.5)).toThrow(/whole number from 1/);
  });
});
