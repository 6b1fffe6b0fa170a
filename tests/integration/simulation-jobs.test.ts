/**
 * Simulation jobs started over HTTP, end to end: the route handlers called with real Requests,
 * the server's one run queue starting real `sbdk simulate --run-id … --events` children (real
 * DuckDB, real dbt), their history on disk, their Server-Sent Events, a pause after the day
 * under way and a stop at once.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getEvents } from "@/app/api/runs/[id]/events/route";
import { POST as postRun } from "@/app/api/runs/route";
import { POST as postPause } from "@/app/api/simulation/pause/route";
import { GET as getSimulation, POST as postSimulation } from "@/app/api/simulation/route";
import { loadConfig } from "@/lib/server/config";
import { computeDashboardViews } from "@/lib/server/dashboard/snapshot";
import { readDayManifest } from "@/lib/server/simulation/player";
import { getRunQueue } from "@/lib/server/runs/queue";
import { RunStore } from "@/lib/server/runs/store";
import { EMPTY_FILTERS } from "@/lib/shared/dashboard/filters";
import type { Kpis } from "@/lib/shared/dashboard/types";
import { manifestSchema } from "@/lib/shared/manifest";
import { runRecordSchema, type RunRecord, type SimulationRunRecord } from "@/lib/shared/runs";
import {
  simulationEventSchema,
  simulationManifestSchema,
  type SimulationEvent,
  type SimulationManifest,
} from "@/lib/shared/simulation";
import { tempProject, type TempProject } from "./helpers";

const SMALL = { seed: 7, users: 300, days: 30, start_date: "2026-03-01" };
const BASE = "http://localhost";

function request(url: string, body?: string): Request {
  return new Request(`${BASE}${url}`, {
    method: "POST",
    headers: { "content-type": "application/json", "sec-fetch-site": "same-origin" },
    ...(body === undefined ? {} : { body }),
  });
}

async function simulateRequest(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await postSimulation(request("/api/simulation", JSON.stringify(body)));
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The job's SSE stream, read to its end (`done`): its record and its simulation events. */
async function follow(id: string): Promise<{ done: RunRecord; events: SimulationEvent[] }> {
  const res = await getEvents(new Request(`${BASE}/api/runs/${id}/events`), {
    params: Promise.resolve({ id }),
  });
  const events: SimulationEvent[] = [];
  let done: RunRecord | null = null;
  for (const block of (await res.text()).split("\n\n")) {
    const event = /^event: (\S+)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (!event || !data) continue;
    if (event === "simulation") events.push(simulationEventSchema.parse(JSON.parse(data)));
    if (event === "done") done = runRecordSchema.parse(JSON.parse(data));
  }
  if (!done) throw new Error(`the stream of ${id} ended without done`);
  return { done, events };
}

async function waitFor<T>(probe: () => T | null | undefined | false, timeoutMs = 180_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function activeSimulation(): SimulationRunRecord | null {
  const run = getRunQueue().activeRun;
  return run?.kind === "simulation" ? run : null;
}

function simulationJson(project: TempProject): SimulationManifest {
  return simulationManifestSchema.parse(
    JSON.parse(readFileSync(join(project.publishPath, "simulation.json"), "utf8")),
  );
}

describe("simulation jobs from the web app, on real dbt", () => {
  let project: TempProject;
  let store: RunStore;
  const savedConfig = process.env.SBDK_CONFIG;

  beforeAll(() => {
    project = tempProject(SMALL);
    process.env.SBDK_CONFIG = project.configFile;
    store = new RunStore(join(project.dir, "data", "runs"));
  });

  afterAll(async () => {
    await getRunQueue().idle();
    if (savedConfig === undefined) delete process.env.SBDK_CONFIG;
    else process.env.SBDK_CONFIG = savedConfig;
  });

  it("a bad body gets 400 naming the field, and starts nothing; a pause with nothing playing is 409", async () => {
    const cases: [string, string, string][] = [
      ["{}", "action", 'expected "action" to be one of reset, step, play'],
      ['{"action": "play"}', "days", "required: the number of days (1 to 365)"],
      ['{"action": "play", "days": 400}', "days", "expected at most 365 days"],
      ['{"action": "step", "days": 2}', "days", '"days" is not a setting of "step"'],
      ['{"action": "reset", "seed": -1}', "seed", "expected 0 or more"],
      ['{"action": "play"', "body", "the body is not valid JSON"],
    ];
    for (const [body, field, message] of cases) {
      const res = await postSimulation(request("/api/simulation", body));
      expect(res.status, body).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; field: string; message: string } };
      expect(error, body).toMatchObject({ code: "invalid:simulate", field });
      expect(error.message, body).toContain(message);
    }
    const pause = await postPause(request("/api/simulation/pause"));
    expect(pause.status).toBe(409);
    expect(((await pause.json()) as { error: { code: string } }).error.code).toBe("conflict:simulate");
    expect(store.list()).toEqual([]);
    expect(getRunQueue().length).toBe(0);
  });

  describe("step, play paused after a day, play stopped at once", () => {
    let step: { done: RunRecord; events: SimulationEvent[] };
    let refusedPlay: { status: number; json: Record<string, unknown> };
    let refusedRun: Response;

    beforeAll(async () => {
      const started = await simulateRequest({ action: "step" });
      expect(started.status).toBe(202);
      const run = runRecordSchema.parse(started.json.run);
      refusedPlay = await simulateRequest({ action: "play", days: 2 });
      refusedRun = await postRun(request("/api/runs", "{}"));
      step = await follow(run.id);
    }, 400_000);

    it("a step runs day 1 of a new simulation and streams it stage by stage", () => {
      const { done, events } = step;
      expect(done).toMatchObject({
        kind: "simulation",
        trigger: "browser",
        status: "succeeded",
        exit_code: 0,
      });
      expect(done.kind === "simulation" && done.params).toEqual({
        action: "step",
        days: 1,
        seconds_per_day: 0,
      });
      const types = events.map((e) => e.type);
      expect(types[0]).toBe("start");
      expect(events[0]).toMatchObject({ type: "start", fromDay: 1, toDay: 1, started: true, seed: 7 });
      expect(types.filter((t) => t === "day-started")).toHaveLength(1);
      expect(types.at(-1)).toBe("day");
      const stages = events.flatMap((e) => (e.type === "stage" ? [`${e.stage}:${e.status}`] : []));
      expect(stages).toEqual([
        "generate:started",
        "generate:finished",
        "load:finished",
        "dbt:started",
        "dbt:finished",
        "publish:started",
        "publish:finished",
      ]);
      const published = manifestSchema.parse(
        JSON.parse(readFileSync(join(project.publishPath, "manifest.json"), "utf8")),
      );
      expect(events.filter((e) => e.type === "table")).toHaveLength(published.tables.length);
      expect(done.progress.map((s) => [s.key, s.status])).toEqual([
        ["generate", "succeeded"],
        ["load", "succeeded"],
        ["models", "succeeded"],
        ["tests", "succeeded"],
        ["publish", "succeeded"],
      ]);
      if (done.kind !== "simulation") throw new Error("expected a simulation job");
      expect(done.summary?.days.map((d) => d.day)).toEqual([1]);
      expect(done.summary?.paused).toBe(false);
      expect(done.settings).toEqual({ seed: 7, users: 300, days: 1, start_date: "2026-03-01", scale: 1 });
      expect(simulationJson(project).days.map((d) => d.day)).toEqual([1]);
    });

    it("while it ran, a play and a pipeline run were refused, naming it", async () => {
      expect(refusedPlay.status).toBe(409);
      expect(refusedPlay.json.activeRunId).toBe(step.done.id);
      expect(refusedPlay.json.activeKind).toBe("simulation");
      expect((refusedPlay.json.error as { message: string }).message).toMatch(
        new RegExp(`^simulation job ${step.done.id} \\(step one day\\) is (queued|running)`),
      );
      expect(refusedRun.status).toBe(409);
      expect(((await refusedRun.json()) as { activeRunId: string }).activeRunId).toBe(step.done.id);
      expect(store.list().map((r) => r.id)).toEqual([step.done.id]);
    });

    it("GET /api/simulation gives the days, current, and no active job", async () => {
      const status = (await (await getSimulation()).json()) as {
        simulation: SimulationManifest;
        current: boolean;
        active: RunRecord | null;
      };
      expect(status.simulation.days.map((d) => d.day)).toEqual([1]);
      expect(status.current).toBe(true);
      expect(status.active).toBeNull();
    });

    it("a day's snapshot draws the dashboard of that day: its figures are the day's summary", async () => {
      const config = loadConfig();
      const day = simulationJson(project).days[0]!;
      const manifest = await readDayManifest(config.publish_path, day);
      expect(manifest?.generated_at).toBe(day.published_at);
      expect(
        manifest?.tables.every((t) =>
          t.file.startsWith(`simulation/${simulationJson(project).simulation_id}/day-0001/`),
        ),
      ).toBe(true);
      const views = await computeDashboardViews(config.publish_path, manifest!, EMPTY_FILTERS);
      const kpis = views?.kpis as Kpis;
      expect(kpis.generations).toBe(day.summary.generations);
      expect(kpis.sessions).toBe(day.summary.sessions);
      expect(kpis.revenue_usd).toBeCloseTo(day.summary.revenue_usd, 6);
      expect(kpis.success_rate).toBeCloseTo(day.summary.success_rate!, 9);
    });

    it("a pause stops a play once the day under way is done", async () => {
      const started = await simulateRequest({ action: "play", days: 3 });
      expect(started.status).toBe(202);
      const id = runRecordSchema.parse(started.json.run).id;
      await waitFor(() => activeSimulation()?.simulation.day === 2);
      const paused = await postPause(request("/api/simulation/pause"));
      expect(paused.status).toBe(202);
      const { done, events } = await follow(id);
      if (done.kind !== "simulation") throw new Error("expected a simulation job");
      expect(done.status).toBe("succeeded");
      expect(done.summary).toMatchObject({ from_day: 2, to_day: 4, paused: true });
      expect(done.summary?.days.map((d) => d.day)).toEqual([2]);
      expect(done.simulation.pause_requested).toBe(true);
      expect(events.find((e) => e.type === "pause")).toEqual({ type: "pause", day: 2, now: false });
      expect(
        events.filter((e) => e.type === "day-started").map((e) => (e.type === "day-started" ? e.day : 0)),
      ).toEqual([2]);
      expect(store.logTail(id).text).toContain("paused after day 2: 2 of the days asked for are left");
      expect(simulationJson(project).days.map((d) => d.day)).toEqual([1, 2]);
    }, 400_000);

    it("stopping at once ends a play inside its day, as interrupted; the days before are kept", async () => {
      const started = await simulateRequest({ action: "play", days: 2 });
      const id = runRecordSchema.parse(started.json.run).id;
      await waitFor(() => {
        const run = activeSimulation();
        return (
          run?.simulation.day === 3 && run.progress.find((s) => s.key === "models")?.status === "running"
        );
      });
      const stopped = await postPause(request("/api/simulation/pause", '{"now": true}'));
      expect(stopped.status).toBe(202);
      const { done } = await follow(id);
      expect(done.status).toBe("interrupted");
      expect(done.error?.message).toBe("the simulation was stopped during day 3");
      expect(done.progress.find((s) => s.key === "publish")?.status).toBe("skipped");
      expect(simulationJson(project).days.map((d) => d.day)).toEqual([1, 2]);
      // The runs page lists every job, newest first, with its kind.
      expect(store.list().map((r) => [r.kind, r.status])).toEqual([
        ["simulation", "interrupted"],
        ["simulation", "succeeded"],
        ["simulation", "succeeded"],
      ]);
    }, 400_000);
  });
});
