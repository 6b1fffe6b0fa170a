import { describe, expect, it } from "vitest";
import { dayDbtArgs } from "@/lib/server/simulation/simulate";

const base = { startDate: "2025-12-01", skipTests: false, threads: 1 };
const varsOf = (args: string[]) => {
  const vars = JSON.parse(args[args.indexOf("--vars") + 1]!) as Record<string, unknown>;
  return { batch_start: vars.batch_start, batch_end: vars.batch_end };
};

describe("the dbt command of a simulated day", () => {
  it("builds exactly the simulated day, whatever the wall clock says", () => {
    const args = dayDbtArgs({ ...base, day: 5, dbtDay: 4 });
    expect(args[0]).toBe("build");
    expect(varsOf(args)).toEqual({ batch_start: "2025-12-05", batch_end: "2025-12-05" });
    expect(args).not.toContain("--full-refresh");
  });

  it("re-runs the day when dbt already built it before a crash", () => {
    expect(varsOf(dayDbtArgs({ ...base, day: 5, dbtDay: 5 }))).toEqual({
      batch_start: "2025-12-05",
      batch_end: "2025-12-05",
    });
  });

  it("catches up the days loaded without dbt", () => {
    expect(varsOf(dayDbtArgs({ ...base, day: 9, dbtDay: 6 }))).toEqual({
      batch_start: "2025-12-07",
      batch_end: "2025-12-09",
    });
  });

  it("rebuilds the marts whole when this simulation has not built them yet", () => {
    expect(dayDbtArgs({ ...base, day: 1, dbtDay: 0 })).toContain("--full-refresh");
    expect(dayDbtArgs({ ...base, day: 3, dbtDay: 0 })).toContain("--full-refresh");
  });

  it("builds every model and runs every test every day", () => {
    expect(dayDbtArgs({ ...base, day: 4, dbtDay: 3 })).not.toContain("--select");
    expect(dayDbtArgs({ ...base, day: 4, dbtDay: 3 })).not.toContain("--exclude");
  });

  it("leaves out the views after the run's first day, but not their tests", () => {
    const args = dayDbtArgs({ ...base, day: 4, dbtDay: 3, viewsBuilt: true });
    expect(args.slice(args.indexOf("--exclude"), args.indexOf("--exclude") + 2)).toEqual([
      "--exclude",
      "config.materialized:view",
    ]);
    expect(
      args.slice(args.indexOf("--indirect-selection"), args.indexOf("--indirect-selection") + 2),
    ).toEqual(["--indirect-selection", "empty"]);
    expect(args).not.toContain("--select");
  });

  it("builds the views with a full refresh, even after an earlier day of the run", () => {
    expect(dayDbtArgs({ ...base, day: 2, dbtDay: 0, viewsBuilt: true })).not.toContain("--exclude");
  });

  it("does not store failing rows: the publish reads them from the test's SQL", () => {
    const args = dayDbtArgs({ ...base, day: 4, dbtDay: 3 });
    expect(JSON.parse(args[args.indexOf("--vars") + 1]!)).toMatchObject({ store_test_failures: false });
  });

  it("runs the models without tests when tests are skipped", () => {
    const args = dayDbtArgs({ ...base, day: 2, dbtDay: 1, skipTests: true, threads: 2 });
    expect(args[0]).toBe("run");
    expect(args.slice(args.indexOf("--threads"), args.indexOf("--threads") + 2)).toEqual(["--threads", "2"]);
  });
});
