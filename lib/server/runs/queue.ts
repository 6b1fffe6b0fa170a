import "server-only";
/**
 * The one queue of pipeline runs in a server process: one writer at a time. A run executes as
 * a child process (`sbdk run --run-id <id> --events`), so a crash or a kill of the run cannot
 * take the server down; its stdout lines are the live events, its stderr what it prints for a
 * person. Web requests are refused while a run is active (409 with the active run's id);
 * callers that must not lose a run (a webhook) queue it instead, first in, first out.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import { pipelineEventSchema, type PipelineEvent } from "@/lib/shared/pipeline-events";
import {
  foldRunProgress,
  isFinished,
  runStartLineSchema,
  type RunParams,
  type RunRecord,
  type RunTrigger,
} from "@/lib/shared/runs";
import { loadConfig } from "../config";
import { readLock, type LockInfo } from "../lock";
import { PACKAGE_ROOT } from "../paths";
import { RunStore } from "./store";

/** What a watcher of a run receives: its record, its events, its log lines, then the end. */
export type RunStreamItem =
  | { type: "run"; run: RunRecord }
  | { type: "event"; event: PipelineEvent }
  | { type: "log"; line: string }
  | { type: "done"; run: RunRecord };

export type RunListener = (item: RunStreamItem) => void;

export interface ChildExit {
  code: number | null;
  signal: string | null;
  /** The process could not be started at all. */
  error?: Error;
}

export interface RunChild {
  pid: number | null;
  /** Settles once the process has exited and all its output was read. */
  exited: Promise<ChildExit>;
  kill(signal?: NodeJS.Signals): void;
}

export interface ChildOutput {
  /** One line of the child's stdout. */
  stdout(line: string): void;
  /** One line of the child's stderr. */
  stderr(line: string): void;
}

export type StartChild = (job: { run: RunRecord; config: Config }, output: ChildOutput) => RunChild;

export interface RunQueueEffects {
  startChild: StartChild;
  /** The server's config with a run's params applied; throws invalid:config. */
  loadConfig(params: RunParams): Config;
  readLock(duckdbPath: string): LockInfo | null;
  store(config: Config): RunStore;
  now(): Date;
  /** How long to wait before looking again at a warehouse held by another process. */
  lockPollMs: number;
  /** The id of this process, which holds the runs it has queued. */
  pid: number;
  /** Where unexpected errors are reported (the server log). */
  report(message: string, err?: unknown): void;
}

export type WhenBusy = "reject" | "enqueue";

/** A run was refused because another one holds the warehouse. */
export class RunConflictError extends SbdkError {
  constructor(
    message: string,
    readonly activeRunId: string | null,
  ) {
    super("conflict:pipeline", message, {
      hint: "one run writes the warehouse at a time: follow the active run on the runs page, and start another when it has finished",
    });
  }
}

interface Job {
  run: RunRecord;
  config: Config;
  store: RunStore;
  /** Everything a watcher has been sent so far, replayed to a new watcher. */
  buffer: RunStreamItem[];
  listeners: Set<RunListener>;
  stderrTail: string[];
}

const STDERR_TAIL = 40;

export class RunQueue {
  private active: Job | null = null;
  private readonly waiting: Job[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly effects: RunQueueEffects) {}

  /**
   * Queues a run and starts it when the warehouse is free. With whenBusy "reject" a run is
   * refused (RunConflictError) while another is active or queued here, or while another
   * process (a `sbdk run` in a terminal) holds the warehouse.
   */
  submit(params: RunParams, options: { trigger: RunTrigger; whenBusy: WhenBusy }): RunRecord {
    const config = this.effects.loadConfig(params);
    const store = this.effects.store(config);
    if (options.whenBusy === "reject") {
      if (this.held) throw new RunConflictError(`${this.held.label} is running`, null);
      const current = this.active ?? this.waiting[0];
      if (current) {
        throw new RunConflictError(
          `run ${current.run.id} is ${current.run.status}${current.run.started ? ` (started at ${current.run.started})` : ""}`,
          current.run.id,
        );
      }
      const holder = this.effects.readLock(config.duckdb_path);
      if (holder) {
        const owner = store.list({ limit: 20 }).find((r) => r.pid === holder.pid && !isFinished(r.status));
        throw new RunConflictError(
          `a run is in progress${owner ? ` (${owner.id}` : ` (${holder.job}`}, started at ${holder.started_at}, pid ${holder.pid})`,
          owner?.id ?? null,
        );
      }
    }
    const run = store.create({ trigger: options.trigger, params, pid: this.effects.pid });
    this.waiting.push({
      run,
      config,
      store,
      buffer: [{ type: "run", run }],
      listeners: new Set(),
      stderrTail: [],
    });
    this.pump();
    return run;
  }

  /** The run executing now, or null. */
  get activeRun(): RunRecord | null {
    return this.active?.run ?? null;
  }

  /** Runs waiting their turn, oldest first. */
  get queuedRuns(): RunRecord[] {
    return this.waiting.map((j) => j.run);
  }

  /** Active plus queued runs. */
  get length(): number {
    return (this.active ? 1 : 0) + this.waiting.length;
  }

  /** Whether this queue holds the run (active or waiting). */
  has(id: string): boolean {
    return this.active?.run.id === id || this.waiting.some((j) => j.run.id === id);
  }

  /**
   * Sends what the run has reported so far, then every new item until `done`. Returns the way
   * to stop watching, or null when this queue does not hold the run (it finished, or another
   * process runs it).
   */
  watch(id: string, listener: RunListener): (() => void) | null {
    const job = this.active?.run.id === id ? this.active : this.waiting.find((j) => j.run.id === id);
    if (!job) return null;
    for (const item of job.buffer) listener(item);
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Resolves when nothing is active or queued (tests, shutdown). */
  idle(): Promise<void> {
    if (this.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ── Jobs of other kinds (a backfill apply) ──────────────────────────────────────────────
  // Kept apart from the runs so that job kinds can be merged in later without reshaping this.

  private held: { label: string } | null = null;

  /**
   * Reserves the warehouse for a job of another kind started from the browser (a backfill
   * apply), which then runs its own process: refused with a RunConflictError while a run is
   * active or queued here or another process holds the warehouse; meanwhile runs asked for
   * are refused ("reject") or wait ("enqueue"). Returns the release, which lets them go.
   */
  hold(label: string, duckdbPath: string): () => void {
    const current = this.active ?? this.waiting[0];
    if (current) {
      throw new RunConflictError(
        `run ${current.run.id} is ${current.run.status}${current.run.started ? ` (started at ${current.run.started})` : ""}`,
        current.run.id,
      );
    }
    if (this.held) throw new RunConflictError(`${this.held.label} is running`, null);
    const holder = this.effects.readLock(duckdbPath);
    if (holder) {
      throw new RunConflictError(
        `a job is writing the warehouse (${holder.job}, started at ${holder.started_at}, pid ${holder.pid})`,
        null,
      );
    }
    const held = { label };
    this.held = held;
    return () => {
      if (this.held !== held) return;
      this.held = null;
      this.pump();
    };
  }

  /** The label of the job of another kind holding the warehouse, if any. */
  get heldBy(): string | null {
    return this.held?.label ?? null;
  }

  private send(job: Job, item: RunStreamItem): void {
    job.buffer.push(item);
    for (const listener of job.listeners) {
      try {
        listener(item);
      } catch (err) {
        this.effects.report(`a watcher of run ${job.run.id} failed`, err);
        job.listeners.delete(listener);
      }
    }
  }

  private pump(): void {
    if (this.active || this.timer || this.held) return;
    const job = this.waiting[0];
    if (!job) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    // A run started from a terminal holds the warehouse: queued runs wait for it.
    if (this.effects.readLock(job.config.duckdb_path)) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, this.effects.lockPollMs);
      this.timer.unref?.();
      return;
    }
    this.waiting.shift();
    this.active = job;
    let child: RunChild;
    try {
      child = this.effects.startChild(
        { run: job.run, config: job.config },
        { stdout: (line) => this.onStdout(job, line), stderr: (line) => this.onStderr(job, line) },
      );
    } catch (err) {
      this.finish(job, {
        code: null,
        signal: null,
        error: err instanceof Error ? err : new Error(String(err)),
      });
      return;
    }
    child.exited.then(
      (exit) => this.finish(job, exit),
      (err: unknown) => this.finish(job, { code: null, signal: null, error: err as Error }),
    );
  }

  private onStdout(job: Job, line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      if (line.trim()) this.send(job, { type: "log", line });
      return;
    }
    const type = (json as { type?: unknown } | null)?.type;
    if (type === "run") {
      const parsed = runStartLineSchema.safeParse(json);
      if (parsed.success) {
        job.run = parsed.data.run;
        this.send(job, { type: "run", run: job.run });
      }
      return;
    }
    // The result line repeats the record the run wrote; `done` is sent from the record on exit.
    if (type === "result") return;
    const event = pipelineEventSchema.safeParse(json);
    if (event.success) this.send(job, { type: "event", event: event.data });
    else this.send(job, { type: "log", line });
  }

  private onStderr(job: Job, line: string): void {
    job.stderrTail.push(line);
    if (job.stderrTail.length > STDERR_TAIL) job.stderrTail.shift();
    this.send(job, { type: "log", line });
  }

  private finish(job: Job, exit: ChildExit): void {
    try {
      let run = job.store.readRaw(job.run.id) ?? job.run;
      if (!isFinished(run.status)) {
        // The process ended without closing its record: it could not start, crashed or was killed.
        const why = exit.error
          ? `could not be started: ${exit.error.message}`
          : exit.signal
            ? `was stopped by ${exit.signal}`
            : `exited with code ${exit.code} before the run finished`;
        const finished = this.effects.now();
        job.store.appendLog(
          run.id,
          [
            `the run's process ${why}`,
            ...(job.stderrTail.length ? ["its last output:", ...job.stderrTail] : []),
          ].join("\n"),
        );
        run = {
          ...run,
          status: "failed",
          error: {
            code: "failed:runs",
            message: `the run's process ${why}`,
            hint: "the last complete publish is still served; the run's log has the process output",
            details: job.stderrTail.slice(-10),
          },
          // The record's progress follows stage boundaries; the events say exactly where it stopped.
          progress: foldRunProgress(job.store.readEvents(run.id).events, "failed"),
          finished: finished.toISOString(),
          duration_seconds: run.started ? (finished.getTime() - Date.parse(run.started)) / 1000 : 0,
          exit_code: exit.code,
        };
        job.store.write(run);
      }
      job.run = run;
      this.send(job, { type: "done", run });
    } catch (err) {
      this.effects.report(`could not close run ${job.run.id}`, err);
      this.send(job, { type: "done", run: job.run });
    } finally {
      job.listeners.clear();
      this.active = null;
      this.pump();
    }
  }
}

/** Starts `node bin/sbdk.mjs run --run-id <id> --events` and reads its output line by line. */
export const spawnRunProcess: StartChild = ({ run, config }, output) => {
  const args = [join(PACKAGE_ROOT, "bin", "sbdk.mjs"), "run", "--run-id", run.id, "--events"];
  if (config.configFile) args.push("--config", config.configFile);
  const child = spawn(process.execPath, args, {
    cwd: process.cwd(),
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  createInterface({ input: child.stdout }).on("line", output.stdout);
  createInterface({ input: child.stderr }).on("line", output.stderr);
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    // "close": the process exited and its stdout and stderr were read to the end.
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  return { pid: child.pid ?? null, exited, kill: (signal) => void child.kill(signal) };
};

export function defaultQueueEffects(): RunQueueEffects {
  return {
    startChild: spawnRunProcess,
    loadConfig: (params) => loadConfig({ overrides: params }),
    readLock,
    store: (config) => RunStore.forConfig(config),
    now: () => new Date(),
    lockPollMs: 1000,
    pid: process.pid,
    report: (message, err) => console.error(`sbdk: ${message}`, err),
  };
}

const GLOBAL_KEY = Symbol.for("sbdk.runQueue");

/** The server's queue, kept on globalThis so a dev-server reload does not make a second one. */
export function getRunQueue(): RunQueue {
  const holder = globalThis as { [GLOBAL_KEY]?: RunQueue };
  holder[GLOBAL_KEY] ??= new RunQueue(defaultQueueEffects());
  return holder[GLOBAL_KEY];
}
