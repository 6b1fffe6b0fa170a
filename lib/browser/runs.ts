"use client";
/**
 * Runs from the browser: ask the server for a pipeline run (POST /api/runs) or a simulation
 * job (POST /api/simulation), and follow one live over Server-Sent Events (GET
 * /api/runs/<id>/events), folding its events into the five-stage progress the run panel, the
 * run page and the player draw (for a simulation: the day under way's, and the days it did).
 */
import { useEffect, useReducer, useRef } from "react";
import { pipelineEventSchema } from "@/lib/shared/pipeline-events";
import {
  emptyRunProgress,
  runRecordSchema,
  stepRunProgress,
  stepSimulationRunProgress,
  type RunParams,
  type RunProgress,
  type RunRecord,
} from "@/lib/shared/runs";
import {
  emptySimulationJobProgress,
  simulationEventSchema,
  stepSimulationJobProgress,
  type DaySummary,
  type SimulationJobProgress,
  type SimulationRequest,
} from "@/lib/shared/simulation";

export interface ApiError {
  code: string;
  message: string;
  field?: string;
  hint?: string;
  details?: string[];
}

export type StartRunResult =
  | { status: "started"; run: RunRecord }
  /** Another run holds the warehouse; `activeRunId` is the one to follow, when known. */
  | { status: "busy"; activeRunId: string | null; activeKind: RunRecord["kind"] | null; error: ApiError }
  | { status: "error"; error: ApiError };

function apiError(json: unknown, fallback: string): ApiError {
  const error = (json as { error?: Partial<ApiError> } | null)?.error;
  return {
    code: error?.code ?? "failed:runs",
    message: error?.message ?? fallback,
    ...(error?.field ? { field: error.field } : {}),
    ...(error?.hint ? { hint: error.hint } : {}),
  };
}

/** Asks the server for a pipeline run. Never throws: a refusal or a failure is a result. */
export function requestRun(params: RunParams = {}): Promise<StartRunResult> {
  return postJob("/api/runs", params);
}

/** Asks the server for a simulation job (reset, step, play). Never throws. */
export function requestSimulation(request: SimulationRequest): Promise<StartRunResult> {
  return postJob("/api/simulation", request);
}

/** Asks the server to pause the playing simulation (after the day under way, or `now`). */
export async function requestPause(now = false): Promise<{ ok: true } | { ok: false; error: ApiError }> {
  try {
    const res = await fetch("/api/simulation/pause", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ now }),
    });
    if (res.status === 202) return { ok: true };
    return {
      ok: false,
      error: apiError(await res.json().catch(() => null), `the server answered ${res.status}`),
    };
  } catch (err) {
    return {
      ok: false,
      error: {
        code: "failed:simulate",
        message: `the server could not be reached: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
}

async function postJob(url: string, body: unknown): Promise<StartRunResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (err) {
    return {
      status: "error",
      error: {
        code: "failed:runs",
        message: `the server could not be reached: ${err instanceof Error ? err.message : String(err)}`,
        hint: "is `npm start` still running?",
      },
    };
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.status === 202) {
    const run = runRecordSchema.safeParse((json as { run?: unknown } | null)?.run);
    if (run.success) return { status: "started", run: run.data };
  }
  if (res.status === 409) {
    const { activeRunId, activeKind } = (json ?? {}) as { activeRunId?: unknown; activeKind?: unknown };
    return {
      status: "busy",
      activeRunId: typeof activeRunId === "string" ? activeRunId : null,
      activeKind: activeKind === "pipeline" || activeKind === "simulation" ? activeKind : null,
      error: apiError(json, "another run is in progress"),
    };
  }
  return { status: "error", error: apiError(json, `the server answered ${res.status}`) };
}

/** The run that holds the warehouse now, if any (for a button opened on a busy server). */
export async function fetchActiveRun(): Promise<RunRecord | null> {
  try {
    const res = await fetch("/api/runs?limit=1", { cache: "no-store" });
    if (!res.ok) return null;
    const active = runRecordSchema.safeParse((await res.json())?.active);
    return active.success ? active.data : null;
  } catch {
    return null;
  }
}

export const LOG_LINES_KEPT = 500;

export interface RunStreamState {
  run: RunRecord | null;
  /** The five stages: of the run, or of a simulation's day under way. */
  progress: RunProgress;
  /** The last lines the run printed (while it runs). */
  log: string[];
  /** connecting → open → done; `lost` while the browser reconnects, `failed` when it gave up. */
  connection: "idle" | "connecting" | "open" | "done" | "lost" | "failed";
  /** A simulation job: which day, how many done, whether a pause was asked for. */
  simulation: SimulationJobProgress;
  /** The days a simulation job has finished so far, in order. */
  days: DaySummary[];
  /** A simulation's pace holds day `day` back until `until` (ms since the epoch), if so. */
  waiting: { day: number; until: number } | null;
}

type Action =
  | { type: "connect" }
  | { type: "run"; run: RunRecord; reset: boolean }
  | { type: "pipeline"; event: unknown }
  | { type: "simulation"; event: unknown; at: number }
  | { type: "log"; line: string }
  | { type: "done"; run: RunRecord }
  | { type: "connection"; connection: RunStreamState["connection"] };

const initial: RunStreamState = {
  run: null,
  progress: emptyRunProgress(),
  log: [],
  connection: "idle",
  simulation: emptySimulationJobProgress(),
  days: [],
  waiting: null,
};

function reduce(state: RunStreamState, action: Action): RunStreamState {
  switch (action.type) {
    case "connect":
      return { ...initial, run: state.run, connection: "connecting" };
    case "run":
      // A (re)connection replays the run from the start.
      return action.reset
        ? { ...initial, run: action.run, connection: "open" }
        : { ...state, run: action.run, connection: "open" };
    case "pipeline": {
      const event = pipelineEventSchema.safeParse(action.event);
      return event.success ? { ...state, progress: stepRunProgress(state.progress, event.data) } : state;
    }
    case "simulation": {
      const parsed = simulationEventSchema.safeParse(action.event);
      if (!parsed.success) return state;
      const event = parsed.data;
      return {
        ...state,
        progress: stepSimulationRunProgress(state.progress, event),
        simulation: stepSimulationJobProgress(state.simulation, event),
        days: event.type === "day" ? [...state.days, event.summary] : state.days,
        waiting:
          event.type === "wait"
            ? { day: event.day, until: action.at + event.seconds * 1000 }
            : event.type === "day-started" || event.type === "pause"
              ? null
              : state.waiting,
      };
    }
    case "log": {
      const log =
        state.log.length >= LOG_LINES_KEPT ? state.log.slice(-LOG_LINES_KEPT + 1) : state.log.slice();
      log.push(action.line);
      return { ...state, log };
    }
    case "done":
      return { ...state, run: action.run, progress: action.run.progress, connection: "done", waiting: null };
    case "connection":
      return state.connection === "done" ? state : { ...state, connection: action.connection };
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return null;
  }
}

/**
 * Follows run `id` live (null: nothing to follow). `onDone` is called once with the final
 * record when the run has ended.
 */
export function useRunStream(id: string | null, onDone?: (run: RunRecord) => void): RunStreamState {
  const [state, dispatch] = useReducer(reduce, initial);
  // Read when the run ends: a new callback must not reconnect the stream.
  const onDoneRef = useRef(onDone);
  useEffect(() => {
    onDoneRef.current = onDone;
  });
  useEffect(() => {
    if (!id) return;
    dispatch({ type: "connect" });
    const source = new EventSource(`/api/runs/${encodeURIComponent(id)}/events`);
    let fresh = true;
    let finished = false;
    source.addEventListener("open", () => {
      fresh = true;
    });
    source.addEventListener("run", (e) => {
      const run = runRecordSchema.safeParse(parse((e as MessageEvent<string>).data));
      if (!run.success) return;
      dispatch({ type: "run", run: run.data, reset: fresh });
      fresh = false;
    });
    source.addEventListener("pipeline", (e) => {
      dispatch({ type: "pipeline", event: parse((e as MessageEvent<string>).data) });
    });
    source.addEventListener("simulation", (e) => {
      dispatch({ type: "simulation", event: parse((e as MessageEvent<string>).data), at: Date.now() });
    });
    source.addEventListener("log", (e) => {
      const line = (parse((e as MessageEvent<string>).data) as { line?: unknown } | null)?.line;
      if (typeof line === "string") dispatch({ type: "log", line });
    });
    source.addEventListener("done", (e) => {
      const run = runRecordSchema.safeParse(parse((e as MessageEvent<string>).data));
      // The stream ends here; without close() the browser would connect again.
      finished = true;
      source.close();
      if (!run.success) return;
      dispatch({ type: "done", run: run.data });
      onDoneRef.current?.(run.data);
    });
    source.addEventListener("error", () => {
      if (finished) return;
      dispatch({
        type: "connection",
        connection: source.readyState === EventSource.CLOSED ? "failed" : "lost",
      });
    });
    return () => {
      finished = true;
      source.close();
    };
  }, [id]);
  return state;
}
