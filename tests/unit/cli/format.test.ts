import { describe, expect, it } from "vitest";
import { simulationDayLine, weeklyGrowthTable } from "@/cli/format";

const day = {
  day: 1,
  date: "2025-12-01",
  new_users: 200,
  generations: 847,
  revenue_usd: 42.31,
  success_rate: 0.9421,
  tests: { passed: 143, failed: 0, warned: 0 },
};

describe("simulationDayLine", () => {
  it("prints a day as the seed project did, then its tests", () => {
    expect(simulationDayLine(day)).toBe(
      "Day  1 (2025-12-01)... +200 users, + 847 gens, $ 42.31 revenue, 94.2% success · tests 143 passed",
    );
  });

  it("keeps wide numbers whole and pads narrow ones to the seed's widths", () => {
    expect(
      simulationDayLine({
        ...day,
        day: 12,
        new_users: 4000,
        generations: 13668,
        revenue_usd: 59835,
        tests: null,
      }),
    ).toBe(
      "Day 12 (2025-12-01)... +4000 users, +13668 gens, $59835.00 revenue, 94.2% success · tests skipped",
    );
    expect(simulationDayLine({ ...day, generations: 7, revenue_usd: 0, success_rate: 1 })).toContain(
      "+   7 gens, $  0.00 revenue, 100.0% success",
    );
  });

  it("names warned and failed tests, and a day without dbt", () => {
    expect(simulationDayLine({ ...day, tests: { passed: 140, failed: 1, warned: 2 } })).toMatch(
      / · tests 140 passed, 2 warned, 1 FAILED$/,
    );
    expect(simulationDayLine(day, "skipped")).toMatch(/94\.2% success · dbt skipped$/);
    expect(simulationDayLine({ ...day, generations: 0, success_rate: null }, "skipped")).toContain(
      "  n/a success",
    );
  });
});

describe("weeklyGrowthTable", () => {
  it("lines up one row per week with the change in new users", () => {
    expect(
      weeklyGrowthTable([
        {
          weekStart: "2025-12-01",
          days: 7,
          newUsers: 5_322,
          totalUsers: 5_322,
          generations: 20_112,
          successRate: 0.9412,
          revenueUsd: 82_345.5,
          newUsersChange: null,
        },
        {
          weekStart: "2025-12-08",
          days: 3,
          newUsers: 770,
          totalUsers: 6_092,
          generations: 8_001,
          successRate: 0.9399,
          revenueUsd: 12_010,
          newUsersChange: -4_552,
        },
      ]),
    ).toEqual([
      "week of     days  new users  vs last week  total users  generations  success  revenue",
      "2025-12-01     7      5,322                      5,322       20,112    94.1%  $82,345.50",
      "2025-12-08     3        770        -4,552        6,092        8,001    94.0%  $12,010.00",
    ]);
  });
});
