import { describe, expect, it } from "vitest";
import {
  areaPath,
  definedRuns,
  labelledSlots,
  linePath,
  pct,
  slotAt,
  slotCenter,
} from "@/components/charts/geometry";

/** The numbers of a path, in order. */
const numbers = (d: string) => (d.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);

describe("chart geometry", () => {
  it("bands put a category in the middle of its slot, points run edge to edge", () => {
    expect([0, 1, 3].map((i) => slotCenter(i, 4, "band"))).toEqual([0.125, 0.375, 0.875]);
    expect([0, 1, 3].map((i) => slotCenter(i, 4, "point"))).toEqual([0, 1 / 3, 1]);
    expect(slotCenter(0, 1, "point")).toBe(0.5);
  });

  it("the pointer picks the slot it is over, or the nearest point, never outside the data", () => {
    expect(slotAt(0.3, 4, "band")).toBe(1);
    expect(slotAt(0.99, 4, "band")).toBe(3);
    expect(slotAt(1, 4, "band")).toBe(3);
    expect(slotAt(0.2, 4, "point")).toBe(1);
    expect(slotAt(-0.1, 4, "point")).toBe(0);
  });

  it("day labels count back from the last day; every other one is minor", () => {
    const labels = labelledSlots(30, 16);
    expect(labels.map((l) => l.index)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29]);
    expect(labels.at(-1)).toEqual({ index: 29, minor: false });
    expect(labels.at(-2)).toEqual({ index: 27, minor: true });
    expect(labelledSlots(5, 16).map((l) => l.index)).toEqual([0, 1, 2, 3, 4]);
    expect(labelledSlots(0, 16)).toEqual([]);
  });

  it("percentages are short", () => {
    expect(pct(1 / 3)).toBe("33.333%");
    expect(pct(0.5)).toBe("50%");
  });

  it("a line through points on a straight line stays straight", () => {
    const d = linePath([
      { x: 0, y: 100 },
      { x: 10, y: 80 },
      { x: 20, y: 60 },
    ]);
    expect(d.startsWith("M0,100C")).toBe(true);
    const n = numbers(d);
    // Every control point and end point lies on y = 100 - 2x (to the path's two decimals).
    for (let i = 0; i < n.length; i += 2) expect(n[i + 1]).toBeCloseTo(100 - 2 * n[i]!, 1);
  });

  it("a monotone curve does not overshoot a peak or dip below a flat stretch", () => {
    const d = linePath([
      { x: 0, y: 0 },
      { x: 10, y: 50 },
      { x: 20, y: 50 },
      { x: 30, y: 0 },
    ]);
    const ys = numbers(d).filter((_, i) => i % 2 === 1);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ys)).toBeLessThanOrEqual(50);
  });

  it("an area runs along its top and back along its base, closed", () => {
    const d = areaPath(
      [
        { x: 0, y: 10 },
        { x: 10, y: 20 },
      ],
      [
        { x: 0, y: 100 },
        { x: 10, y: 100 },
      ],
    );
    expect(d).toBe("M0,10C0,10 10,20 10,20L10,100C10,100 0,100 0,100Z");
  });

  it("a day without a value breaks the line", () => {
    expect(definedRuns([1, 2, null, 4, Number.NaN, 6, 7])).toEqual([[0, 1], [3], [5, 6]]);
    expect(definedRuns([null, null])).toEqual([]);
  });
});
