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
