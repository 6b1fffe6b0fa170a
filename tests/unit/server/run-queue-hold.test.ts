import { describe, expect, it } from "vitest";
import type { LockInfo } from "@/lib/server/lock";
import { RunConflictError, RunQueue, type ChildExit, type StartChild } from "@/lib/server/runs/queue";
import { RunStore } from "@/lib/server/runs/store";
import { DEFAULT_GROWTH, type Config } from "@/lib/shared/config";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The queue's hold for jobs of another kind (a backfill apply started from the browser). */
function setUp(lock: () => LockInfo | null = () => null) {
  const dir = mkdtempSync(join(tmpdir(), "sbdk-hold-"));
  const store = new RunStore(join(dir, "runs"));
  const started: string[] = [];
  const exits: ((exit: ChildExit) => void)[] = [];
  const startChild: StartChild = ({ run }) => {
    started.push(run.id);
    return { pid: 1, exited: new Promise((resolve) => exits.push(resolve)), kill: () => {} };
  };
  const config = {
    duckdb_path: join(dir, "sbdk.duckdb"),
  } as Config;
  const queue = new RunQueue({
    startChild,
    loadConfig: () => ({ ...config, growth: DEFAULT_GROWTH }),
    readLock: lock,
    store: () => store,
    now: () => new Date(),
    lockPollMs: 5,
    pid: process.pid,
    report: () => {},
  });
  return { queue, started, exits, path: config.duckdb_path };
}

describe("holding the run queue for another kind of job", () => {
  it("refuses runs from the browser while held and lets queued runs go when released", async () => {
    const { queue, started, path } = setUp();
    const release = queue.hold("the backfill prompt_toxicity", path);
    expect(queue.heldBy).toBe("the backfill prompt_toxicity");
    expect(() => queue.submit({}, { trigger: "browser", whenBusy: "reject" })).toThrow(
      new RunConflictError("the backfill prompt_toxicity is running", null),
    );
    const queued = queue.submit({}, { trigger: "api", whenBusy: "enqueue" });
    expect(started).toEqual([]);
    release();
    expect(queue.heldBy).toBeNull();
    expect(started).toEqual([queued.id]);
  });

  it("is refused while a run is active, while held, and while another process holds the warehouse", () => {
    const { queue, path } = setUp();
    const run = queue.submit({}, { trigger: "browser", whenBusy: "reject" });
    try {
      queue.hold("the backfill x", path);
      throw new Error("expected a conflict");
    } catch (err) {
      expect(err).toBeInstanceOf(RunConflictError);
      expect((err as RunConflictError).activeRunId).toBe(run.id);
    }
    const other = setUp();
    other.queue.hold("the backfill x", other.path);
    expect(() => other.queue.hold("the backfill y", other.path)).toThrow("the backfill x is running");
    const locked = setUp(() => ({ pid: 99, started_at: "2026-01-01T00:00:00.000Z", job: "pipeline run" }));
    expect(() => locked.queue.hold("the backfill x", locked.path)).toThrow(
      "a job is writing the warehouse (pipeline run, started at 2026-01-01T00:00:00.000Z, pid 99)",
    );
  });

  it("names a simulation job that is playing when it refuses", () => {
    const { queue, path } = setUp();
    const sim = queue.submitJob(
      { kind: "simulation", params: { action: "play", days: 5, seconds_per_day: 0 } },
      { trigger: "browser", whenBusy: "reject" },
    );
    expect(() => queue.hold("the backfill x", path)).toThrow(
      `simulation job ${sim.id} (play 5 days) is queued`,
    );
  });
});
