import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, lockPath, readLock } from "@/lib/server/lock";

const warehouse = () => join(mkdtempSync(join(tmpdir(), "sbdk-lock-")), "w.duckdb");

describe("warehouse lock", () => {
  it("refuses a second job while the first holds it, saying when it started", () => {
    const path = warehouse();
    const first = acquireLock(path, "pipeline run", () => new Date("2026-01-02T03:04:05Z"));
    expect(() => acquireLock(path, "pipeline run")).toThrow(
      `a run is in progress (pipeline run, started at 2026-01-02T03:04:05.000Z, pid ${process.pid})`,
    );
    first.release();
    const second = acquireLock(path, "pipeline run");
    expect(readLock(path)?.pid).toBe(process.pid);
    second.release();
    expect(existsSync(lockPath(path))).toBe(false);
  });

  it("takes over a lock left by a process that no longer exists", async () => {
    const path = warehouse();
    const child = spawn(process.execPath, ["-e", "0"]);
    const deadPid = child.pid!;
    await new Promise((r) => child.once("exit", r));
    writeFileSync(
      lockPath(path),
      JSON.stringify({ pid: deadPid, started_at: "2026-01-01T00:00:00Z", job: "killed run" }),
    );
    expect(readLock(path)).toBeNull();
    const lock = acquireLock(path, "pipeline run");
    expect(readLock(path)?.job).toBe("pipeline run");
    lock.release();
  });

  it("treats an unreadable lock file as stale", () => {
    const path = warehouse();
    writeFileSync(lockPath(path), "not json");
    const lock = acquireLock(path, "pipeline run");
    lock.release();
  });
});
