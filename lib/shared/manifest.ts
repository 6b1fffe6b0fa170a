/**
 * manifest.json of a publish: the tables (Parquet files) with row counts, sizes and
 * checksums, the dbt summary and lineage. One schema, used by the publisher to write it and
 * by the browser to read it.
 */
import { z } from "zod";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_VERSION = 1;

/**
 * A slice of a table's rows in its own Parquet file: the static site splits files over 25 MB,
 * and the simulation publishes the marts dbt keeps by day as one file per day.
 */
export const tablePartSchema = z.object({
  file: z.string(),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const publishedTableSchema = z.object({
  name: z.string(),
  /** marts, metrics or quality (dbt test results). */
  layer: z.enum(["marts", "metrics", "quality"]),
  /** Path of the Parquet file relative to manifest.json (with parts: of the first part). */
  file: z.string(),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Of the file; of a table published in parts, of its parts' sha256s, one per line. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  /** When present, the rows are in these files (in order) instead of `file`. */
  parts: z.array(tablePartSchema).optional(),
});

export const lineageNodeSchema = z.object({
  id: z.string(),
  name: z.string(),
  resource_type: z.enum(["model", "source"]),
  layer: z.string(),
  materialized: z.string().nullable(),
  depends_on: z.array(z.string()),
  status: z.string().nullable(),
  seconds: z.number().nullable(),
});

export const dbtSummarySchema = z.object({
  dbt_version: z.string(),
  invocation_id: z.string(),
  elapsed_seconds: z.number(),
  models: z.object({
    total: z.number().int(),
    built: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
  }),
  tests: z.object({
    total: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    warned: z.number().int(),
    skipped: z.number().int(),
  }),
});

export const manifestSchema = z.object({
  manifest_version: z.literal(MANIFEST_VERSION),
  project: z.string(),
  generated_at: z.string(),
  seed: z.number().int(),
  date_range: z.object({ start: z.string(), end: z.string() }).nullable(),
  tables: z.array(publishedTableSchema),
  dbt: dbtSummarySchema,
  lineage: z.array(lineageNodeSchema),
});

export type PublishedTable = z.infer<typeof publishedTableSchema>;
export type TablePart = z.infer<typeof tablePartSchema>;
export type LineageNode = z.infer<typeof lineageNodeSchema>;
export type DbtSummary = z.infer<typeof dbtSummarySchema>;
export type PublishManifest = z.infer<typeof manifestSchema>;
