import "server-only";
/**
 * Typed readers of dbt's run_results.json and manifest.json: the fields sbdk uses, validated
 * with zod (dbt adds fields between versions; unknown ones are ignored).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { SbdkError } from "@/lib/shared/errors";

const timingSchema = z
  .object({ name: z.string(), started_at: z.string().nullish(), completed_at: z.string().nullish() })
  .loose();

export const runResultSchema = z
  .object({
    unique_id: z.string(),
    status: z.string(),
    execution_time: z.number(),
    message: z.string().nullish(),
    failures: z.number().nullish(),
    relation_name: z.string().nullish(),
    /** The SQL dbt ran (for a test: the query whose rows are its failures). */
    compiled_code: z.string().nullish(),
    timing: z.array(timingSchema).default([]),
  })
  .loose();

export const runResultsSchema = z
  .object({
    metadata: z
      .object({ dbt_version: z.string(), generated_at: z.string(), invocation_id: z.string() })
      .loose(),
    elapsed_time: z.number(),
    results: z.array(runResultSchema),
  })
  .loose();

export type RunResult = z.infer<typeof runResultSchema>;
export type RunResults = z.infer<typeof runResultsSchema>;

const columnSchema = z
  .object({ name: z.string(), description: z.string().default(""), data_type: z.string().nullish() })
  .loose();

export const manifestNodeSchema = z
  .object({
    unique_id: z.string(),
    resource_type: z.string(),
    name: z.string(),
    schema: z.string(),
    database: z.string().nullish(),
    alias: z.string().nullish(),
    relation_name: z.string().nullish(),
    original_file_path: z.string(),
    description: z.string().default(""),
    columns: z.record(z.string(), columnSchema).default({}),
    config: z.object({ materialized: z.string().optional() }).loose().default({}),
    depends_on: z
      .object({ nodes: z.array(z.string()).default([]) })
      .loose()
      .default({ nodes: [] }),
    column_name: z.string().nullish(),
    attached_node: z.string().nullish(),
    test_metadata: z
      .object({ name: z.string(), kwargs: z.record(z.string(), z.unknown()).default({}) })
      .loose()
      .nullish(),
  })
  .loose();

export const manifestSchema = z
  .object({
    metadata: z
      .object({ dbt_version: z.string(), generated_at: z.string(), project_name: z.string().nullish() })
      .loose(),
    nodes: z.record(z.string(), manifestNodeSchema),
    sources: z
      .record(z.string(), z.object({ unique_id: z.string(), name: z.string(), schema: z.string() }).loose())
      .default({}),
  })
  .loose();

export type ManifestNode = z.infer<typeof manifestNodeSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

async function readJson<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new SbdkError("missing:dbt", `dbt's ${what} was not found at ${file}`, {
      hint: "run the pipeline (`npm run pipeline`) so dbt writes it",
      cause: err,
    });
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new SbdkError("failed:dbt", `dbt's ${what} at ${file} has an unexpected shape`, {
      details: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
      hint: "check the dbt version in requirements.lock (sbdk reads dbt 1.11 artifacts)",
    });
  }
  return parsed.data;
}

export function readRunResults(targetDir: string): Promise<RunResults> {
  return readJson(join(targetDir, "run_results.json"), runResultsSchema, "run_results.json");
}

export function readManifest(targetDir: string): Promise<Manifest> {
  return readJson(join(targetDir, "manifest.json"), manifestSchema, "manifest.json");
}

/** Splits a relation name like `"sbdk"."marts"."fct_sessions"` into its parts. */
export function parseRelationName(relation: string): {
  database: string | null;
  schema: string;
  name: string;
} {
  const parts = [...relation.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)].map((m) =>
    (m[1] ?? m[2] ?? "").replace(/""/g, '"'),
  );
  if (parts.length === 3) return { database: parts[0] ?? null, schema: parts[1] ?? "", name: parts[2] ?? "" };
  if (parts.length === 2) return { database: null, schema: parts[0] ?? "", name: parts[1] ?? "" };
  throw new SbdkError("failed:dbt", `cannot read the relation name ${relation}`);
}
