import "server-only";
/**
 * The history as the process that executes a run writes it: it takes the run's record (a new
 * one, or the one the server queued), marks it running, keeps every event and log line, and
 * closes the record with the run's summary or the reason it failed.
 */
import type { Config } from "@/lib/shared/config";
import { SbdkError, isSbdkError } from "@/lib/shared/errors";
import type { PipelineEvent } from "@/lib/shared/pipeline-events";
import {
  finishRunProgress,
  stepRunProgress,
  type RunError,
  type RunParams,
  type RunRecord,
  type RunSummary,
  type RunTrigger,
} from "@/lib/shared/runs";
import { readLock } from "../lock";
import type { PipelineResult } from "../pipeline";
import { notFound, type RunStore } from "./store";

export interface RunRecorder {
  /** The record as last written. */
  readonly run: RunRecord;
  event(event: PipelineEvent): void;
  log(line: string): void;
  succeed(result: PipelineResult, exitCode: number): RunRecord;
  fail(err: unknown, exitCode: number): RunRecord;
}

export interface StartRecordOptions {
  store: RunStore;
  /** The config the run uses (its params already applied). */
  config: Config;
  trigger: RunTrigger;
  params: RunParams;
  /** The record the server queued for this process; without it a new record is made. */
  runId?: string;
  pid?: number;
  now?: () => Date;
}

/** A run's figures for the runs page, from the pipeline's result. */
export function summarizeResult(result: PipelineResult): RunSummary {
  const { manifest } = result.publish;
  return {
    raw_rows: Object.values(result.raw.rows).reduce((a, b) => a + b, 0),
    users: result.raw.users,
    date_range: result.raw.dateRange,
    dbt_version: result.dbt.dbt_version,
    models: result.dbt.models,
    tests: result.dbt.tests,
    failed_tests: result.failedTests.slice(0, 20),
    publish: {
      generated_at: manifest.generated_at,
      version: manifest.tables[0]?.file.split("/")[0] ?? "",
      tables: manifest.tables.length,
      bytes: manifest.tables.reduce((a, t) => a + t.bytes, 0),
    },
    timings: result.timings,
  };
}

export function runErrorOf(err: unknown): RunError {
  if (isSbdkError(err)) {
    const json = err.toJSON();
    return {
      code: json.code,
      message: json.message,
      ...(json.hint ? { hint: json.hint } : {}),
      ...(json.details ? { details: json.details.slice(0, 30) } : {}),
    };
  }
  return {
    code: "failed:pipeline",
    message: err instanceof Error ? err.message : String(err),
    hint: "this is a bug in sbdk; the log of the run has the details",
  };
}

/** Closes a queued record that could not start (its params no longer fit the config, say). */
export function failQueuedRun(
  store: RunStore,
  id: string,
  err: unknown,
  exitCode: number,
  now = new Date(),
): void {
  const record = store.readRaw(id);
  if (!record || record.status !== "queued") return;
  store.appendLog(id, isSbdkError(err) ? err.format() : String(err));
  store.write({
    ...record,
    status: "failed",
    error: runErrorOf(err),
    progress: finishRunProgress(record.progress, "failed"),
    finished: now.toISOString(),
    duration_seconds: 0,
    exit_code: exitCode,
  });
}

/**
 * Takes the record of a run about to start and marks it running. A new record is only made
 * when the warehouse is free: a run refused at the door leaves no history.
 */
export function startRecordedRun(options: StartRecordOptions): RunRecorder {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  const pid = options.pid ?? process.pid;
  let record: RunRecord;
  if (options.runId) {
    const queued = store.readRaw(options.runId);
    if (!queued) throw notFound(options.runId);
    if (queued.status !== "queued") {
      throw new SbdkError("conflict:runs", `run ${queued.id} is already ${queued.status}`, {
        hint: "start a new run instead",
      });
    }
    record = queued;
  } else {
    const holder = readLock(config.duckdb_path);
    if (holder) {
      throw new SbdkError(
        "conflict:pipeline",
        `a run is in progress (${holder.job}, started at ${holder.started_at}, pid ${holder.pid})`,
        { hint: "wait for it to finish, or stop it; only one job writes the warehouse at a time" },
      );
    }
    record = store.create({ trigger: options.trigger, params: options.params, pid });
  }

  const started = now();
  record = {
    ...record,
    status: "running",
    started: started.toISOString(),
    pid,
    settings: {
      seed: config.seed,
      users: config.users,
      days: config.days,
      start_date: config.start_date,
      scale: config.scale,
    },
  };
  store.write(record);

  const finish = (patch: Partial<RunRecord> & Pick<RunRecord, "status">, exitCode: number): RunRecord => {
    const finished = now();
    record = {
      ...record,
      ...patch,
      progress: finishRunProgress(record.progress, patch.status),
      finished: finished.toISOString(),
      duration_seconds: Math.round(finished.getTime() - started.getTime()) / 1000,
      exit_code: exitCode,
    };
    store.write(record);
    return record;
  };

  return {
    get run() {
      return record;
    },
    event(event) {
      store.appendEvent(record.id, event);
      record = { ...record, progress: stepRunProgress(record.progress, event) };
      // The record follows stage boundaries, so the runs list shows where a run is.
      if (event.type === "stage") store.write(record);
    },
    log(line) {
      store.appendLog(record.id, line);
    },
    succeed(result, exitCode) {
      return finish({ status: "succeeded", summary: summarizeResult(result), error: null }, exitCode);
    },
    fail(err, exitCode) {
      const error = runErrorOf(err);
      store.appendLog(
        record.id,
        isSbdkError(err)
          ? err.format()
          : `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return finish({ status: "failed", error }, exitCode);
    },
  };
}
