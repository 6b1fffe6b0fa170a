import "server-only";
/**
 * The history as the process that executes a run writes it: it takes the run's record (a new
 * one, or the one the server queued), marks it running, keeps every event and log line, and
 * closes the record with the run's summary or the reason it failed. `sbdk run` records a
 * pipeline run, `sbdk simulate` a simulation job.
 */
import type { Config } from "@/lib/shared/config";
import { SbdkError, isSbdkError } from "@/lib/shared/errors";
import type { PipelineEvent } from "@/lib/shared/pipeline-events";
import {
  finishRunProgress,
  stepRunProgress,
  stepSimulationRunProgress,
  type PipelineRunRecord,
  type RunError,
  type RunParams,
  type RunRecord,
  type RunRequest,
  type RunStatus,
  type RunSummary,
  type RunTrigger,
  type SimulationRunRecord,
} from "@/lib/shared/runs";
import {
  stepSimulationJobProgress,
  type SimulationEvent,
  type SimulationJobParams,
  type SimulationJobSummary,
} from "@/lib/shared/simulation";
import { readLock } from "../lock";
import type { PipelineResult } from "../pipeline";
import { notFound, type RunStore } from "./store";

interface Recorder<R extends RunRecord, E, S> {
  /** The record as last written. */
  readonly run: R;
  event(event: E): void;
  log(line: string): void;
  succeed(summary: S, exitCode: number): R;
  /** Closes the record as failed, or as interrupted when the job was stopped on purpose. */
  fail(err: unknown, exitCode: number, status?: Extract<RunStatus, "failed" | "interrupted">): R;
}

export type RunRecorder = Recorder<PipelineRunRecord, PipelineEvent, PipelineResult>;
export type SimulationRecorder = Recorder<SimulationRunRecord, SimulationEvent, SimulationJobSummary>;

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

export type StartSimulationRecordOptions = Omit<StartRecordOptions, "params"> & {
  params: SimulationJobParams;
};

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
function openRecord(options: Omit<StartRecordOptions, "params">, request: RunRequest): RunRecord {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  const pid = options.pid ?? process.pid;
  let record: RunRecord;
  if (options.runId) {
    const queued = store.readRaw(options.runId);
    if (!queued) throw notFound(options.runId);
    if (queued.kind !== request.kind) {
      throw new SbdkError(
        "invalid:runs",
        `run ${queued.id} is a ${queued.kind === "simulation" ? "simulation job" : "pipeline run"}`,
        {
          hint: `execute it with \`sbdk ${queued.kind === "simulation" ? "simulate" : "run"} --run-id ${queued.id}\``,
        },
      );
    }
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
    record = store.create({ trigger: options.trigger, request, pid });
  }
  record = {
    ...record,
    status: "running",
    started: now().toISOString(),
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
  return record;
}

function recorderOf<R extends RunRecord, E, S>(
  options: Omit<StartRecordOptions, "params">,
  first: R,
  step: (record: R, event: E) => { record: R; write: boolean },
  summarize: (summary: S) => R["summary"],
): Recorder<R, E, S> {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  let record = first;
  const started = Date.parse(record.started ?? now().toISOString());

  const finish = (
    patch: { status: RunStatus; error: RunError | null; summary?: R["summary"] },
    exitCode: number,
  ): R => {
    const finished = now();
    record = {
      ...record,
      ...patch,
      progress: finishRunProgress(record.progress, patch.status),
      finished: finished.toISOString(),
      duration_seconds: Math.round(finished.getTime() - started) / 1000,
      exit_code: exitCode,
    } as R;
    store.write(record);
    return record;
  };

  return {
    get run() {
      return record;
    },
    event(event) {
      store.appendEvent(record.id, event as PipelineEvent | SimulationEvent);
      const next = step(record, event);
      record = next.record;
      // The record follows stage boundaries, so the runs list shows where a run is.
      if (next.write) store.write(record);
    },
    log(line) {
      store.appendLog(record.id, line);
    },
    succeed(summary, exitCode) {
      return finish({ status: "succeeded", summary: summarize(summary), error: null }, exitCode);
    },
    fail(err, exitCode, status = "failed") {
      const error = runErrorOf(err);
      store.appendLog(
        record.id,
        isSbdkError(err)
          ? err.format()
          : `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return finish({ status, error }, exitCode);
    },
  };
}

/** Starts recording a pipeline run (see openRecord). */
export function startRecordedRun(options: StartRecordOptions): RunRecorder {
  const record = openRecord(options, { kind: "pipeline", params: options.params });
  if (record.kind !== "pipeline") throw new Error("expected a pipeline run's record");
  return recorderOf<PipelineRunRecord, PipelineEvent, PipelineResult>(
    options,
    record,
    (r, event) => ({
      record: { ...r, progress: stepRunProgress(r.progress, event) },
      write: event.type === "stage",
    }),
    summarizeResult,
  );
}

/**
 * Starts recording a simulation job (see openRecord). Its record follows the day under way:
 * its five stages, which day, how many are done; the settings become the simulation's own
 * (seed, base users, start date) once it starts.
 */
export function startRecordedSimulation(options: StartSimulationRecordOptions): SimulationRecorder {
  const record = openRecord(options, { kind: "simulation", params: options.params });
  if (record.kind !== "simulation") throw new Error("expected a simulation job's record");
  return recorderOf<SimulationRunRecord, SimulationEvent, SimulationJobSummary>(
    options,
    record,
    (r, event) => {
      const next: SimulationRunRecord = {
        ...r,
        progress: stepSimulationRunProgress(r.progress, event),
        simulation: stepSimulationJobProgress(r.simulation, event),
      };
      if (event.type === "start") {
        next.settings = {
          seed: event.seed,
          users: event.baseUsers,
          scale: 1,
          days: event.toDay - event.fromDay + 1,
          start_date: event.startDate,
        };
      }
      return {
        record: next,
        write: ["start", "day-started", "stage", "day", "pause"].includes(event.type),
      };
    },
    (summary) => summary,
  );
}
