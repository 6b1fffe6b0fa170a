import { describe, expect, it } from "vitest";
import { maxOf, niceTicks } from "@/components/charts/ticks";

describe("axis ticks", () => {
  it("steps are round numbers that cover the maximum", () => {
    expect(niceTicks(2404)).toEqual([0, 1000, 2000, 3000]);
    expect(niceTicks(13_950)).toEqual([0, 5000, 10000, 15000]);
    expect(niceTicks(0.28)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(24.6)).toEqual([0, 10, 20, 30]);
  });

  it("an empty or zero series still gets an axis", () => {
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it("stacked series add up", () => {
    const rows = [
      { a: 1, b: 2 },
      { a: 5, b: 1 },
    ];
    expect(maxOf(rows, ["a", "b"])).toBe(5);
    expect(maxOf(rows, ["a", "b"], true)).toBe(6);
  });
});
