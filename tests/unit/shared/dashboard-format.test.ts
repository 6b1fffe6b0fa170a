import { describe, expect, it } from "vitest";
import { formatChange, formatCompact, formatUsd, formatUsdCompact } from "@/lib/shared/dashboard/format";

describe("the dashboard's number formats", () => {
  // The server's first render and the browser's must write the same text, or React's hydration
  // fails (error #418) and the page is drawn again from scratch. Node's ICU and Chromium's
  // differ on a compact currency's default fraction digits; these are the browser's.
  it("writes compact dollars without a trailing .0, as Chromium does", () => {
    expect([0, 1000, 1500, 2215, 3_000_000].map(formatUsdCompact)).toEqual([
      "$0",
      "$1K",
      "$1.5K",
      "$2.2K",
      "$3M",
    ]);
  });

  it("writes counts, dollars and changes as the KPIs show them", () => {
    expect(formatCompact(1_001_515)).toBe("1M");
    expect(formatCompact(1_660_000)).toBe("1.7M");
    expect(formatUsd(2215.4)).toBe("$2,215");
    expect(formatUsd(24.612, true)).toBe("$24.61");
    expect(formatChange(0.042)).toBe("+4.2%");
    expect(formatChange(-0.03)).toBe("−3.0%");
    expect(formatUsdCompact(null)).toBe("–");
  });
});
