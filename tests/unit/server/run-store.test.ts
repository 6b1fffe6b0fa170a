import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RUNS_KEPT, RunStore, runsDir } from "@/lib/server/runs/store";
import type { SbdkError } from "@/lib/shared/errors";
import type { PipelineEvent } from "@/lib/shared/pipeline-events";

let dir: string;
let clock: Date;
let alive: Set<number>;
let store: RunStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sbdk-store-"));
  clock = new Date("2026-11-23T02:58:01.000Z");
  alive = new Set([100]);
  store = new RunStore(join(dir, "runs"), { now: () => clock, isAlive: (pid) => alive.has(pid) });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const START: PipelineEvent = { type: "stage", stage: "generate", status: "started" };

describe("the run history", () => {
  it("lives beside the warehouse", () => {
    expect(runsDir({ duckdb_path: "/data/w/sbdk.duckdb" })).toBe("/data/w/runs");
  });

  it("creates a queued record in its own folder, written whole", () => {
    const run = store.create({ trigger: "browser", params: { seed: 3 }, pid: 100 });
    expect(run.id).toMatch(/^r-20261123-025801-[0-9a-z]{4}$/);
    expect(run).toMatchObject({ status: "queued", created: "2026-11-23T02:58:01.000Z", params: { seed: 3 } });
    expect(readdirSync(store.runDir(run.id))).toEqual(["run.json"]);
    expect(JSON.parse(readFileSync(join(store.runDir(run.id), "run.json"), "utf8"))).toEqual(run);
    expect(store.read(run.id)).toEqual(run);
  });

  it("gives runs created in the same second different ids", () => {
    const ids = new Set(
      Array.from({ length: 30 }, () => store.create({ trigger: "cli", params: {}, pid: 100 }).id),
    );
    expect(ids.size).toBe(30);
  });

  it("lists the newest runs first, up to the limit", () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      clock = new Date(Date.parse("2026-11-23T02:58:01.000Z") + i * 60_000);
      ids.push(store.create({ trigger: "cli", params: {}, pid: 100 }).id);
    }
    expect(store.list().map((r) => r.id)).toEqual([...ids].reverse());
    expect(store.list({ limit: 2 }).map((r) => r.id)).toEqual([ids[3], ids[2]]);
  });

  it("keeps the newest runs: creating one deletes the oldest finished runs beyond the limit", () => {
    expect(RUNS_KEPT).toBe(100);
    const small = new RunStore(join(dir, "runs"), { now: () => clock, isAlive: (pid) => alive.has(pid) }, 3);
    const at = (minute: number) => new Date(Date.parse("2026-11-23T02:58:01.000Z") + minute * 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock = at(i);
      const run = small.create({ trigger: "cli", params: {}, pid: 100 });
      small.write({ ...run, status: i === 1 ? "failed" : "succeeded", pid: 100 });
      ids.push(run.id);
    }
    expect(readdirSync(join(dir, "runs")).sort()).toEqual(ids);
    clock = at(3);
    const fourth = small.create({ trigger: "cli", params: {}, pid: 100 });
    // The oldest went, with its folder (events and log included); the others stay.
    expect(readdirSync(join(dir, "runs")).sort()).toEqual([ids[1], ids[2], fourth.id]);
    expect(small.read(ids[0]!)).toBeNull();
    clock = at(4);
    const fifth = small.create({ trigger: "cli", params: {}, pid: 100 });
    expect(small.list().map((r) => r.id)).toEqual([fifth.id, fourth.id, ids[2]]);
  });

  it("never deletes a run that is queued or running, but does one whose process is gone", () => {
    const small = new RunStore(join(dir, "runs"), { now: () => clock, isAlive: (pid) => alive.has(pid) }, 1);
    const at = (minute: number) => new Date(Date.parse("2026-11-23T02:58:01.000Z") + minute * 60_000);
    clock = at(0);
    const running = small.create({ trigger: "cli", params: {}, pid: 100 });
    small.write({ ...running, status: "running", pid: 100, started: at(0).toISOString() });
    clock = at(1);
    const dead = small.create({ trigger: "cli", params: {}, pid: 100 });
    small.write({ ...dead, status: "running", pid: 4321, started: at(1).toISOString() });
    // A folder another process has made but not yet written its record into.
    clock = at(2);
    const making = `r-20261123-030001-zzzz`;
    mkdirSync(join(dir, "runs", making));
    clock = at(3);
    const newest = small.create({ trigger: "cli", params: {}, pid: 100 });
    expect(readdirSync(join(dir, "runs")).sort()).toEqual([running.id, making, newest.id].sort());
    expect(small.read(running.id)?.status).toBe("running");
  });

  it("reads a run whose process is gone as interrupted, saying why", () => {
    const run = store.create({ trigger: "cli", params: {}, pid: 100 });
    store.write({ ...run, status: "running", pid: 4321, started: "2026-11-23T02:58:02.000Z" });
    const read = store.read(run.id)!;
    expect(read.status).toBe("interrupted");
    expect(read.error).toEqual({
      code: "failed:runs",
      message: "the run stopped before it finished: its process (pid 4321) is gone",
      hint: "the server or the command was stopped; the last complete publish is still served. Run it again.",
    });
    // Reading does not rewrite the record.
    expect(store.readRaw(run.id)?.status).toBe("running");
    alive.add(4321);
    expect(store.read(run.id)?.status).toBe("running");
  });

  it("keeps a finished run as it ended, whatever became of its process", () => {
    const run = store.create({ trigger: "cli", params: {}, pid: 100 });
    store.write({ ...run, status: "succeeded", pid: 4321 });
    expect(store.read(run.id)?.status).toBe("succeeded");
  });

  it("refuses to write a record that does not fit the schema", () => {
    const run = store.create({ trigger: "cli", params: {}, pid: 100 });
    expect(() => store.write({ ...run, status: "done" as never })).toThrow();
    expect(store.read(run.id)?.status).toBe("queued");
  });

  it("answers unknown and malformed ids with not_found, never a path outside the history", () => {
    for (const id of ["r-20990101-000000-zzzz", "../../etc", "r-20261123-025801-ab12/../../x"]) {
      expect(store.read(id)).toBeNull();
      const err = (() => {
        try {
          store.get(id);
        } catch (e) {
          return e as SbdkError;
        }
        return null;
      })();
      expect(err?.code, id).toBe("not_found:runs");
      expect(err?.status, id).toBe(404);
    }
  });

  it("reads events from an offset and leaves a line still being written for later", () => {
    const run = store.create({ trigger: "cli", params: {}, pid: 100 });
    store.appendEvent(run.id, START);
    const first = store.readEvents(run.id);
    expect(first.events).toEqual([START]);
    appendFileSync(join(store.runDir(run.id), "events.ndjson"), '{"type":"stage","stage":"lo');
    expect(store.readEvents(run.id, first.offset)).toEqual({ events: [], offset: first.offset });
    appendFileSync(join(store.runDir(run.id), "events.ndjson"), 'ad","status":"started"}\n');
    expect(store.readEvents(run.id, first.offset).events).toEqual([
      { type: "stage", stage: "load", status: "started" },
    ]);
  });

  it("shows the end of a long log, from a whole line", () => {
    const run = store.create({ trigger: "cli", params: {}, pid: 100 });
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`);
    writeFileSync(join(store.runDir(run.id), "log.txt"), lines.join("\n") + "\n");
    const tail = store.logTail(run.id, 100);
    expect(tail.truncated).toBe(true);
    expect(tail.text.split("\n")[0]).toMatch(/^line \d+$/);
    expect(tail.text.endsWith("line 1999\n")).toBe(true);
    expect(store.logTail(run.id).truncated).toBe(false);
    store.appendLog(run.id, "");
    expect(readFileSync(join(store.runDir(run.id), "log.txt"), "utf8").endsWith("line 1999\n\n")).toBe(true);
  });
});
