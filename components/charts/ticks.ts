/**
 * Round axis ticks (0, 2,000, 4,000 … rather than 0, 650, 1,300 …): recharts' own "nice"
 * ticks keep the data's maximum as the last step, which rarely reads well.
 */
export function niceTicks(max: number, steps = 4): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  const raw = max / steps;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const count = Math.ceil(max / step - 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** The largest value of some keys across rows (stacked keys add up). */
export function maxOf(rows: readonly object[], keys: readonly string[], stacked = false): number {
  let max = 0;
  for (const row of rows) {
    const values = keys.map((k) => Number((row as Record<string, unknown>)[k] ?? 0) || 0);
    const v = stacked ? values.reduce((a, b) => a + b, 0) : Math.max(0, ...values);
    if (v > max) max = v;
  }
  return max;
}
