/** Terminal rendering for the sbdk CLI: a progress bar, aligned tables, numbers. */

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function fmtSeconds(s: number): string {
  return s < 10 ? `${s.toFixed(2)}s` : `${s.toFixed(1)}s`;
}

export function fmtPercent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

export function bar(done: number, total: number, width = 28): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** Rows of cells → lines with columns padded; numbers (right-aligned) detected per cell. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) =>
        /^[-+$]?[\d,.]+%?s?$/.test(cell) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd(),
  );
}

/**
 * A single status line that redraws in place on a terminal and prints only milestones
 * elsewhere (CI logs, pipes), so logs stay readable.
 */
export class StatusLine {
  private last = "";
  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {}

  get interactive(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(text: string): void {
    if (!this.interactive) return;
    const width = this.stream.columns ?? 100;
    const line = text.length > width - 1 ? text.slice(0, width - 2) + "…" : text;
    this.stream.write(`\r${line.padEnd(this.last.length)}`);
    this.last = line;
  }

  /** Ends the redrawn line and prints a permanent one. */
  print(text: string): void {
    if (this.interactive && this.last) {
      this.stream.write(`\r${" ".repeat(this.last.length)}\r`);
      this.last = "";
    }
    this.stream.write(text + "\n");
  }
}

/** The parts of a simulated day the daily line shows. */
export interface DayLineInput {
  day: number;
  date: string;
  new_users: number;
  generations: number;
  revenue_usd: number;
  success_rate: number | null;
  tests: { passed: number; failed: number; warned: number } | null;
}

/**
 * One simulated day as the seed project printed it, then its tests:
 * `Day  1 (2025-12-01)... +200 users, + 847 gens, $ 42.31 revenue, 94.2% success · tests 143 passed`.
 * `dbt` says whether dbt ran (without it there are no tests to report).
 */
export function simulationDayLine(day: DayLineInput, dbt: "built" | "skipped" = "built"): string {
  const success = day.success_rate === null ? "  n/a" : `${(day.success_rate * 100).toFixed(1)}%`;
  const head =
    `Day ${String(day.day).padStart(2)} (${day.date})... +${day.new_users} users, ` +
    `+${String(day.generations).padStart(4)} gens, $${day.revenue_usd.toFixed(2).padStart(6)} revenue, ` +
    `${success} success`;
  if (dbt === "skipped") return `${head} · dbt skipped`;
  if (!day.tests) return `${head} · tests skipped`;
  const { passed, failed, warned } = day.tests;
  return (
    `${head} · tests ${passed} passed` +
    (warned ? `, ${warned} warned` : "") +
    (failed ? `, ${failed} FAILED` : "")
  );
}

/** A week of the simulation, as the weekly growth table shows it. */
export interface WeeklyRowInput {
  weekStart: string;
  days: number;
  newUsers: number;
  totalUsers: number;
  generations: number;
  successRate: number | null;
  revenueUsd: number;
  newUsersChange: number | null;
}

/** The weekly growth table printed at the end of a simulation. */
export function weeklyGrowthTable(rows: readonly WeeklyRowInput[]): string[] {
  const signed = (n: number | null) =>
    n === null ? "" : n > 0 ? `+${fmtInt(n)}` : n < 0 ? `-${fmtInt(-n)}` : "0";
  return table([
    ["week of", "days", "new users", "vs last week", "total users", "generations", "success", "revenue"],
    ...rows.map((r) => [
      r.weekStart,
      String(r.days),
      fmtInt(r.newUsers),
      signed(r.newUsersChange),
      fmtInt(r.totalUsers),
      fmtInt(r.generations),
      r.successRate === null ? "" : fmtPercent(r.successRate),
      `$${r.revenueUsd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
    ]),
  ]);
}
