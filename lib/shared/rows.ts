/**
 * Row values as both DuckDB wrappers hand them out: plain JSON-able values. 64-bit integers
 * become numbers when they are safe integers (decimal strings otherwise), dates ISO strings.
 */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };
export type PlainRow = Record<string, PlainValue>;

export function plainValue(value: unknown): PlainValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === "object") {
    const out: Record<string, PlainValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = plainValue(v);
    return out;
  }
  return String(value);
}

export function plainRow(row: Record<string, unknown>): PlainRow {
  const out: PlainRow = {};
  for (const [k, v] of Object.entries(row)) out[k] = plainValue(v);
  return out;
}
