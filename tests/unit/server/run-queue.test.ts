import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LockInfo } from "@/lib/server/lock";
import {
  RunConflictError,
  RunQueue,
  type ChildExit,
  type ChildOutput,
  type RunStreamItem,
  type StartChild,
} from "@/lib/server/runs/queue";
import { RunStore } from "@/lib/server/runs/store";
import { DEFAULT_GROWTH, type Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import type { PipelineEvent } from "@/lib/shared/pipeline-events";
import type { RunRecord } from "@/lib/shared/runs";
import type { SimulationEvent } from "@/lib/shared/simulation";

/**
 * A stand-in for `sbdk run --run-id … --events`: the test decides when it starts reporting,
 * what it reports and how it ends. It writes the run's record as the real command does.
 */
class FakeChild {
  readonly exit: Promise<ChildExit>;
  /** Lines written to its stdin, signals sent to it. */
  readonly sent: string[] = [];
  readonly signals: string[] = [];
  private resolveExit!: (exit: ChildExit) => void;

  constructor(
    readonly run: RunRecord,
    private readonly store: RunStore,
    private readonly output: ChildOutput,
  ) {
    this.exit = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /** Marks the record running and says so on stdout, as `sbdk run` does first. */
  begin(): void {
    const run: RunRecord = {
      ...this.store.readRaw(this.run.id)!,
      status: "running",
      started: new Date().toISOString(),
      pid: process.pid,
    };
    this.store.write(run);
    this.output.stdout(JSON.stringify({ type: "run", run }));
  }

  simulationEvent(event: SimulationEvent): void {
    this.store.appendEvent(this.run.id, event);
    this.output.stdout(JSON.stringify(event));
  }

  event(event: PipelineEvent): void {
    this.store.appendEvent(this.run.id, event);
    this.output.stdout(JSON.stringify(event));
  }

  stdout(line: string): void {
    this.output.stdout(line);
  }

  stderr(line: string): void {
    this.output.stderr(line);
  }

  /** Closes the record and exits, as a finished `sbdk run` does. */
  end(status: "succeeded" | "failed", error: RunRecord["error"] = null): void {
    const run = this.store.readRaw(this.run.id)!;
    this.store.write({
      ...run,
      status,
      error,
      finished: new Date().toISOString(),
      duration_seconds: 1,
      exit_code: status === "succeeded" ? 0 : 1,
    });
    this.resolveExit({ code: status === "succeeded" ? 0 : 1, signal: null });
  }

  /** Dies without closing the record (killed, out of memory). */
  die(exit: Partial<ChildExit>): void {
    this.resolveExit({ code: null, signal: null, ...exit });
  }
}

const STAGE = (
  stage: "generate" | "load" | "dbt" | "publish",
  status: "started" | "finished",
): PipelineEvent => ({
  type: "stage",
  stage,
  status,
});

let dir: string;
let store: RunStore;
let children: FakeChild[];
let lock: LockInfo | null;
let startFails: Error | null;
let queue: RunQueue;
let reports: string[];

function config(): Config {
  return {
    project: "sbdk_starter",
    target: "dev",
    duckdb_path: join(dir, "sbdk.duckdb"),
    dbt_path: join(dir, "dbt"),
    profiles_dir: join(dir, "dbt"),
    publish_path: join(dir, "publish"),
    seed: 7,
    users: 100,
    days: 2,
    start_date: "2026-03-01",
    scale: 1,
    growth: DEFAULT_GROWTH,
    configFile: null,
    rootDir: dir,
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sbdk-queue-"));
  store = new RunStore(join(dir, "runs"));
  children = [];
  lock = null;
  startFails = null;
  reports = [];
  const startChild: StartChild = ({ run }, output) => {
    if (startFails) throw startFails;
    const child = new FakeChild(run, store, output);
    children.push(child);
    return {
      pid: 4242,
      exited: child.exit,
      kill: (signal) => {
        child.signals.push(signal ?? "SIGTERM");
        child.die({ signal: signal ?? "SIGTERM" });
      },
      send: (line) => child.sent.push(line),
    };
  };
  queue = new RunQueue({
    startChild,
    loadConfig: (params) => {
      if (params.users === 13) throw new SbdkError("invalid:config", "the config is invalid");
      return { ...config(), ...params };
    },
    readLock: () => lock,
    store: () => store,
    now: () => new Date(),
    lockPollMs: 5,
    pid: process.pid,
    report: (message) => reports.push(message),
  });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Lets the queue react to a child's exit. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function conflict(submit: () => unknown): RunConflictError {
  try {
    submit();
  } catch (err) {
    if (err instanceof RunConflictError) return err;
    throw err;
  }
  throw new Error("expected the run to be refused");
}

describe("the run queue", () => {
  it("starts a submitted run at once, as a queued record the child then takes", () => {
    const run = queue.submit({ seed: 3 }, { trigger: "browser", whenBusy: "reject" });
    expect(run).toMatchObject({
      status: "queued",
      trigger: "browser",
      params: { seed: 3 },
      pid: process.pid,
    });
    expect(children.map((c) => c.run.id)).toEqual([run.id]);
    expect(queue.activeRun?.id).toBe(run.id);
    expect(store.read(run.id)?.status).toBe("queued");
  });

  it("runs one at a time, in the order the runs were queued", async () => {
    const ids = [1, 2, 3].map((seed) => queue.submit({ seed }, { trigger: "api", whenBusy: "enqueue" }).id);
    expect(children).toHaveLength(1);
    expect(queue.length).toBe(3);
    expect(queue.queuedRuns.map((r) => r.id)).toEqual(ids.slice(1));
    for (let i = 0; i < 3; i++) {
      expect(children).toHaveLength(i + 1);
      expect(children[i]!.run.id).toBe(ids[i]);
      children[i]!.begin();
      children[i]!.end("succeeded");
      await settle();
    }
    expect(queue.length).toBe(0);
    expect(ids.map((id) => store.read(id)?.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });

  it("refuses a run while one is active, naming the active run, and records nothing", () => {
    const first = queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    children[0]!.begin();
    const err = conflict(() => queue.submit({}, { trigger: "browser", whenBusy: "reject" }));
    expect(err.activeRunId).toBe(first.id);
    expect(err.status).toBe(409);
    expect(err.code).toBe("conflict:pipeline");
    expect(err.message).toMatch(new RegExp(`^run ${first.id} is running \\(started at \\d{4}-`));
    expect(store.list().map((r) => r.id)).toEqual([first.id]);
    expect(children).toHaveLength(1);
  });

  it("refuses a run while another waits in the queue, naming the active one", () => {
    const first = queue.submit({}, { trigger: "api", whenBusy: "enqueue" });
    queue.submit({}, { trigger: "api", whenBusy: "enqueue" });
    expect(conflict(() => queue.submit({}, { trigger: "browser", whenBusy: "reject" })).activeRunId).toBe(
      first.id,
    );
  });

  it("queues behind the active run when asked to, and starts it after", async () => {
    queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    const second = queue.submit({ seed: 9 }, { trigger: "api", whenBusy: "enqueue" });
    expect(second.status).toBe("queued");
    expect(children).toHaveLength(1);
    children[0]!.begin();
    children[0]!.end("failed", { code: "failed:dbt", message: "dbt build failed" });
    await settle();
    expect(children.map((c) => c.run.id)).toEqual([expect.any(String), second.id]);
  });

  it("refuses a run while a terminal's `sbdk run` holds the warehouse, naming that run", () => {
    const terminal = store.create({ trigger: "cli", params: {}, pid: process.pid });
    store.write({ ...terminal, status: "running", started: "2026-11-23T02:00:00.000Z" });
    lock = { pid: process.pid, started_at: "2026-11-23T02:00:00.000Z", job: "pipeline run" };
    const err = conflict(() => queue.submit({}, { trigger: "browser", whenBusy: "reject" }));
    expect(err.activeRunId).toBe(terminal.id);
    expect(err.message).toBe(
      `a run is in progress (${terminal.id}, started at 2026-11-23T02:00:00.000Z, pid ${process.pid})`,
    );
    expect(children).toHaveLength(0);
  });

  it("says who holds the warehouse when the holder left no run record", () => {
    lock = { pid: 999_999, started_at: "2026-11-23T02:00:00.000Z", job: "pipeline run" };
    const err = conflict(() => queue.submit({}, { trigger: "browser", whenBusy: "reject" }));
    expect(err.activeRunId).toBeNull();
    expect(err.message).toBe(
      "a run is in progress (pipeline run, started at 2026-11-23T02:00:00.000Z, pid 999999)",
    );
  });

  it("a queued run waits for a terminal's run to let go of the warehouse", async () => {
    lock = { pid: process.pid, started_at: "2026-11-23T02:00:00.000Z", job: "pipeline run" };
    const run = queue.submit({}, { trigger: "api", whenBusy: "enqueue" });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(children).toHaveLength(0);
    expect(queue.queuedRuns.map((r) => r.id)).toEqual([run.id]);
    lock = null;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(children.map((c) => c.run.id)).toEqual([run.id]);
  });

  it("refuses params the config does not accept before queuing anything", () => {
    expect(() => queue.submit({ users: 13 }, { trigger: "browser", whenBusy: "reject" })).toThrow(
      "the config is invalid",
    );
    expect(store.list()).toEqual([]);
    expect(queue.length).toBe(0);
  });

  it("a watcher gets what happened so far, then live events, then done with the final record", async () => {
    const run = queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    const child = children[0]!;
    child.begin();
    child.event(STAGE("generate", "started"));
    child.stderr("sbdk run …: seed 7");
    const seen: RunStreamItem[] = [];
    const stop = queue.watch(run.id, (item) => seen.push(item));
    expect(stop).toBeTypeOf("function");
    expect(seen.map((i) => i.type)).toEqual(["run", "run", "event", "log"]);
    expect(seen[0]).toMatchObject({ run: { status: "queued" } });
    expect(seen[1]).toMatchObject({ run: { status: "running" } });
    child.event(STAGE("generate", "finished"));
    child.stdout("a line that is not JSON");
    child.end("succeeded");
    await settle();
    expect(seen.slice(4).map((i) => i.type)).toEqual(["event", "log", "done"]);
    expect(seen[4]).toEqual({ type: "event", event: STAGE("generate", "finished") });
    expect(seen[5]).toEqual({ type: "log", line: "a line that is not JSON" });
    expect(seen[6]).toMatchObject({ type: "done", run: { id: run.id, status: "succeeded", exit_code: 0 } });
    // Once finished, the queue no longer holds it: followers read the history instead.
    expect(queue.watch(run.id, () => {})).toBeNull();
  });

  it("a watcher that left gets nothing more", async () => {
    const run = queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    const seen: RunStreamItem[] = [];
    const stop = queue.watch(run.id, (item) => seen.push(item))!;
    stop();
    children[0]!.begin();
    children[0]!.end("succeeded");
    await settle();
    expect(seen.map((i) => i.type)).toEqual(["run"]);
  });

  it("keeps the reason a run gave for failing", async () => {
    const run = queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    children[0]!.begin();
    children[0]!.end("failed", {
      code: "failed:dbt",
      message: "dbt build failed: 1 model(s) errored",
      hint: "fix it",
    });
    await settle();
    expect(store.read(run.id)).toMatchObject({
      status: "failed",
      error: { code: "failed:dbt", message: "dbt build failed: 1 model(s) errored", hint: "fix it" },
    });
  });

  it("fails a run whose process died without closing its record, with its last output, and moves on", async () => {
    const run = queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    const next = queue.submit({}, { trigger: "api", whenBusy: "enqueue" });
    const done: RunStreamItem[] = [];
    queue.watch(run.id, (item) => item.type === "done" && done.push(item));
    children[0]!.begin();
    children[0]!.event(STAGE("generate", "started"));
    children[0]!.stderr("FATAL ERROR: Reached heap limit");
    children[0]!.die({ signal: "SIGKILL" });
    await settle();
    const failed = store.read(run.id)!;
    expect(failed.status).toBe("failed");
    expect(failed.error).toEqual({
      code: "failed:runs",
      message: "the run's process was stopped by SIGKILL",
      hint: "the last complete publish is still served; the run's log has the process output",
      details: ["FATAL ERROR: Reached heap limit"],
    });
    expect(failed.finished).not.toBeNull();
    // From the events it wrote: generate had started, nothing after it.
    expect(failed.progress.map((s) => s.status)).toEqual([
      "failed",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
    ]);
    expect(readFileSync(join(store.runDir(run.id), "log.txt"), "utf8")).toBe(
      "the run's process was stopped by SIGKILL\nits last output:\nFATAL ERROR: Reached heap limit\n",
    );
    expect(done).toEqual([{ type: "done", run: failed }]);
    expect(children.map((c) => c.run.id)).toEqual([run.id, next.id]);
  });

  it("fails a run whose process exits with an error code before it starts", async () => {
    const run = queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    children[0]!.stderr("Error: Cannot find module 'tsx'");
    children[0]!.die({ code: 1 });
    await settle();
    expect(store.read(run.id)).toMatchObject({
      status: "failed",
      exit_code: 1,
      duration_seconds: 0,
      error: { message: "the run's process exited with code 1 before the run finished" },
    });
    expect(queue.length).toBe(0);
  });

  it("fails a run whose process cannot be started, and stays usable", async () => {
    startFails = new Error("spawn node ENOENT");
    const run = queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    await settle();
    expect(store.read(run.id)).toMatchObject({
      status: "failed",
      error: { message: "the run's process could not be started: spawn node ENOENT" },
    });
    startFails = null;
    const again = queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    expect(children.map((c) => c.run.id)).toEqual([again.id]);
  });

  it("idle() resolves once every queued run has finished", async () => {
    queue.submit({}, { trigger: "api", whenBusy: "enqueue" });
    queue.submit({}, { trigger: "api", whenBusy: "enqueue" });
    let idle = false;
    void queue.idle().then(() => (idle = true));
    children[0]!.end("succeeded");
    await settle();
    expect(idle).toBe(false);
    children[1]!.end("succeeded");
    await settle();
    expect(idle).toBe(true);
    expect(reports).toEqual([]);
  });
});

describe("simulation jobs in the same queue", () => {
  const STEP = { action: "step", days: 1, seconds_per_day: 0 } as const;
  const PLAY = { action: "play", days: 3, seconds_per_day: 0 } as const;
  const started = (fromDay: number, toDay: number): SimulationEvent => ({
    type: "start",
    simulationId: "sim-20261123T061810-s7",
    seed: 7,
    baseUsers: 300,
    startDate: "2026-03-01",
    fromDay,
    toDay,
    started: false,
    notes: [],
  });

  it("records a simulation job with its kind and params, executed by its own child", () => {
    const run = queue.submitJob(
      { kind: "simulation", params: PLAY },
      { trigger: "browser", whenBusy: "reject" },
    );
    expect(run).toMatchObject({ kind: "simulation", params: PLAY, status: "queued" });
    expect(run.kind === "simulation" && run.simulation).toEqual({
      simulation_id: null,
      from_day: null,
      to_day: null,
      day: null,
      date: null,
      days_done: 0,
      pause_requested: false,
    });
    expect(children.map((c) => c.run.id)).toEqual([run.id]);
    expect(store.read(run.id)?.kind).toBe("simulation");
  });

  it("follows the job's events: a refusal names the simulation and the day it is on", () => {
    const sim = queue.submitJob(
      { kind: "simulation", params: PLAY },
      { trigger: "browser", whenBusy: "reject" },
    );
    const child = children[0]!;
    child.begin();
    child.simulationEvent(started(4, 6));
    child.simulationEvent({ type: "day-started", day: 5, date: "2026-03-05" });
    const active = queue.activeRun!;
    expect(active.kind === "simulation" && active.simulation).toMatchObject({
      from_day: 4,
      to_day: 6,
      day: 5,
    });
    expect(active.progress.find((s) => s.key === "generate")?.status).toBe("pending");

    // Play while playing, and a pipeline run while playing: both refused, naming what runs.
    for (const submit of [
      () => queue.submitJob({ kind: "simulation", params: STEP }, { trigger: "browser", whenBusy: "reject" }),
      () => queue.submit({}, { trigger: "browser", whenBusy: "reject" }),
    ]) {
      const err = conflict(submit);
      expect(err.status).toBe(409);
      expect(err.activeRunId).toBe(sim.id);
      expect(err.activeKind).toBe("simulation");
      expect(err.message).toMatch(
        new RegExp(
          `^simulation job ${sim.id} \\(play 3 days, on day 5 of days 4–6\\) is running \\(started at `,
        ),
      );
    }
    expect(store.list().map((r) => r.id)).toEqual([sim.id]);
  });

  it("a simulation asked for while a pipeline run is active is refused, naming the run", () => {
    const run = queue.submit({}, { trigger: "api", whenBusy: "reject" });
    children[0]!.begin();
    const err = conflict(() =>
      queue.submitJob({ kind: "simulation", params: STEP }, { trigger: "browser", whenBusy: "reject" }),
    );
    expect(err.message).toMatch(new RegExp(`^run ${run.id} is running`));
    expect(err.activeKind).toBe("pipeline");
  });

  it("streams the job's events as simulation events, in order, to a watcher", () => {
    const sim = queue.submitJob(
      { kind: "simulation", params: STEP },
      { trigger: "browser", whenBusy: "reject" },
    );
    const seen: RunStreamItem[] = [];
    queue.watch(sim.id, (item) => seen.push(item));
    const child = children[0]!;
    child.begin();
    child.simulationEvent(started(1, 1));
    child.simulationEvent({ type: "day-started", day: 1, date: "2026-03-01" });
    // A line that is not an event of a simulation is a log line.
    child.stdout(JSON.stringify({ type: "table", table: {} }));
    expect(seen.map((i) => (i.type === "simulation" ? `simulation:${i.event.type}` : i.type))).toEqual([
      "run",
      "run",
      "simulation:start",
      "simulation:day-started",
      "log",
    ]);
  });

  it("pauses a playing job once: a line on its stdin; stopping it at once is SIGTERM", () => {
    queue.submitJob({ kind: "simulation", params: PLAY }, { trigger: "browser", whenBusy: "reject" });
    const child = children[0]!;
    child.begin();
    queue.pause({ now: false });
    queue.pause({ now: false });
    expect(child.sent).toEqual(["pause"]);
    expect(child.signals).toEqual([]);
    queue.pause({ now: true });
    queue.pause({ now: true });
    expect(child.signals).toEqual(["SIGTERM"]);
  });

  it("a stop asked for before the job's process has reported waits for it", () => {
    queue.submitJob({ kind: "simulation", params: PLAY }, { trigger: "browser", whenBusy: "reject" });
    const child = children[0]!;
    queue.pause({ now: true });
    expect(child.signals).toEqual([]);
    child.begin();
    expect(child.signals).toEqual(["SIGTERM"]);
  });

  it("a job still waiting for the warehouse is dropped by a pause, as interrupted", async () => {
    lock = { pid: 999, job: "run", started_at: "2026-11-23T00:00:00.000Z" } as LockInfo;
    const sim = queue.submitJob(
      { kind: "simulation", params: PLAY },
      { trigger: "api", whenBusy: "enqueue" },
    );
    expect(children).toHaveLength(0);
    const seen: RunStreamItem[] = [];
    queue.watch(sim.id, (item) => seen.push(item));
    const dropped = queue.pause({ now: false });
    expect(dropped).toMatchObject({ id: sim.id, status: "interrupted" });
    expect(store.readRaw(sim.id)?.status).toBe("interrupted");
    expect(seen.at(-1)?.type).toBe("done");
    expect(queue.length).toBe(0);
    lock = null;
    await settle();
    expect(children).toHaveLength(0);
  });

  it("pausing with no simulation running is a conflict that says why", () => {
    expect(() => queue.pause({ now: false })).toThrow(/^no simulation is playing$/);
    queue.submit({}, { trigger: "api", whenBusy: "reject" });
    try {
      queue.pause({ now: false });
      throw new Error("expected a refusal");
    } catch (err) {
      expect((err as SbdkError).code).toBe("conflict:simulate");
      expect((err as SbdkError).message).toMatch(
        /^no simulation is playing: the active job is run r-.* which cannot be paused$/,
      );
    }
    expect(children[0]!.signals).toEqual([]);
  });
});
