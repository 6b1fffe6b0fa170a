/**
 * Turns dbt's structured JSON log lines (`--log-format json`) into the progress events sbdk
 * shows: a node started, a model built, a test passed or failed, the run's totals.
 * Pure: no I/O, shared by the CLI progress bar and the web app's live run view.
 */
import { z } from "zod";
import type { DbtProgress, DbtProgressEvent, DbtResourceType } from "@/lib/shared/pipeline-events";

export type { DbtProgress, DbtProgressEvent, DbtResourceType };

const lineSchema = z.object({
  info: z.object({ name: z.string(), level: z.string(), msg: z.string().optional() }),
  data: z.record(z.string(), z.unknown()).optional(),
});

const nodeInfoSchema = z
  .object({
    unique_id: z.string(),
    node_name: z.string().optional(),
    resource_type: z.string().optional(),
    node_status: z.string().optional(),
  })
  .loose();

function resourceTypeOf(uniqueId: string): DbtResourceType {
  const kind = uniqueId.split(".")[0];
  switch (kind) {
    case "model":
    case "test":
    case "seed":
    case "snapshot":
    case "source":
    case "unit_test":
      return kind;
    default:
      return "other";
  }
}

function num(value: unknown, fallback = 0): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** Parses one line of dbt output. Non-JSON lines become plain log events; noise is dropped. */
export function parseDbtLogLine(line: string): DbtProgressEvent | null {
  const trimmed = line.trim();
  if (!trimmed) return null;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { type: "log", level: "info", message: trimmed };
  }
  if (!lineSchema.safeParse(json).success) return { type: "log", level: "info", message: trimmed };
  return parseDbtLogEvent(json);
}

/**
 * Turns one dbt event, as an object in the shape of a JSON log line ({ info, data }), into a
 * progress event (null for noise). The dbt worker sends events in this shape.
 */
export function parseDbtLogEvent(json: unknown): DbtProgressEvent | null {
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) return null;
  const { info, data = {} } = parsed.data;
  const nodeInfo = nodeInfoSchema.safeParse(data.node_info);

  switch (info.name) {
    case "FoundStats":
      return { type: "parsed", stats: String(data.stat_line ?? "") };
    case "LogStartLine": {
      if (!nodeInfo.success) return null;
      const id = nodeInfo.data.unique_id;
      return {
        type: "started",
        uniqueId: id,
        resourceType: resourceTypeOf(id),
        name: nodeInfo.data.node_name ?? id,
        index: num(data.index),
        total: num(data.total),
      };
    }
    case "LogModelResult":
    case "LogTestResult":
    case "LogSeedResult":
    case "LogSnapshotResult": {
      if (!nodeInfo.success) return null;
      const id = nodeInfo.data.unique_id;
      const status = String(data.status ?? nodeInfo.data.node_status ?? "unknown").toLowerCase();
      return {
        type: "finished",
        uniqueId: id,
        resourceType: resourceTypeOf(id),
        name: nodeInfo.data.node_name ?? id,
        status: status === "ok" ? "success" : status,
        index: num(data.index),
        total: num(data.total ?? data.num_models),
        seconds: num(data.execution_time),
        failures: typeof data.num_failures === "number" ? data.num_failures : null,
      };
    }
    case "LogSkipBecauseError": {
      if (!nodeInfo.success) return null;
      const id = nodeInfo.data.unique_id;
      return {
        type: "finished",
        uniqueId: id,
        resourceType: resourceTypeOf(id),
        name: nodeInfo.data.node_name ?? id,
        status: "skipped",
        index: num(data.index),
        total: num(data.total),
        seconds: 0,
        failures: null,
      };
    }
    case "StatsLine": {
      const stats = z
        .object({
          pass: z.number(),
          warn: z.number(),
          error: z.number(),
          skip: z.number(),
          total: z.number(),
        })
        .loose()
        .safeParse(data.stats);
      if (!stats.success) return null;
      const { pass, warn, error, skip, total } = stats.data;
      return { type: "summary", pass, warn, error, skip, total };
    }
    default: {
      const message = (info.msg ?? (typeof data.msg === "string" ? data.msg : "")).trim();
      if (info.level === "error" || info.level === "warn") {
        return message ? { type: "log", level: info.level, message } : null;
      }
      return null;
    }
  }
}

export function emptyProgress(): DbtProgress {
  return {
    total: 0,
    done: 0,
    modelsBuilt: 0,
    modelsFailed: 0,
    testsPassed: 0,
    testsFailed: 0,
    testsWarned: 0,
    skipped: 0,
    current: null,
  };
}

export function foldProgress(progress: DbtProgress, event: DbtProgressEvent): DbtProgress {
  switch (event.type) {
    case "started":
      return { ...progress, total: Math.max(progress.total, event.total), current: event.name };
    case "finished": {
      const next = { ...progress, done: progress.done + 1, total: Math.max(progress.total, event.total) };
      if (event.status === "skipped") next.skipped += 1;
      else if (event.resourceType === "test") {
        if (event.status === "pass") next.testsPassed += 1;
        else if (event.status === "warn") next.testsWarned += 1;
        else next.testsFailed += 1;
      } else if (event.status === "success") next.modelsBuilt += 1;
      else next.modelsFailed += 1;
      return next;
    }
    default:
      return progress;
  }
}
