import "server-only";
/**
 * Publish: the marts, the metrics and dbt's test results become Parquet files (zstd) plus a
 * manifest.json the browser reads. Each publish writes into a new version folder and then
 * swaps manifest.json by rename, so a reader sees the old publish or the new one, never half
 * of one; the previous version stays on disk for readers that are still loading it.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, link, mkdir, readdir, rename, rm, stat, writeFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import type { TestResultRow } from "@/lib/shared/quality/report";
import {
  MANIFEST_FILE,
  MANIFEST_VERSION,
  manifestSchema,
  type LineageNode,
  type PublishManifest,
  type PublishedTable,
  type TablePart,
} from "@/lib/shared/manifest";
import { parseRelationName, type Manifest, type RunResults } from "./dbt/artifacts";
import { summarizeRun } from "./dbt/outcome";
import { haltPoint } from "./faults";
import { openWarehouse, type Warehouse } from "./warehouse/duckdb";

/** Schemas of the warehouse whose tables are published. */
export const PUBLISHED_LAYERS = ["marts", "metrics"] as const;
export const TEST_RESULTS_TABLE = "dbt_test_results";
/** Failing rows kept per failing test. */
export const FAILING_ROWS_SAMPLE = 10;
const VERSION_PREFIX = "v-";
/** Decimals kept of DOUBLE columns in published files. */
export const FLOAT_DIGITS = 6;

export interface PublishInput {
  config: Config;
  runResults: RunResults;
  manifest: Manifest;
  /**
   * Whether the build stored failing rows in test_failures (dbt's store_failures; default
   * true). When false (the simulation's daily builds), a failing test's rows are selected with
   * the test's compiled SQL instead: the same rows, since nothing wrote the warehouse since.
   */
  storedFailures?: boolean;
  /**
   * The previous publish of the same job and the first day (batch_date, YYYY-MM-DD) the build
   * since then may have changed. The marts dbt keeps by day (incremental, replaced by
   * batch_date) are then published as one Parquet file per day: the days before `changedFrom`
   * keep the previous publish's files (hard-linked into the new version, not rewritten), so a
   * day of the simulation writes its own day, not the whole history. Without it every table is
   * written whole, as one file.
   */
  byDay?: { previous: PublishManifest; changedFrom: string };
  /** Clock, injected so tests can pin generated_at. */
  now?: () => Date;
  /** Called after each file is written (for progress). */
  onTable?: (table: PublishedTable) => void;
  /** Test hook: called after the Parquet files are written, before manifest.json is swapped. */
  beforeSwap?: () => Promise<void> | void;
}

export interface PublishResult {
  manifest: PublishManifest;
  dir: string;
  seconds: number;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export { summarizeRun } from "./dbt/outcome";

/** Models and sources with their dependencies and last status, for the lineage graph. */
export function buildLineage(manifest: Manifest, runResults: RunResults): LineageNode[] {
  const byId = new Map(runResults.results.map((r) => [r.unique_id, r]));
  const nodes: LineageNode[] = [];
  for (const source of Object.values(manifest.sources)) {
    nodes.push({
      id: source.unique_id,
      name: source.name,
      resource_type: "source",
      layer: source.schema,
      materialized: null,
      depends_on: [],
      status: null,
      seconds: null,
    });
  }
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type !== "model") continue;
    const result = byId.get(node.unique_id);
    nodes.push({
      id: node.unique_id,
      name: node.name,
      resource_type: "model",
      layer: node.schema,
      materialized: node.config.materialized ?? null,
      depends_on: node.depends_on.nodes.filter((d) => d.startsWith("model.") || d.startsWith("source.")),
      status: result?.status ?? null,
      seconds: result ? Math.round(result.execution_time * 1000) / 1000 : null,
    });
  }
  return nodes.sort((a, b) => a.id.localeCompare(b.id));
}

/** A row of the published dbt_test_results table (the quality page reads the same shape). */
type TestRow = TestResultRow;

async function collectTestRows(
  db: Warehouse,
  manifest: Manifest,
  runResults: RunResults,
  failures: FailingRowsSource,
): Promise<TestRow[]> {
  const rows: TestRow[] = [];
  for (const r of runResults.results) {
    if (!r.unique_id.startsWith("test.")) continue;
    const node = manifest.nodes[r.unique_id];
    const attached =
      node?.attached_node ?? node?.depends_on.nodes.find((n) => n.startsWith("model.")) ?? null;
    const failingRows = r.status === "fail" || r.status === "warn" ? await failures.sample(db, r) : null;
    rows.push({
      unique_id: r.unique_id,
      test_name: node?.name ?? r.unique_id,
      test_type: node?.test_metadata?.name ?? "singular",
      status: r.status,
      failures: r.failures ?? null,
      model: attached ? (attached.split(".").pop() ?? attached) : null,
      column_name: node?.column_name ?? null,
      message: r.message ?? null,
      execution_seconds: Math.round(r.execution_time * 1000) / 1000,
      failing_rows_json: failingRows,
    });
  }
  return rows.sort((a, b) => a.unique_id.localeCompare(b.unique_id));
}

/** Where the failing rows of a failing test come from: dbt's stored table, or the test's SQL. */
interface FailingRowsSource {
  /** Up to FAILING_ROWS_SAMPLE rows as a JSON array, or null when they cannot be read. */
  sample(db: Warehouse, result: RunResults["results"][number]): Promise<string | null>;
  close(): Promise<void>;
}

const asJsonArray = (rows: { j: string }[]) => `[${rows.map((s) => s.j).join(",")}]`;

/** The rows dbt stored (store_failures), read through the publish's attach of the warehouse. */
const storedFailingRows: FailingRowsSource = {
  async sample(db, r) {
    if (!r.relation_name) return null;
    const rel = parseRelationName(r.relation_name);
    try {
      return asJsonArray(
        await db.query<{ j: string }>(
          `select to_json(t)::varchar as j from wh.${ident(rel.schema)}.${ident(rel.name)} as t limit ${FAILING_ROWS_SAMPLE}`,
        ),
      );
    } catch {
      return null;
    }
  },
  async close() {},
};

/**
 * The rows of the test's compiled SQL. It names tables by dbt's catalog (the warehouse file's
 * name), so it runs on a read-only handle of the file itself, opened at the first failing test.
 */
function compiledFailingRows(duckdbPath: string): FailingRowsSource {
  let handle: Promise<Warehouse> | null = null;
  return {
    async sample(_db, r) {
      const sql = r.compiled_code?.trim().replace(/;\s*$/, "");
      if (!sql) return null;
      try {
        handle ??= openWarehouse(duckdbPath, { readOnly: true });
        const wh = await handle;
        return asJsonArray(
          await wh.query<{ j: string }>(
            `select to_json(t)::varchar as j from (${sql}\n) as t limit ${FAILING_ROWS_SAMPLE}`,
          ),
        );
      } catch {
        return null;
      }
    },
    async close() {
      // Closed before the publish returns: the caller may open the file for writing next.
      const wh = await handle?.catch(() => null);
      wh?.close();
    },
  };
}

export async function writeParquet(db: Warehouse, selectSql: string, file: string): Promise<void> {
  await db.run(`copy (${selectSql}) to ${sqlString(file)} (format parquet, compression zstd)`);
}

async function describeFile(
  db: Warehouse,
  name: string,
  layer: PublishedTable["layer"],
  dir: string,
  versionDir: string,
): Promise<PublishedTable> {
  const path = join(dir, versionDir, `${name}.parquet`);
  const [count] = await db.query<{ n: number }>(
    `select count(*)::bigint as n from read_parquet(${sqlString(path)})`,
  );
  const columns = await db.query<{ column_name: string; column_type: string }>(
    `describe select * from read_parquet(${sqlString(path)})`,
  );
  return {
    name,
    layer,
    file: `${versionDir}/${name}.parquet`,
    rows: count?.n ?? 0,
    bytes: (await stat(path)).size,
    sha256: await sha256File(path),
    columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })),
  };
}

/**
 * The SELECT that publishes a table of an attached catalog: its columns in order, doubles
 * rounded to FLOAT_DIGITS decimals, rows ordered by `orderBy`. Parallel aggregation sums
 * doubles in a varying order, so equal warehouses can differ in a double's last bits; rounding
 * publishes equal bytes.
 */
export async function publishedSelectSql(
  db: Warehouse,
  catalog: string,
  schema: string,
  table: string,
  orderBy: string,
  where?: string,
): Promise<string> {
  const columns = await db.query<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns
     where table_catalog = ${sqlString(catalog)} and table_schema = ${sqlString(schema)} and table_name = ${sqlString(table)}
     order by ordinal_position`,
  );
  const select = columns
    .map((c) =>
      c.data_type === "DOUBLE" || c.data_type === "FLOAT"
        ? `round(${ident(c.column_name)}, ${FLOAT_DIGITS}) as ${ident(c.column_name)}`
        : ident(c.column_name),
    )
    .join(", ");
  const filter = where ? ` where ${where}` : "";
  return `select ${select} from ${ident(catalog)}.${ident(schema)}.${ident(table)}${filter} order by ${orderBy}`;
}

/** The marts dbt keeps by day: incremental, each build replacing whole batch_dates. */
export function dayPartitionedModels(manifest: Manifest): Set<string> {
  const names = new Set<string>();
  for (const node of Object.values(manifest.nodes)) {
    const config = node.config as {
      materialized?: string;
      unique_key?: unknown;
      incremental_strategy?: unknown;
    };
    if (
      node.resource_type === "model" &&
      config.materialized === "incremental" &&
      config.incremental_strategy === "delete+insert" &&
      config.unique_key === "batch_date"
    ) {
      names.add(node.alias ?? node.name);
    }
  }
  return names;
}

/** The sha256 of a table published in parts: of its parts' sha256s, one per line. */
export function partsSha256(parts: readonly TablePart[]): string {
  return createHash("sha256")
    .update(parts.map((p) => p.sha256).join("\n"))
    .digest("hex");
}

/**
 * Publishes a mart kept by day as one Parquet file per batch_date (`<table>/batch_date=<day>.parquet`
 * in the version folder). A day before `changedFrom` whose file the previous publish has, with
 * the same row count and columns, is hard-linked from it; the other days are written. Returns
 * null when the table has no rows (it is then published whole, like any other table).
 */
async function writeDayParts(
  db: Warehouse,
  table: string,
  dir: string,
  versionDir: string,
  byDay: NonNullable<PublishInput["byDay"]>,
): Promise<PublishedTable | null> {
  const days = await db.query<{ day: string; n: number }>(
    `select batch_date::varchar as day, count(*)::bigint as n from wh.marts.${ident(table)} group by all order by all`,
  );
  if (days.length === 0 || days.some((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d.day))) return null;
  await mkdir(join(dir, versionDir, table), { recursive: true });
  const fileOf = (day: string) => `${versionDir}/${table}/batch_date=${day}.parquet`;
  const previous = byDay.previous.tables.find((t) => t.name === table && t.layer === "marts" && t.parts);
  const previousParts = new Map(
    (previous?.parts ?? []).map((p) => [
      /batch_date=(\d{4}-\d{2}-\d{2})\.parquet$/.exec(p.file)?.[1] ?? "",
      p,
    ]),
  );

  const write = async (day: string): Promise<{ part: TablePart; columns: PublishedTable["columns"] }> => {
    const file = fileOf(day);
    const path = join(dir, file);
    await writeParquet(
      db,
      await publishedSelectSql(db, "wh", "marts", table, "1", `batch_date = cast(${sqlString(day)} as date)`),
      path,
    );
    const columns = await db.query<{ column_name: string; column_type: string }>(
      `describe select * from read_parquet(${sqlString(path)})`,
    );
    const rows = days.find((d) => d.day === day)?.n ?? 0;
    return {
      part: { file, rows, bytes: (await stat(path)).size, sha256: await sha256File(path) },
      columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })),
    };
  };

  // The changed days first: their columns say whether the earlier files still fit.
  const parts = new Map<string, TablePart>();
  let columns: PublishedTable["columns"] | null = null;
  for (const { day } of days.filter((d) => d.day >= byDay.changedFrom)) {
    const written = await write(day);
    parts.set(day, written.part);
    columns ??= written.columns;
  }
  const sameColumns =
    previous !== undefined &&
    columns !== null &&
    JSON.stringify(columns) === JSON.stringify(previous.columns);
  for (const { day, n } of days.filter((d) => d.day < byDay.changedFrom)) {
    const old = sameColumns ? previousParts.get(day) : undefined;
    if (old && old.rows === n) {
      const file = fileOf(day);
      await linkOrCopy(join(dir, old.file), join(dir, file));
      parts.set(day, { ...old, file });
    } else {
      const written = await write(day);
      parts.set(day, written.part);
      columns ??= written.columns;
    }
  }
  const ordered = days.map((d) => parts.get(d.day)!);
  return {
    name: table,
    layer: "marts",
    file: ordered[0]!.file,
    rows: ordered.reduce((a, p) => a + p.rows, 0),
    bytes: ordered.reduce((a, p) => a + p.bytes, 0),
    sha256: partsSha256(ordered),
    columns: columns ?? previous?.columns ?? [],
    parts: ordered,
  };
}

/** A hard link (the file is not copied; removing the old version later leaves it), else a copy. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

/** Reads the current manifest.json of a publish folder, or null when nothing is published. */
export async function readPublishedManifest(publishPath: string): Promise<PublishManifest | null> {
  let text: string;
  try {
    text = await readFile(join(publishPath, MANIFEST_FILE), "utf8");
  } catch {
    return null;
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new SbdkError(
      "failed:publish",
      `${join(publishPath, MANIFEST_FILE)} does not match the manifest schema`,
      {
        details: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
        hint: "run the pipeline again to publish a fresh manifest",
      },
    );
  }
  return parsed.data;
}

export async function publish(input: PublishInput): Promise<PublishResult> {
  const started = performance.now();
  const { config } = input;
  const now = input.now ?? (() => new Date());
  const dir = config.publish_path;
  await mkdir(dir, { recursive: true });
  const generatedAt = now().toISOString();
  const versionDir = `${VERSION_PREFIX}${generatedAt.replace(/[-:.]/g, "").replace("T", "-")}-${process.pid}`;
  const versionPath = join(dir, versionDir);
  await rm(versionPath, { recursive: true, force: true });
  await mkdir(versionPath, { recursive: true });

  // An in-memory DuckDB reads the warehouse through a read-only attach, so publishing never
  // takes the writer's lock and can build the test-results table in memory.
  const db = await openWarehouse(":memory:");
  try {
    await db.run(`attach ${sqlString(config.duckdb_path)} as wh (read_only)`);
    const tables: PublishedTable[] = [];
    const byDayTables = input.byDay ? dayPartitionedModels(input.manifest) : new Set<string>();
    for (const layer of PUBLISHED_LAYERS) {
      const found = await db.query<{ table_name: string }>(
        `select table_name from information_schema.tables
         where table_catalog = 'wh' and table_schema = ${sqlString(layer)}
         order by table_name`,
      );
      for (const { table_name } of found) {
        const inParts =
          input.byDay && layer === "marts" && byDayTables.has(table_name)
            ? await writeDayParts(db, table_name, dir, versionDir, input.byDay)
            : null;
        if (inParts) {
          tables.push(inParts);
          input.onTable?.(inParts);
          continue;
        }
        // Ordered, so the same warehouse gives the same bytes: marts by their key (the first
        // column), the small metric tables by every column (their keys span several).
        await writeParquet(
          db,
          await publishedSelectSql(db, "wh", layer, table_name, layer === "marts" ? "1" : "all"),
          join(versionPath, `${table_name}.parquet`),
        );
        const table = await describeFile(db, table_name, layer, dir, versionDir);
        tables.push(table);
        input.onTable?.(table);
      }
    }
    if (!tables.some((t) => t.layer === "marts")) {
      throw new SbdkError("failed:publish", `the warehouse ${config.duckdb_path} has no marts to publish`, {
        hint: "run the whole pipeline (`npm run pipeline`) so dbt builds the marts first",
      });
    }

    const failures =
      (input.storedFailures ?? true) ? storedFailingRows : compiledFailingRows(config.duckdb_path);
    let testRows: TestRow[];
    try {
      testRows = await collectTestRows(db, input.manifest, input.runResults, failures);
    } finally {
      await failures.close();
    }
    await db.run(`create temp table test_results (
      unique_id varchar, test_name varchar, test_type varchar, status varchar, failures bigint,
      model varchar, column_name varchar, message varchar, execution_seconds double, failing_rows_json varchar)`);
    if (testRows.length) {
      const cols = Object.keys(testRows[0]!) as (keyof TestRow)[];
      await db.appendColumns(
        "temp.main.test_results",
        cols.map((c) => testRows.map((r) => r[c])),
      );
    }
    await writeParquet(
      db,
      "select * from test_results order by unique_id",
      join(versionPath, `${TEST_RESULTS_TABLE}.parquet`),
    );
    const testsTable = await describeFile(db, TEST_RESULTS_TABLE, "quality", dir, versionDir);
    tables.push(testsTable);
    input.onTable?.(testsTable);

    let dateRange: PublishManifest["date_range"] = null;
    try {
      const [range] = await db.query<{ start: string | null; end: string | null }>(
        `select min(date_day)::varchar as start, max(date_day)::varchar as "end" from wh.metrics.daily_metrics`,
      );
      if (range?.start && range.end) dateRange = { start: range.start, end: range.end };
    } catch {
      dateRange = null;
    }

    const manifest: PublishManifest = manifestSchema.parse({
      manifest_version: MANIFEST_VERSION,
      project: config.project,
      generated_at: generatedAt,
      seed: config.seed,
      date_range: dateRange,
      tables,
      dbt: summarizeRun(input.runResults),
      lineage: buildLineage(input.manifest, input.runResults),
    });

    await input.beforeSwap?.();
    await haltPoint("publish");
    const previous = await readPublishedManifest(dir).catch(() => null);
    const tmp = join(dir, `.${MANIFEST_FILE}.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify(manifest, null, 2) + "\n");
    await rename(tmp, join(dir, MANIFEST_FILE));
    await pruneVersions(dir, versionDir, previous);
    return { manifest, dir, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    // The new version never became current: drop it, the previous publish stays whole.
    await rm(versionPath, { recursive: true, force: true });
    throw err;
  } finally {
    db.close();
  }
}

/**
 * Keeps the current version folder and the one the previous manifest pointed at (a reader may
 * still be loading it); removes older ones, folders of killed publishes and stray temp files.
 */
async function pruneVersions(dir: string, current: string, previous: PublishManifest | null): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  const keep = new Set([current, ...(previous?.tables.map((t) => t.file.split("/")[0]) ?? [])]);
  const versions = entries
    .filter((e) => e.isDirectory() && e.name.startsWith(VERSION_PREFIX))
    .map((e) => e.name);
  for (const name of versions) {
    if (!keep.has(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
  for (const e of entries) {
    if (e.isFile() && e.name.startsWith(`.${MANIFEST_FILE}.`) && e.name.endsWith(".tmp")) {
      await rm(join(dir, e.name), { force: true });
    }
  }
}
