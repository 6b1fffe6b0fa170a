import "server-only";
/**
 * SQL builders for the distributions the generators share: a weighted choice from a weight map
 * (the maps in lib/shared/domain.ts), a capped Poisson count by inverse CDF, and a per-tier
 * lookup. Each takes a uniform in [0, 1) as a SQL expression; pass a column computed once in
 * an inner query rather than a hash() call, or DuckDB evaluates the hash per WHEN.
 */

/** The choices of a weight map with their cumulative probabilities (the last is exactly 1). */
export function cumulativeWeights<K extends string>(weights: Record<K, number>): Array<[K, number]> {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (!(total > 0) || entries.some(([, w]) => !(w >= 0))) {
    throw new Error(`weights must be non-negative with a positive sum: ${JSON.stringify(weights)}`);
  }
  let acc = 0;
  return entries.map(([key, w], i) => {
    acc += w;
    return [key, i === entries.length - 1 ? 1 : acc / total];
  });
}

/** Quotes a string as a SQL literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL literal for a JS value: strings quoted, numbers as written, null as NULL. */
export function sqlLiteral(value: string | number | boolean | null): string {
  if (value === null) return "NULL";
  if (typeof value === "string") return sqlString(value);
  if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/**
 * CASE expression choosing a key of `weights` with probability proportional to its weight,
 * from the uniform `u`. `values` maps a key to the SQL value to return (default: the key as a
 * string literal).
 */
export function weightedChoiceSql<K extends string>(
  weights: Record<K, number>,
  u: string,
  values?: Partial<Record<K, string>>,
): string {
  const cumulative = cumulativeWeights(weights);
  const value = (key: K): string => values?.[key] ?? sqlString(key);
  const last = cumulative[cumulative.length - 1]!;
  const whens = cumulative
    .slice(0, -1)
    .filter(([, p], i) => p > (cumulative[i - 1]?.[1] ?? 0))
    .map(([key, p]) => `WHEN ${u} < ${p} THEN ${value(key)}`);
  return whens.length === 0 ? value(last[0]) : `CASE ${whens.join(" ")} ELSE ${value(last[0])} END`;
}

/** P(X ≤ k) of a Poisson(λ) for k = 0 … cap − 1: the thresholds of a count capped at `cap`. */
export function poissonThresholds(lambda: number, cap: number): number[] {
  const out: number[] = [];
  let term = Math.exp(-lambda);
  let cdf = 0;
  for (let k = 0; k < cap; k++) {
    cdf += term;
    out.push(Math.min(cdf, 1));
    term *= lambda / (k + 1);
  }
  return out;
}

/**
 * SQL for min(Poisson(λ), cap) by inverse CDF: the first k whose P(X ≤ k) exceeds the uniform.
 * A CASE, because DuckDB evaluates it faster than a sum of comparisons. Integer result.
 */
export function cappedPoissonSql(u: string, lambda: number, cap: number): string {
  const thresholds = poissonThresholds(lambda, cap);
  if (thresholds.length === 0) return "0";
  return `(CASE ${thresholds.map((t, k) => `WHEN ${u} < ${t} THEN ${k}`).join(" ")} ELSE ${cap} END)`;
}

/** The expected value of min(Poisson(λ), cap). */
export function cappedPoissonMean(lambda: number, cap: number): number {
  // E[min(X, cap)] = Σ_{k=0}^{cap-1} P(X > k)
  return poissonThresholds(lambda, cap).reduce((sum, cdf) => sum + (1 - cdf), 0);
}

/**
 * CASE expression giving the 0-based index (in the map's key order) of a weighted choice from
 * the uniform `u`: the same choice `weightedChoiceSql` makes from the same uniform.
 */
export function weightedIndexSql<K extends string>(weights: Record<K, number>, u: string): string {
  const keys = Object.keys(weights) as K[];
  return weightedChoiceSql(
    weights,
    u,
    Object.fromEntries(keys.map((k, i) => [k, String(i)])) as Record<K, string>,
  );
}

/** CASE on a category column returning the SQL expression given for each category. */
export function byCategorySql<K extends string>(column: string, values: Record<K, string>): string {
  const entries = Object.entries(values) as Array<[K, string]>;
  const last = entries[entries.length - 1];
  if (!last) throw new Error("byCategorySql needs at least one category");
  const whens = entries.slice(0, -1).map(([key, sql]) => `WHEN ${column} = ${sqlString(key)} THEN ${sql}`);
  return whens.length === 0 ? last[1] : `CASE ${whens.join(" ")} ELSE ${last[1]} END`;
}

/** CASE on a 0-based index column returning values[index] (the last value for any other). */
export function byIndexSql(column: string, values: readonly string[]): string {
  const last = values[values.length - 1];
  if (last === undefined) throw new Error("byIndexSql needs at least one value");
  const whens = values.slice(0, -1).map((sql, i) => `WHEN ${i} THEN ${sql}`);
  return whens.length === 0 ? last : `CASE ${column} ${whens.join(" ")} ELSE ${last} END`;
}
