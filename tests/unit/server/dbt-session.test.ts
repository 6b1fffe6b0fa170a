import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import type { DbtProgressEvent } from "@/lib/server/dbt/events";
import type { SpawnFn } from "@/lib/server/dbt/runner";
import { startDbtSession, WORKER_SCRIPT } from "@/lib/server/dbt/session";

const config = {
  duckdb_path: "/w/data/sbdk.duckdb",
  dbt_path: "/w/dbt",
  profiles_dir: "/w/dbt",
  target: "dev",
} as Config;

const locate = () => ({ command: "/venv/bin/dbt", prefixArgs: [], source: "project .venv" as const });

const runResults = {
  metadata: { dbt_version: "1.11.16", generated_at: "2025-12-01T00:00:00Z", invocation_id: "abc" },
  elapsed_time: 1.5,
  args: {},
  results: [
    { unique_id: "model.p.m", status: "success", execution_time: 0.2, timing: [] },
    { unique_id: "test.p.t", status: "pass", execution_time: 0.1, failures: 0, timing: [] },
  ],
};

const startLine = {
  info: { name: "LogStartLine", level: "info", msg: "1 of 2 START" },
  data: { index: 1, total: 2, node_info: { unique_id: "model.p.m", node_name: "m" } },
};

/**
 * A stand-in for worker.py speaking its protocol: `script` answers each request written to
 * its stdin with protocol messages (or exits).
 */
function fakeWorker(
  onRequest: (request: { cmd: string; id?: number; args?: string[] }, child: FakeChild) => void,
  options: { ready?: boolean } = {},
) {
  const spawned: Array<{ command: string; args: string[] }> = [];
  const spawn: SpawnFn = (command, args) => {
    const child = new FakeChild();
    spawned.push({ command, args });
    child.stdin.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) onRequest(JSON.parse(line), child);
    });
    setImmediate(() => {
      if (options.ready === false) {
        child.send({ type: "fatal", message: "Compilation Error in model m" });
        child.exit(1);
      } else child.send({ type: "ready", import_seconds: 0.5, parse_seconds: 0.25 });
    });
    return child as unknown as ChildProcess;
  };
  return { spawn, spawned };
}

class FakeChild extends EventEmitter {
  stdin = new PassThrough();
  stdout = new PassThrough();
  stderr = new PassThrough();
  killed: string | null = null;
  private done = false;

  send(message: unknown) {
    this.stdout.write(JSON.stringify(message) + "\n");
  }

  exit(code: number | null, signal: string | null = null) {
    if (this.done) return;
    this.done = true;
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit("close", code, signal));
  }

  kill(signal: string) {
    this.killed = signal;
    this.exit(null, signal);
    return true;
  }
}

describe("a dbt session", () => {
  it("starts the worker on dbt's python with the project's paths, once for many invocations", async () => {
    const worker = fakeWorker((req, child) => {
      if (req.cmd === "exit") return child.exit(0);
      child.send({ type: "event", id: req.id, line: startLine });
      child.send({
        type: "result",
        id: req.id,
        success: true,
        exception: null,
        run_results: runResults,
        seconds: 1.25,
        cpu_seconds: 1.0,
        sql_seconds: 0.5,
      });
    });
    const session = await startDbtSession({ config, effects: { spawn: worker.spawn, locate } });
    expect(session.parseSeconds).toBe(0.25);
    expect(worker.spawned).toHaveLength(1);
    expect(worker.spawned[0]!.command).toBe("/venv/bin/python");
    expect(worker.spawned[0]!.args[0]).toBe(WORKER_SCRIPT);
    expect(JSON.parse(worker.spawned[0]!.args[1]!)).toEqual([
      "--project-dir",
      "/w/dbt",
      "--profiles-dir",
      "/w/dbt",
      "--target",
      "dev",
      "--target-path",
      "/w/data/dbt/target",
      "--log-path",
      "/w/data/dbt/logs",
      "--log-level",
      "none",
      "--log-level-file",
      "none",
    ]);

    const events: DbtProgressEvent[] = [];
    const first = await session.invoke(["build"], { onEvent: (e) => events.push(e) });
    const second = await session.invoke(["build"]);
    expect(first).toMatchObject({ exitCode: 0, seconds: 1.25, cpuSeconds: 1.0, sqlSeconds: 0.5 });
    expect(first.results?.results.map((r) => r.status)).toEqual(["success", "pass"]);
    expect(second.exitCode).toBe(0);
    expect(events).toEqual([
      { type: "started", uniqueId: "model.p.m", resourceType: "model", name: "m", index: 1, total: 2 },
    ]);
    expect(worker.spawned).toHaveLength(1);
    await session.close();
  });

  it("reports failing nodes as exit code 1 and a failure of dbt itself as 2", async () => {
    let n = 0;
    const worker = fakeWorker((req, child) => {
      if (req.cmd === "exit") return child.exit(0);
      n += 1;
      child.send({
        type: "result",
        id: req.id,
        success: false,
        exception: n === 1 ? null : "dbt.exceptions.DbtRuntimeError: Database Error",
        run_results: n === 1 ? runResults : null,
        seconds: 1,
        cpu_seconds: 1,
        sql_seconds: 0.5,
      });
    });
    const session = await startDbtSession({ config, effects: { spawn: worker.spawn, locate } });
    expect((await session.invoke(["build"])).exitCode).toBe(1);
    const broken = await session.invoke(["build"]);
    expect(broken.exitCode).toBe(2);
    expect(broken.outputTail).toContain("dbt.exceptions.DbtRuntimeError: Database Error");
    await session.close();
  });

  it("says what failed when the project does not load", async () => {
    const worker = fakeWorker(() => {}, { ready: false });
    const err = await startDbtSession({ config, effects: { spawn: worker.spawn, locate } }).catch((e) => e);
    expect(err).toBeInstanceOf(SbdkError);
    expect((err as SbdkError).code).toBe("failed:dbt");
    expect((err as SbdkError).message).toContain("Compilation Error in model m");
  });

  it("fails the invocation, not the caller, when the worker dies", async () => {
    const worker = fakeWorker((req, child) => {
      if (req.cmd === "invoke") child.exit(null, "SIGKILL");
    });
    const session = await startDbtSession({ config, effects: { spawn: worker.spawn, locate } });
    const err = await session.invoke(["build"]).catch((e) => e);
    expect(err).toBeInstanceOf(SbdkError);
    expect((err as SbdkError).message).toMatch(/exited during dbt build \(killed by SIGKILL\)/);
    await expect(session.invoke(["build"])).rejects.toThrow(/is not running/);
  });

  it("stops dbt when the job is cancelled", async () => {
    let child: FakeChild | null = null;
    const worker = fakeWorker((req, c) => {
      child = c;
    });
    const session = await startDbtSession({ config, effects: { spawn: worker.spawn, locate } });
    const controller = new AbortController();
    const running = session.invoke(["build"], { signal: controller.signal });
    await new Promise((r) => setImmediate(r));
    controller.abort();
    await expect(running).rejects.toThrow(/dbt was stopped/);
    expect(child!.killed).toBe("SIGKILL");
  });
});
