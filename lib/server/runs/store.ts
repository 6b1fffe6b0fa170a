import "server-only";
/**
 * The history of runs (pipeline runs and simulation jobs), beside the warehouse: one folder per
 * run in `<folder of duckdb_path>/runs/<id>/` with run.json (the record, replaced whole by
 * rename), events.ndjson (every event of the job, one per line: pipeline events or simulation
 * events, by the record's kind) and log.txt (what the run printed). A record still marked
 * queued or running whose process is gone reads as interrupted. The history keeps the newest
 * RUNS_KEPT runs: creating a run deletes the oldest finished ones beyond that.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import { pipelineEventSchema, type PipelineEvent } from "@/lib/shared/pipeline-events";
import {
  emptyRunProgress,
  finishRunProgress,
  isFinished,
  isRunId,
  newRunId,
  runRecordSchema,
  type RunParams,
  type RunRecord,
  type RunRequest,
  type RunTrigger,
} from "@/lib/shared/runs";
import {
  emptySimulationJobProgress,
  simulationEventSchema,
  type SimulationEvent,
} from "@/lib/shared/simulation";
import { isAlive } from "../lock";

export const RUN_FILE = "run.json";
export const EVENTS_FILE = "events.ndjson";
export const LOG_FILE = "log.txt";
/** How much of a log the API and the runs page show: its end. */
export const LOG_TAIL_BYTES = 64 * 1024;

/**
 * How many runs the history keeps. A simulation job's events are a few megabytes (every dbt node
 * of every day), so an unbounded history would grow without end under a webhook.
 */
export const RUNS_KEPT = 100;

/** The history folder of a warehouse. */
export function runsDir(config: Pick<Config, "duckdb_path">): string {
  return join(dirname(config.duckdb_path), "runs");
}

export interface RunStoreEffects {
  now(): Date;
  isAlive(pid: number): boolean;
}

export interface LogTail {
  text: string;
  /** True when the log is longer than what `text` holds (its beginning was cut). */
  truncated: boolean;
  bytes: number;
}

export class RunStore {
  private readonly effects: RunStoreEffects;

  constructor(
    readonly dir: string,
    effects: Partial<RunStoreEffects> = {},
    /** Runs kept: see prune. */
    readonly keep: number = RUNS_KEPT,
  ) {
    this.effects = { now: () => new Date(), isAlive, ...effects };
  }

  static forConfig(config: Pick<Config, "duckdb_path">, effects?: Partial<RunStoreEffects>): RunStore {
    return new RunStore(runsDir(config), effects);
  }

  runDir(id: string): string {
    if (!isRunId(id)) throw notFound(id);
    return join(this.dir, id);
  }

  /**
   * Creates the record of a new run, queued: a pipeline run with `params`, or the job of
   * `request` (a simulation job).
   */
  create(
    input: { trigger: RunTrigger; pid: number | null } & (
      { params: RunParams; request?: undefined } | { request: RunRequest; params?: undefined }
    ),
  ): RunRecord {
    const request: RunRequest = input.request ?? { kind: "pipeline", params: input.params };
    mkdirSync(this.dir, { recursive: true });
    const now = this.effects.now();
    for (let attempt = 0; attempt < 20; attempt++) {
      const id = newRunId(now);
      const dir = join(this.dir, id);
      try {
        mkdirSync(dir); // fails if the id is taken
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") continue;
        throw err;
      }
      const common = {
        id,
        trigger: input.trigger,
        settings: null,
        status: "queued" as const,
        created: now.toISOString(),
        started: null,
        finished: null,
        duration_seconds: null,
        error: null,
        progress: emptyRunProgress(),
        summary: null,
        pid: input.pid,
        exit_code: null,
      };
      const record: RunRecord =
        request.kind === "pipeline"
          ? { ...common, kind: "pipeline", params: request.params }
          : {
              ...common,
              kind: "simulation",
              params: request.params,
              simulation: emptySimulationJobProgress(),
            };
      this.write(record);
      this.prune();
      return record;
    }
    throw new SbdkError("failed:runs", `could not find a free run id in ${this.dir}`);
  }

  /** Replaces a run's record whole: written beside it, then renamed over it. */
  write(record: RunRecord): void {
    const dir = this.runDir(record.id);
    const tmp = join(dir, `.${RUN_FILE}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(runRecordSchema.parse(record), null, 2) + "\n");
    renameSync(tmp, join(dir, RUN_FILE));
  }

  /** The record as stored, without reading a dead process as interrupted. */
  readRaw(id: string): RunRecord | null {
    if (!isRunId(id)) return null;
    let text: string;
    try {
      text = readFileSync(join(this.dir, id, RUN_FILE), "utf8");
    } catch {
      return null;
    }
    try {
      const parsed = runRecordSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** The record, or null for an unknown id. A run whose process is gone reads as interrupted. */
  read(id: string): RunRecord | null {
    const record = this.readRaw(id);
    return record ? this.settle(record) : null;
  }

  /** Like read, but an unknown or malformed id is a not_found error. */
  get(id: string): RunRecord {
    const record = this.read(id);
    if (!record) throw notFound(id);
    return record;
  }

  private settle(record: RunRecord): RunRecord {
    if (isFinished(record.status) || record.pid === null || this.effects.isAlive(record.pid)) return record;
    return {
      ...record,
      status: "interrupted",
      progress: finishRunProgress(record.progress, "interrupted"),
      error: record.error ?? {
        code: "failed:runs",
        message: `the run stopped before it finished: its process (pid ${record.pid}) is gone`,
        hint: "the server or the command was stopped; the last complete publish is still served. Run it again.",
      },
    };
  }

  /**
   * Deletes the runs older than the newest `keep`, the finished ones only: a queued or running
   * run, or a folder without a readable record (one being created), stays. Returns the ids
   * deleted, oldest first.
   */
  prune(): string[] {
    let ids: string[];
    try {
      ids = readdirSync(this.dir).filter(isRunId);
    } catch {
      return [];
    }
    // Ids start with the creation time, so the oldest sort first.
    ids.sort();
    const deleted: string[] = [];
    for (const id of ids.slice(0, Math.max(0, ids.length - this.keep))) {
      const record = this.read(id);
      if (!record || !isFinished(record.status)) continue;
      // force: another process pruning at the same time may have deleted it already.
      rmSync(join(this.dir, id), { recursive: true, force: true });
      deleted.push(id);
    }
    return deleted;
  }

  /** The newest runs first. */
  list(options: { limit?: number } = {}): RunRecord[] {
    const limit = options.limit ?? 50;
    let ids: string[];
    try {
      ids = readdirSync(this.dir).filter(isRunId);
    } catch {
      return [];
    }
    // Ids start with the creation time, so the newest sort last; read only what is shown.
    ids.sort().reverse();
    const out: RunRecord[] = [];
    for (const id of ids) {
      if (out.length >= limit) break;
      const record = this.read(id);
      if (record) out.push(record);
    }
    return out.sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
  }

  appendEvent(id: string, event: PipelineEvent | SimulationEvent): void {
    appendFileSync(join(this.runDir(id), EVENTS_FILE), JSON.stringify(event) + "\n");
  }

  appendLog(id: string, text: string): void {
    appendFileSync(join(this.runDir(id), LOG_FILE), text.endsWith("\n") ? text : `${text}\n`);
  }

  /** The events a run has written, from byte `offset` on, and where the next read starts. */
  readEvents(id: string, offset = 0): { events: PipelineEvent[]; offset: number } {
    const { lines, offset: next } = readLinesFrom(join(this.runDir(id), EVENTS_FILE), offset);
    const events: PipelineEvent[] = [];
    for (const line of lines) {
      try {
        const parsed = pipelineEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) events.push(parsed.data);
      } catch {
        // a line cut by a crash: skip it
      }
    }
    return { events, offset: next };
  }

  /** The events a simulation job has written, from byte `offset` on, and where the next read starts. */
  readSimulationEvents(id: string, offset = 0): { events: SimulationEvent[]; offset: number } {
    const { lines, offset: next } = readLinesFrom(join(this.runDir(id), EVENTS_FILE), offset);
    const events: SimulationEvent[] = [];
    for (const line of lines) {
      try {
        const parsed = simulationEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) events.push(parsed.data);
      } catch {
        // a line cut by a crash: skip it
      }
    }
    return { events, offset: next };
  }

  /** Whole lines of a run's log from byte `offset` on. */
  readLogLines(id: string, offset = 0): { lines: string[]; offset: number } {
    return readLinesFrom(join(this.runDir(id), LOG_FILE), offset);
  }

  /** The end of a run's log. */
  logTail(id: string, maxBytes = LOG_TAIL_BYTES): LogTail {
    const file = join(this.runDir(id), LOG_FILE);
    if (!existsSync(file)) return { text: "", truncated: false, bytes: 0 };
    const fd = openSync(file, "r");
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(0, size - maxBytes);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      let text = buf.toString("utf8");
      // Start at a whole line when the beginning was cut.
      if (start > 0) text = text.slice(text.indexOf("\n") + 1);
      return { text, truncated: start > 0, bytes: size };
    } finally {
      closeSync(fd);
    }
  }
}

/** Complete lines of a file from byte `offset`; a last line still being written is left for later. */
function readLinesFrom(file: string, offset: number): { lines: string[]; offset: number } {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return { lines: [], offset };
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { lines: [], offset };
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    const end = buf.lastIndexOf(0x0a);
    if (end < 0) return { lines: [], offset };
    const lines = buf.subarray(0, end).toString("utf8").split("\n");
    return { lines: lines.filter((l) => l.length > 0), offset: offset + end + 1 };
  } finally {
    closeSync(fd);
  }
}

export function notFound(id: string): SbdkError {
  return new SbdkError(
    "not_found:runs",
    isRunId(id) ? `no run ${id} in the history` : `"${id.slice(0, 80)}" is not a run id`,
    { field: "id", hint: "run ids look like r-20261123-025801-ab12; the runs page lists them" },
  );
}
