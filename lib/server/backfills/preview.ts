import "server-only";
/**
 * The dry run of a backfill: what an apply would change, read from the warehouse opened
 * read-only (nothing is written, not even DuckDB's file header) and from dbt's manifest.json.
 * The new values come from dbt's view backfills.backfill_candidates, which computes every
 * backfill from its mart with the backfill's own macro, so the preview shows exactly what the
 * apply's dbt build will write.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "@/lib/shared/config";
import {
  backfillDbtFiles,
  backfillTestName,
  DEFAULT_BATCH_DAYS,
  findBackfill,
  histogramEdges,
  planBatches,
  previewSchema,
  type BackfillDefinition,
  type BackfillPreview,
  type BackfillStatus,
  type Distribution,
} from "@/lib/shared/backfills";
import { SbdkError } from "@/lib/shared/errors";
import { readManifest, type Manifest } from "@/lib/server/dbt/artifacts";
import { dbtStateDirs } from "@/lib/server/dbt/runner";
import { readPublishedManifest } from "@/lib/server/publish";
import type { SqlValue, Warehouse } from "@/lib/server/warehouse/duckdb";
import { readApplies } from "./log";
import { BACKFILLS_SCHEMA, MARTS_SCHEMA, openForReading, readBackfillStatus, relationExists } from "./status";

const CANDIDATES = `${BACKFILLS_SCHEMA}.backfill_candidates`;
const SAMPLES_PER_STRATUM = 2;
const HISTOGRAM_BINS = 10;

/** Seconds assumed when no apply has been timed yet. */
export const DEFAULT_TIMINGS = { start: 8, batch: 2.5, final: 20, publish: 2 } as const;

export interface PreviewOptions {
  batchDays?: number;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function cell(value: SqlValue | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return Number(value);
  return JSON.stringify(value);
}

export async function previewBackfill(
  config: Config,
  name: string,
  options: PreviewOptions = {},
): Promise<BackfillPreview> {
  const definition = findBackfill(name);
  const batchDays = options.batchDays ?? DEFAULT_BATCH_DAYS;
  const db = await openForReading(config.duckdb_path);
  try {
    const status = await readBackfillStatus(db, definition);
    if (status.state === "no_data") {
      throw new SbdkError(
        "missing:backfill",
        `the warehouse has no ${definition.model} rows to backfill yet`,
        {
          hint: "run the pipeline first (`npm run pipeline` or `npx sbdk simulate`)",
        },
      );
    }
    if (!(await relationExists(db, BACKFILLS_SCHEMA, "backfill_candidates"))) {
      throw new SbdkError(
        "missing:backfill",
        `the warehouse has no ${CANDIDATES} view: it was built before this version's backfills`,
        {
          hint: "run the pipeline (`npm run pipeline`) or a simulated day so dbt builds the backfill models",
        },
      );
    }
    const distribution = await readDistribution(db, definition);
    const bins = distribution.kind === "number" ? distribution.bins : null;
    const { samples, sampleOf, changedFilledRows, nullAfter } = await readSamples(
      db,
      definition,
      status,
      bins,
    );
    const manifest = await readManifest(dbtStateDirs(config).targetPath);
    const affectedDays = status.missing.flatMap((r) => expand(r.start, r.days));
    const perDay = await missingRowsPerDay(db, definition, status);
    const batches = planBatches(
      affectedDays.map((day) => ({ day, rows: perDay.get(day) ?? 0 })),
      batchDays,
    );
    const estimate = await estimateSeconds(db, config, batches.length, batchDays);
    const files = backfillDbtFiles(definition);
    const source = await readFile(join(config.dbt_path, files.macro), "utf8").catch(() => "");
    return previewSchema.parse({
      backfill: definition.name,
      model: definition.model,
      column: definition.column,
      key: definition.key,
      status,
      affected: {
        days: affectedDays.length,
        rows: status.rows - status.filledRows,
        ranges: status.missing,
      },
      nullShare: {
        before: status.rows ? (status.rows - status.filledRows) / status.rows : 0,
        after: status.rows ? nullAfter / status.rows : 0,
      },
      changedFilledRows,
      samples,
      sampleOf,
      distribution,
      dbt: dbtPlan(manifest, definition),
      estimate,
      code: { file: files.macro, source },
    });
  } finally {
    db.close();
  }
}

function expand(start: string, days: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  for (let i = 0; i < days; i++) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

async function missingRowsPerDay(
  db: Warehouse,
  definition: BackfillDefinition,
  status: BackfillStatus,
): Promise<Map<string, number>> {
  if (status.missing.length === 0) return new Map();
  const filled = status.columnExists ? `count(${ident(definition.column)})` : "0";
  const rows = await db.query<{ day: string; n: number }>(
    `select batch_date::varchar as day, (count(*) - ${filled})::bigint as n
     from ${MARTS_SCHEMA}.${ident(definition.model)} group by batch_date`,
  );
  return new Map(rows.map((r) => [r.day, r.n]));
}

/** The candidates' column that holds the backfill's value. */
function valueColumn(definition: BackfillDefinition): string {
  return definition.value.kind === "number" ? "number_value" : "category_value";
}

async function readDistribution(db: Warehouse, definition: BackfillDefinition): Promise<Distribution> {
  const where = `where backfill_name = $name`;
  if (definition.value.kind === "category") {
    const rows = await db.query<{ value: string | null; n: number }>(
      `select category_value as value, count(*)::bigint as n from ${CANDIDATES} ${where} group by 1`,
      { name: definition.name },
    );
    const order = definition.value.values as readonly string[];
    const categories = rows
      .filter((r): r is { value: string; n: number } => r.value !== null)
      .map((r) => ({ value: r.value, count: r.n }))
      .sort((a, b) => rank(order, a.value) - rank(order, b.value) || a.value.localeCompare(b.value));
    return { kind: "category", count: categories.reduce((n, c) => n + c.count, 0), categories };
  }
  const [stats] = await db.query<{ n: number; lo: number | null; hi: number | null; mean: number | null }>(
    `select count(number_value)::bigint as n, min(number_value) as lo, max(number_value) as hi,
            avg(number_value) as mean
     from ${CANDIDATES} ${where}`,
    { name: definition.name },
  );
  const domain = definition.value.histogram ?? { min: 0, max: Math.max(stats?.hi ?? 0, 1) };
  const edges = histogramEdges(domain.min, domain.max, HISTOGRAM_BINS);
  const counts = await db.query<{ bin: number; n: number }>(
    `select ${binSql("number_value", edges)} as bin, count(*)::bigint as n
     from ${CANDIDATES} ${where} and number_value is not null group by 1`,
    { name: definition.name },
  );
  const byBin = new Map(counts.map((c) => [c.bin, c.n]));
  const bins = Array.from({ length: edges.bins }, (_, i) => ({
    start: round(edges.start + i * edges.width),
    end: round(edges.start + (i + 1) * edges.width),
    count: byBin.get(i) ?? 0,
  }));
  return {
    kind: "number",
    count: stats?.n ?? 0,
    min: stats?.lo ?? null,
    max: stats?.hi ?? null,
    mean: stats?.mean === null || stats?.mean === undefined ? null : round(stats.mean, 6),
    bins,
  };
}

function rank(order: readonly string[], value: string): number {
  const i = order.indexOf(value);
  return i === -1 ? order.length : i;
}

function round(n: number, digits = 10): number {
  return Number(n.toFixed(digits));
}

/** A value's bin 0 … bins−1 (values past either end go to the first or last bin). */
function binSql(column: string, edges: { start: number; width: number; bins: number }): string {
  // The small epsilon keeps 0.3 / 0.1 = 2.999… in bin 3.
  return `least(greatest(floor((${column} - ${edges.start}) / ${edges.width} + 1e-9), 0), ${edges.bins - 1})::integer`;
}

/**
 * Sample rows, a couple per histogram bin or category so that rare values show too, taken from
 * the rows an apply would fill (or from every row when none is left), in a fixed pseudo-random
 * order. Also: filled rows whose value would change, and rows that would stay without a value.
 */
async function readSamples(
  db: Warehouse,
  definition: BackfillDefinition,
  status: BackfillStatus,
  bins: readonly { start: number; end: number }[] | null,
): Promise<{
  samples: BackfillPreview["samples"];
  sampleOf: number;
  changedFilledRows: number;
  nullAfter: number;
}> {
  const value = valueColumn(definition);
  const old = status.columnExists ? `m.${ident(definition.column)}` : "null";
  const context = definition.context.map((c) => `m.${ident(c)} as ${ident(`ctx_${c}`)}`).join(", ");
  const first = bins?.[0];
  const width = first ? first.end - first.start : 1;
  const stratum =
    bins && first
      ? binSql("c.new_value", { start: first.start, width, bins: bins.length })
      : `coalesce(c.new_value::varchar, '')`;
  const differs =
    definition.value.kind === "number"
      ? `abs(c.old_value - c.new_value) > 1e-9`
      : `c.old_value is distinct from c.new_value`;
  const joined = `
    with c0 as (
      select row_key, batch_date, ${value} as new_value
      from ${CANDIDATES} where backfill_name = $name
    ),
    c as (
      select c0.*, ${old} as old_value${context ? `, ${context}` : ""}
      from c0 join ${MARTS_SCHEMA}.${ident(definition.model)} as m on m.${ident(definition.key)} = c0.row_key
    )`;
  const [counts] = await db.query<{ unfilled: number; changed: number; null_after: number }>(
    `${joined}
     select count(*) filter (where old_value is null)::bigint as unfilled,
            count(*) filter (where old_value is not null and ${differs})::bigint as changed,
            count(*) filter (where new_value is null)::bigint as null_after
     from c`,
    { name: definition.name },
  );
  const unfilled = counts?.unfilled ?? 0;
  const pool = unfilled > 0 ? "where old_value is null" : "";
  const rows = await db.query(
    `${joined},
     ranked as (
       select c.*, ${stratum} as stratum,
              row_number() over (partition by ${stratum} order by hash(row_key), row_key) as rn
       from c ${pool}
     )
     select * from ranked where rn <= ${SAMPLES_PER_STRATUM} order by stratum, row_key`,
    { name: definition.name },
  );
  const samples = rows.map((r) => ({
    key: Number(r.row_key),
    batchDate: String(r.batch_date),
    old: cell(r.old_value),
    new: cell(r.new_value),
    context: Object.fromEntries(definition.context.map((c) => [c, cell(r[`ctx_${c}`])])),
  }));
  return {
    samples,
    sampleOf: unfilled > 0 ? unfilled : status.rows,
    changedFilledRows: counts?.changed ?? 0,
    nullAfter: counts?.null_after ?? 0,
  };
}

/** What an apply runs, by dbt's manifest: the batch's models and test, what is downstream. */
export function dbtPlan(manifest: Manifest, definition: BackfillDefinition): BackfillPreview["dbt"] {
  const nodes = Object.values(manifest.nodes);
  const models = nodes.filter((n) => n.resource_type === "model");
  const tests = nodes.filter((n) => n.resource_type === "test");
  const mart = models.find((n) => n.name === definition.model);
  const testName = backfillTestName(definition.name);
  if (!mart || !models.some((n) => n.name === "backfill_days") || !tests.some((t) => t.name === testName)) {
    throw new SbdkError(
      "missing:backfill",
      `dbt's manifest.json has no ${!mart ? definition.model : !tests.some((t) => t.name === testName) ? `test ${testName}` : "backfill_days"}`,
      { hint: "run the pipeline or a simulated day so dbt parses this version of the project" },
    );
  }
  const children = new Map<string, string[]>();
  for (const model of models) {
    for (const parent of model.depends_on.nodes) {
      children.set(parent, [...(children.get(parent) ?? []), model.unique_id]);
    }
  }
  const downstream = new Set<string>();
  const stack = [...(children.get(mart.unique_id) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (downstream.has(id)) continue;
    downstream.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  const nameOf = (id: string) => manifest.nodes[id]?.name ?? id;
  return {
    batchModels: ["backfill_days", definition.model],
    batchTest: testName,
    downstreamModels: [...downstream].map(nameOf).sort(),
    downstreamTests: tests
      .filter((t) => t.depends_on.nodes.some((d) => downstream.has(d)))
      .map((t) => t.name)
      .sort(),
    projectModels: models.length,
    projectTests: tests.length,
  };
}

/**
 * The time an apply would take: dbt's start, the batches, the project's run and tests, the
 * publish. From the last apply's timings when there is one; else from defaults, with the last
 * build's time (from the publish) for the run and tests.
 */
async function estimateSeconds(
  db: Warehouse,
  config: Config,
  batches: number,
  batchDays: number,
): Promise<BackfillPreview["estimate"]> {
  const timed = (await readApplies(db, { limit: 20 })).find(
    (a) => a.status === "succeeded" && a.batches > 0 && a.batch_seconds !== null && a.final_seconds !== null,
  );
  let parts: { start: number; batch: number; final: number; publish: number };
  let basis: string;
  if (timed) {
    parts = {
      start: timed.dbt_start_seconds ?? DEFAULT_TIMINGS.start,
      batch: (timed.batch_seconds ?? 0) / timed.batches,
      final: timed.final_seconds ?? DEFAULT_TIMINGS.final,
      publish: timed.publish_seconds ?? DEFAULT_TIMINGS.publish,
    };
    basis = `the timings of the last apply (${timed.id}, ${timed.backfill})`;
  } else {
    const published = await readPublishedManifest(config.publish_path).catch(() => null);
    const lastBuild = published?.dbt.elapsed_seconds;
    parts = { ...DEFAULT_TIMINGS, final: lastBuild ?? DEFAULT_TIMINGS.final };
    basis =
      lastBuild !== undefined
        ? "defaults, and the last published build's time for the project's run and tests"
        : "defaults (no apply or build timed yet)";
  }
  const batchSeconds = batches * parts.batch;
  const needsWork = batches > 0;
  const seconds = needsWork ? parts.start + batchSeconds + parts.final + parts.publish : 0;
  return {
    seconds: round(seconds, 1),
    batches,
    batchDays,
    startSeconds: needsWork ? round(parts.start, 1) : 0,
    batchSeconds: round(batchSeconds, 1),
    finalSeconds: needsWork ? round(parts.final, 1) : 0,
    publishSeconds: needsWork ? round(parts.publish, 1) : 0,
    basis,
  };
}
