/**
 * What a pipeline run reports while it works: stages starting and finishing, each simulated
 * day loaded, each dbt node built or tested, each Parquet file published. The pipeline emits
 * these, the CLI prints them, a run's history keeps them (events.ndjson) and the browser
 * draws its live run panel from them, so their shape lives here, on both sides of the wire.
 */
import { z } from "zod";
import { publishedTableSchema } from "./manifest";

export const PIPELINE_STAGES = ["generate", "load", "dbt", "publish"] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

const dbtResourceTypeSchema = z.enum(["model", "test", "seed", "snapshot", "source", "unit_test", "other"]);
export type DbtResourceType = z.infer<typeof dbtResourceTypeSchema>;

export const dbtProgressEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("parsed"), stats: z.string() }),
  z.object({
    type: z.literal("started"),
    uniqueId: z.string(),
    resourceType: dbtResourceTypeSchema,
    name: z.string(),
    index: z.number(),
    total: z.number(),
  }),
  z.object({
    type: z.literal("finished"),
    uniqueId: z.string(),
    resourceType: dbtResourceTypeSchema,
    name: z.string(),
    /** dbt's status: success, error, skipped for models; pass, fail, warn, error for tests. */
    status: z.string(),
    index: z.number(),
    total: z.number(),
    seconds: z.number(),
    failures: z.number().nullable(),
  }),
  z.object({
    type: z.literal("summary"),
    pass: z.number(),
    warn: z.number(),
    error: z.number(),
    skip: z.number(),
    total: z.number(),
  }),
  z.object({ type: z.literal("log"), level: z.string(), message: z.string() }),
]);
export type DbtProgressEvent = z.infer<typeof dbtProgressEventSchema>;

/** Counts of a dbt build so far, folded from progress events. */
export const dbtProgressSchema = z.object({
  total: z.number(),
  done: z.number(),
  modelsBuilt: z.number(),
  modelsFailed: z.number(),
  testsPassed: z.number(),
  testsFailed: z.number(),
  testsWarned: z.number(),
  skipped: z.number(),
  current: z.string().nullable(),
});
export type DbtProgress = z.infer<typeof dbtProgressSchema>;

export const pipelineEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("stage"),
    stage: z.enum(PIPELINE_STAGES),
    status: z.enum(["started", "finished"]),
    seconds: z.number().optional(),
  }),
  z.object({
    type: z.literal("day"),
    day: z.number().int(),
    days: z.number().int(),
    date: z.string(),
    rows: z.number(),
    generateSeconds: z.number(),
    loadSeconds: z.number(),
  }),
  z.object({ type: z.literal("dbt"), event: dbtProgressEventSchema, progress: dbtProgressSchema }),
  z.object({ type: z.literal("table"), table: publishedTableSchema }),
]);
export type PipelineEvent = z.infer<typeof pipelineEventSchema>;
