import "server-only";
/**
 * The server's handle on the DuckDB warehouse file (@duckdb/node-api): plain-object rows,
 * bulk appends from JS, and DuckDB's file-lock error turned into a `conflict:warehouse`
 * SbdkError. One handle holds one connection; temp tables and transactions are per handle.
 */
import {
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  JSToDuckDBValueConverter,
  type DuckDBConnection,
  type JS,
  type DuckDBType,
  type DuckDBValueConverter,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBTimestampValue,
} from "@duckdb/node-api";
import { SbdkError } from "@/lib/shared/errors";

/** A value of a row as `query` returns it. */
export type SqlValue =
  string | number | boolean | null | bigint | Uint8Array | SqlValue[] | { [key: string]: SqlValue };
export type SqlRow = Record<string, SqlValue>;
/** Positional (`?` / `$1`) or named (`$name`) parameters. */
export type SqlParams = unknown[] | Record<string, unknown>;

export interface OpenWarehouseOptions {
  /** Open without taking the writer's lock (other read-only processes may open it too). */
  readOnly?: boolean;
  /** DuckDB worker threads; DuckDB's default is one per core. */
  threads?: number;
}

export interface Warehouse {
  /** The file this handle opened (":memory:" for an in-memory warehouse). */
  readonly path: string;
  readonly readOnly: boolean;
  /**
   * Runs a query and returns its rows as plain objects: BIGINT and other 64/128-bit integers
   * as numbers when they are safe integers (as decimal strings otherwise), DECIMAL as numbers,
   * DATE as "YYYY-MM-DD", TIMESTAMP[_TZ] as ISO 8601 strings in UTC ("…T…Z").
   */
  query<T extends object = SqlRow>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Runs one or more statements whose results are not needed. */
  run(sql: string, params?: SqlParams): Promise<void>;
  /**
   * Appends rows given column by column (each array one column, in the table's column order)
   * through DuckDB's appender, a data chunk at a time: the fast path for rows built in JS.
   * `table` may be qualified ("schema.table" or "catalog.schema.table"). Returns rows appended.
   */
  appendColumns(table: string, columns: readonly (readonly unknown[])[]): Promise<number>;
  /** The underlying connection, for what this small API does not cover. */
  readonly connection: DuckDBConnection;
  /** Closes the connection and the database; the file lock is released. Idempotent. */
  close(): void;
}

/** Opens (creating when needed and not read-only) the DuckDB file at `path`. */
export async function openWarehouse(path: string, options: OpenWarehouseOptions = {}): Promise<Warehouse> {
  const readOnly = options.readOnly ?? false;
  const config: Record<string, string> = {};
  if (readOnly) config.access_mode = "READ_ONLY";
  if (options.threads !== undefined) config.threads = String(options.threads);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, config);
  } catch (err) {
    throw toWarehouseError(err, path);
  }
  let connection: DuckDBConnection;
  try {
    connection = await instance.connect();
  } catch (err) {
    instance.closeSync();
    throw toWarehouseError(err, path);
  }
  return new DuckDBWarehouse(path, readOnly, instance, connection);
}

/**
 * Opens the warehouse like `openWarehouse`, waiting up to `waitMs` while another process holds
 * the file: a job that was just killed may take a moment to let go of it (its dbt worker is
 * still exiting). A holder that stays longer gets the usual `conflict:warehouse` error.
 */
export async function openWarehouseWaiting(
  path: string,
  waitMs: number,
  options: OpenWarehouseOptions = {},
): Promise<Warehouse> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await openWarehouse(path, options);
    } catch (err) {
      if (!(err instanceof SbdkError && err.code === "conflict:warehouse") || Date.now() >= deadline)
        throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * DuckDB refuses a second process a file another process has open for writing ("Could not set
 * lock on file …: Conflicting lock is held in … (PID n)"). That is the one-writer rule at work,
 * so it becomes a `conflict:warehouse` error naming the file and the holder.
 */
export function toWarehouseError(err: unknown, path: string): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (/Could not set lock on file|Conflicting lock/i.test(message)) {
    const holder = /Conflicting lock is held in (.+?) \(PID (\d+)\)/.exec(message);
    const by = holder ? ` by process ${holder[2]} (${holder[1]})` : " by another process";
    return new SbdkError("conflict:warehouse", `The warehouse file ${path} is in use${by}.`, {
      hint: "Wait for the running job to finish (or stop it), then try again.",
      cause: err,
    });
  }
  return err;
}

class DuckDBWarehouse implements Warehouse {
  private closed = false;

  constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  async query<T extends object = SqlRow>(sql: string, params?: SqlParams): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params as never);
    return reader.convertRowObjects(plainConverter) as unknown as T[];
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.connection.run(sql, params as never);
  }

  async appendColumns(table: string, columns: readonly (readonly unknown[])[]): Promise<number> {
    const parts = table.split(".");
    const name = parts.pop() ?? table;
    const schema = parts.pop() ?? null;
    const catalog = parts.pop() ?? null;
    const appender = await this.connection.createAppender(name, schema, catalog);
    try {
      const types: DuckDBType[] = [];
      for (let c = 0; c < appender.columnCount; c++) types.push(appender.columnType(c));
      if (columns.length !== types.length) {
        throw new Error(
          `appendColumns(${table}): ${columns.length} columns given, the table has ${types.length}`,
        );
      }
      const rowCount = columns[0]?.length ?? 0;
      const writers = types.map(columnWriter);
      const chunkSize = 2048;
      const chunk = DuckDBDataChunk.create(types);
      for (let start = 0; start < rowCount; start += chunkSize) {
        const end = Math.min(start + chunkSize, rowCount);
        chunk.reset();
        chunk.rowCount = end - start;
        for (let c = 0; c < columns.length; c++) writers[c]!(chunk, c, columns[c]!.slice(start, end));
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
      return rowCount;
    } finally {
      appender.closeSync();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

type ColumnWriter = (chunk: DuckDBDataChunk, column: number, values: readonly unknown[]) => void;

/**
 * How appendColumns fills a chunk column: plain JS values go in as they are where DuckDB takes
 * them (numbers, strings, booleans; numbers as bigint for 64-bit integers), which is about
 * twice as fast as the general converter used for the rest (dates, nested types, …).
 */
function columnWriter(type: DuckDBType): ColumnWriter {
  const converted: ColumnWriter = (chunk, c, values) =>
    chunk.setColumnValuesConverted(c, values as never[], JSToDuckDBValueConverter);
  const direct =
    (accepts: (v: unknown) => boolean, map?: (v: unknown) => unknown): ColumnWriter =>
    (chunk, c, values) => {
      if (!values.every((v) => v === null || accepts(v))) return converted(chunk, c, values);
      chunk.setColumnValues(c, (map ? values.map((v) => (v === null ? null : map(v))) : values) as never[]);
    };
  const isNumber = (v: unknown) => typeof v === "number";
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return direct((v) => typeof v === "string");
    case DuckDBTypeId.BOOLEAN:
      return direct((v) => typeof v === "boolean");
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return direct(isNumber);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return direct(
        (v) => typeof v === "bigint" || Number.isSafeInteger(v),
        (v) => (typeof v === "bigint" ? v : BigInt(v as number)),
      );
    default:
      return converted;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function plainInteger(value: bigint): number | string {
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value.toString();
}

function isoFromMicros(micros: bigint): string {
  let millis = micros / 1000n;
  let rest = micros % 1000n;
  if (rest < 0n) {
    millis -= 1n;
    rest += 1000n;
  }
  const iso = new Date(Number(millis)).toISOString();
  // Keep microseconds when there are any; Date only holds milliseconds.
  return rest === 0n ? iso : `${iso.slice(0, -1)}${String(rest).padStart(3, "0")}Z`;
}

/** DuckDB values → JSON-friendly JS values (see `Warehouse.query`). */
const plainConverter: DuckDBValueConverter<SqlValue> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return plainInteger(value as bigint);
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toDouble();
    case DuckDBTypeId.DATE:
      return (value as DuckDBDateValue).toString();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return isoFromMicros((value as DuckDBTimestampValue).micros);
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_NS:
      return (JSDuckDBValueConverter(value, type, JSDuckDBValueConverter) as Date).toISOString();
    default: {
      const converted = JSDuckDBValueConverter(value, type, converter as unknown as DuckDBValueConverter<JS>);
      return typeof converted === "bigint" ? plainInteger(converted) : (converted as SqlValue);
    }
  }
};
