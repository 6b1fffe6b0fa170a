import "server-only";
/**
 * The one queue of jobs that write the warehouse in a server process: one writer at a time.
 * A job is a pipeline run (`sbdk run --run-id <id> --events`) or a simulation job of the player
 * (`sbdk simulate --run-id <id> --events`), each a child process, so a crash or a kill of the
 * job cannot take the server down; its stdout lines are the live events, its stderr what it
 * prints for a person. Web requests are refused while a job is active (409 naming it); callers
 * that must not lose a run (a webhook) queue it instead, first in, first out. A simulation job
 * can be paused: after the day under way ("pause" on its stdin) or at once (SIGTERM).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import { pipelineEventSchema, type PipelineEvent } from "@/lib/shared/pipeline-events";
import {
  foldRunProgress,
  foldSimulationRunProgress,
  isFinished,
  stepRunProgress,
  stepSimulationRunProgress,
  runStartLineSchema,
  type RunParams,
  type RunRecord,
  type RunRequest,
  type RunTrigger,
} from "@/lib/shared/runs";
import {
  describeSimulationJob,
  formatDayRange,
  simulationEventSchema,
  stepSimulationJobProgress,
  type SimulationEvent,
} from "@/lib/shared/simulation";
import { loadConfig } from "../config";
import { readLock, type LockInfo } from "../lock";
import { PACKAGE_ROOT } from "../paths";
import { RunStore } from "./store";

/** What a watcher of a run receives: its record, its events, its log lines, then the end. */
export type RunStreamItem =
  | { type: "run"; run: RunRecord }
  | { type: "event"; event: PipelineEvent }
  | { type: "simulation"; event: SimulationEvent }
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
  /** Writes one line to the process's stdin (a simulation job reads "pause" there). */
  send?(line: string): void;
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
    /** What the active job is, when known. */
    readonly activeKind: RunRecord["kind"] | null = null,
  ) {
    super("conflict:pipeline", message, {
      hint: "one job writes the warehouse at a time: follow the active one on the runs page (or the simulation page), and start another when it has finished",
    });
  }
}

/** How a job is named in a refusal: "run r-…", "simulation job r-… (play 5 days, on day 3)". */
export function describeJob(run: RunRecord): string {
  if (run.kind === "pipeline") return `run ${run.id}`;
  const where =
    run.simulation.day !== null && run.simulation.from_day !== null && run.simulation.to_day !== null
      ? `, on day ${run.simulation.day} of ${formatDayRange(run.simulation.from_day, run.simulation.to_day)}`
      : "";
  return `simulation job ${run.id} (${describeSimulationJob(run.params)}${where})`;
}

interface Job {
  run: RunRecord;
  config: Config;
  store: RunStore;
  /** The process, once started. */
  child: RunChild | null;
  /** A stop asked for before the process could take it (it had not reported yet). */
  pendingStop: boolean;
  /** What was asked of it so far: nothing, a pause after the day under way, a stop at once. */
  paused: "no" | "after-day" | "now";
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
    return this.submitJob({ kind: "pipeline", params }, options);
  }

  /** Queues a job of either kind (see submit): a pipeline run, or a simulation job. */
  submitJob(request: RunRequest, options: { trigger: RunTrigger; whenBusy: WhenBusy }): RunRecord {
    // A simulation keeps its own seed and parameters in the warehouse: the server's config as is.
    const config = this.effects.loadConfig(request.kind === "pipeline" ? request.params : {});
    const store = this.effects.store(config);
    if (options.whenBusy === "reject") {
      if (this.held) throw new RunConflictError(`${this.held.label} is running`, null);
      const current = this.active ?? this.waiting[0];
      if (current) {
        throw new RunConflictError(
          `${describeJob(current.run)} is ${current.run.status}${current.run.started ? ` (started at ${current.run.started})` : ""}`,
          current.run.id,
          current.run.kind,
        );
      }
      const holder = this.effects.readLock(config.duckdb_path);
      if (holder) {
        const owner = store.list({ limit: 20 }).find((r) => r.pid === holder.pid && !isFinished(r.status));
        throw new RunConflictError(
          `a ${holder.job === "simulation" ? "simulation" : "run"} is in progress${owner ? ` (${owner.id}` : ` (${holder.job}`}, started at ${holder.started_at}, pid ${holder.pid})`,
          owner?.id ?? null,
          owner?.kind ?? (holder.job === "simulation" ? "simulation" : null),
        );
      }
    }
    const run = store.create({ trigger: options.trigger, request, pid: this.effects.pid });
    this.waiting.push({
      run,
      config,
      store,
      child: null,
      pendingStop: false,
      paused: "no",
      buffer: [{ type: "run", run }],
      listeners: new Set(),
      stderrTail: [],
    });
    this.pump();
    return run;
  }

  /**
   * Pauses the simulation job of this queue: after the day under way (its process finishes the
   * day, then stops), or `now` (it stops at once; the day under way is redone by the next job).
   * A job still waiting for the warehouse is dropped. Throws conflict:simulate when no
   * simulation job of this server is running.
   */
  pause(options: { now: boolean }): RunRecord {
    const waiting = this.waiting.findIndex((j) => j.run.kind === "simulation");
    const job = this.active?.run.kind === "simulation" ? this.active : null;
    if (!job && waiting >= 0) {
      const [dropped] = this.waiting.splice(waiting, 1);
      const run = { ...dropped!.run, status: "interrupted" as const };
      const finished = this.effects.now().toISOString();
      const closed = {
        ...run,
        error: { code: "failed:simulate", message: "paused before it started: no day was run" },
        finished,
        duration_seconds: 0,
      };
      dropped!.store.write(closed);
      dropped!.run = closed;
      this.send(dropped!, { type: "done", run: closed });
      dropped!.listeners.clear();
      this.pump();
      return closed;
    }
    if (!job) {
      const other = this.active?.run ?? null;
      throw new SbdkError(
        "conflict:simulate",
        other
          ? `no simulation is playing: the active job is ${describeJob(other)}, which cannot be paused`
          : "no simulation is playing",
        {
          hint: other
            ? "wait for it to finish; it is on the runs page"
            : "a simulation started in a terminal (`sbdk simulate`) stops with Ctrl-C there",
        },
      );
    }
    if (options.now) {
      if (job.paused === "now") return job.run;
      job.paused = "now";
      // Before the process reports, it has not set up its handler yet: SIGTERM then waits.
      if (job.child && job.run.status !== "queued") job.child.kill("SIGTERM");
      else job.pendingStop = true;
    } else if (job.paused === "no") {
      job.paused = "after-day";
      // Read once the process gets to it: nothing is lost while it starts.
      job.child?.send?.("pause");
    }
    return job.run;
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
        `${describeJob(current.run)} is ${current.run.status}${current.run.started ? ` (started at ${current.run.started})` : ""}`,
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
      child = job.child = this.effects.startChild(
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
        // The process now listens for signals: send a stop asked for while it was starting.
        if (job.pendingStop && job.child) {
          job.child.kill("SIGTERM");
          job.pendingStop = false;
        }
      }
      return;
    }
    // The result line repeats the record the run wrote; `done` is sent from the record on exit.
    if (type === "result") return;
    // The record here follows the events too, so the active job says where it is (a refusal
    // names the day a simulation is on).
    if (job.run.kind === "simulation") {
      const event = simulationEventSchema.safeParse(json);
      if (event.success) {
        job.run = {
          ...job.run,
          progress: stepSimulationRunProgress(job.run.progress, event.data),
          simulation: stepSimulationJobProgress(job.run.simulation, event.data),
        };
        this.send(job, { type: "simulation", event: event.data });
        return;
      }
    } else {
      const event = pipelineEventSchema.safeParse(json);
      if (event.success) {
        job.run = { ...job.run, progress: stepRunProgress(job.run.progress, event.data) };
        this.send(job, { type: "event", event: event.data });
        return;
      }
    }
    this.send(job, { type: "log", line });
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
          progress:
            run.kind === "simulation"
              ? foldSimulationRunProgress(job.store.readSimulationEvents(run.id).events, "failed")
              : foldRunProgress(job.store.readEvents(run.id).events, "failed"),
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

/**
 * Starts `node bin/sbdk.mjs run --run-id <id> --events` (or `simulate …` for a simulation job)
 * and reads its output line by line.
 */
export const spawnRunProcess: StartChild = ({ run, config }, output) => {
  const simulation = run.kind === "simulation";
  const args = [
    join(PACKAGE_ROOT, "bin", "sbdk.mjs"),
    simulation ? "simulate" : "run",
    "--run-id",
    run.id,
    "--events",
  ];
  if (config.configFile) args.push("--config", config.configFile);
  const child = spawn(process.execPath, args, {
    cwd: process.cwd(),
    env: process.env,
    // A simulation job reads "pause" on its stdin.
    stdio: [simulation ? "pipe" : "ignore", "pipe", "pipe"],
  });
  child.stdin?.on("error", () => {}); // a job that already ended reads nothing more
  createInterface({ input: child.stdout! }).on("line", output.stdout);
  createInterface({ input: child.stderr! }).on("line", output.stderr);
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    // "close": the process exited and its stdout and stderr were read to the end.
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid ?? null,
    exited,
    kill: (signal) => void child.kill(signal),
    send: (line) => void child.stdin?.write(`${line}\n`),
  };
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
