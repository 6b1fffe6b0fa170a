"use client";
/**
 * The backfills page's side of the wire: fetch a preview (GET /api/backfills/<name>/preview),
 * ask for an apply (POST /api/backfills/<name>/apply) and follow it live over Server-Sent Events
 * (GET /api/backfills/applies/<id>/events), folding its events into what the page draws.
 */
import { useEffect, useReducer, useRef } from "react";
import {
  applyRecordSchema,
  backfillEventSchema,
  previewSchema,
  type ApplyRecord,
  type BackfillEvent,
  type BackfillPreview,
} from "@/lib/shared/backfills";
import type { ApiError } from "./runs";

function apiError(json: unknown, fallback: string): ApiError {
  const error = (json as { error?: Partial<ApiError> } | null)?.error;
  return {
    code: error?.code ?? "failed:backfill",
    message: error?.message ?? fallback,
    ...(error?.field ? { field: error.field } : {}),
    ...(error?.hint ? { hint: error.hint } : {}),
    ...(error?.details ? { details: error.details } : {}),
  };
}

async function call(url: string, init?: RequestInit): Promise<{ status: number; json: unknown } | ApiError> {
  try {
    const res = await fetch(url, { cache: "no-store", ...init });
    return { status: res.status, json: await res.json().catch(() => null) };
  } catch (err) {
    return {
      code: "failed:backfill",
      message: `the server could not be reached: ${err instanceof Error ? err.message : String(err)}`,
      hint: "is `npm start` still running?",
    };
  }
}

export type PreviewResult =
  { status: "ready"; preview: BackfillPreview } | { status: "error"; error: ApiError };

/** The dry run of a backfill. Never throws: a refusal or a failure is a result. */
export async function fetchPreview(name: string, batchDays?: number): Promise<PreviewResult> {
  const query = batchDays !== undefined ? `?batch_days=${batchDays}` : "";
  const res = await call(`/api/backfills/${encodeURIComponent(name)}/preview${query}`);
  if ("code" in res) return { status: "error", error: res };
  if (res.status === 200) {
    const preview = previewSchema.safeParse(res.json);
    if (preview.success) return { status: "ready", preview: preview.data };
    return {
      status: "error",
      error: { code: "failed:backfill", message: "the preview has an unexpected shape" },
    };
  }
  return { status: "error", error: apiError(res.json, `the server answered ${res.status}`) };
}

export type StartApplyResult =
  | { status: "started"; id: string }
  | { status: "busy"; error: ApiError }
  | { status: "error"; error: ApiError };

/** Asks the server to apply a backfill. Never throws. */
export async function requestApply(
  name: string,
  body: { batch_days?: number } = {},
): Promise<StartApplyResult> {
  const res = await call(`/api/backfills/${encodeURIComponent(name)}/apply`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if ("code" in res) return { status: "error", error: res };
  const id = (res.json as { apply?: { id?: unknown } } | null)?.apply?.id;
  if (res.status === 202 && typeof id === "string") return { status: "started", id };
  if (res.status === 409)
    return { status: "busy", error: apiError(res.json, "another job is writing the warehouse") };
  return { status: "error", error: apiError(res.json, `the server answered ${res.status}`) };
}

export interface ApplyBatchLine {
  batch: number;
  batches: number;
  start: string;
  end: string;
  rows: number;
  test: string;
  seconds: number;
}

export interface ApplyStreamState {
  /** Days filled so far and to fill, rows filled so far. */
  daysDone: number;
  daysPlanned: number;
  rowsDone: number;
  rowsPlanned: number;
  batches: ApplyBatchLine[];
  batchCount: number;
  /** What runs now: dbt's start, the batches, the project's run, its tests, the publish. */
  phase: "starting" | "batches" | "run" | "test" | "publish" | "done";
  stages: { stage: "run" | "test" | "publish"; seconds: number; detail: string | null }[];
  log: string[];
  record: ApplyRecord | null;
  error: { message: string; hint?: string } | null;
  connection: "idle" | "connecting" | "open" | "done" | "lost" | "failed";
}

const initial: ApplyStreamState = {
  daysDone: 0,
  daysPlanned: 0,
  rowsDone: 0,
  rowsPlanned: 0,
  batches: [],
  batchCount: 0,
  phase: "starting",
  stages: [],
  log: [],
  record: null,
  error: null,
  connection: "idle",
};

type Action =
  | { type: "connect" }
  | { type: "reset" }
  | { type: "event"; event: BackfillEvent }
  | { type: "log"; line: string }
  | { type: "done"; record: ApplyRecord | null; error: ApplyStreamState["error"] }
  | { type: "connection"; connection: ApplyStreamState["connection"] };

/** Folds one event of an apply into the state the page draws. */
export function stepApply(state: ApplyStreamState, event: BackfillEvent): ApplyStreamState {
  switch (event.type) {
    case "start":
      return {
        ...state,
        daysPlanned: event.days,
        rowsPlanned: event.rows,
        batchCount: event.batches,
        phase: event.batches ? "batches" : state.phase,
      };
    case "dbt-ready":
    case "node":
      return state;
    case "batch":
      return {
        ...state,
        phase: "batches",
        daysDone: event.daysDone,
        rowsDone: event.rowsDone,
        batches: [
          ...state.batches,
          {
            batch: event.batch,
            batches: event.batches,
            start: event.start,
            end: event.end,
            rows: event.rows,
            test: event.test,
            seconds: event.seconds,
          },
        ],
      };
    case "stage":
      return event.status === "started"
        ? { ...state, phase: event.stage }
        : {
            ...state,
            stages: [
              ...state.stages,
              { stage: event.stage, seconds: event.seconds ?? 0, detail: event.detail ?? null },
            ],
          };
    case "applied":
      return { ...state, record: event.record };
  }
}

function reduce(state: ApplyStreamState, action: Action): ApplyStreamState {
  switch (action.type) {
    case "connect":
      return { ...initial, connection: "connecting" };
    case "reset":
      return { ...initial, connection: "open" };
    case "event":
      return stepApply(state, action.event);
    case "log":
      return { ...state, log: [...state.log.slice(-199), action.line] };
    case "done":
      return {
        ...state,
        phase: "done",
        record: action.record ?? state.record,
        error: action.error,
        connection: "done",
      };
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

/** Follows apply `id` live (null: nothing to follow); `onDone` once it has ended. */
export function useApplyStream(id: string | null, onDone?: () => void): ApplyStreamState {
  const [state, dispatch] = useReducer(reduce, initial);
  const onDoneRef = useRef(onDone);
  useEffect(() => {
    onDoneRef.current = onDone;
  });
  useEffect(() => {
    if (!id) return;
    dispatch({ type: "connect" });
    const source = new EventSource(`/api/backfills/applies/${encodeURIComponent(id)}/events`);
    let finished = false;
    // Every (re)connection replays the apply from its start.
    source.addEventListener("apply", () => dispatch({ type: "reset" }));
    source.addEventListener("backfill", (e) => {
      const event = backfillEventSchema.safeParse(parse((e as MessageEvent<string>).data));
      if (event.success) dispatch({ type: "event", event: event.data });
    });
    source.addEventListener("log", (e) => {
      const line = (parse((e as MessageEvent<string>).data) as { line?: unknown } | null)?.line;
      if (typeof line === "string") dispatch({ type: "log", line });
    });
    source.addEventListener("done", (e) => {
      finished = true;
      source.close();
      const data = parse((e as MessageEvent<string>).data) as { record?: unknown; error?: unknown } | null;
      const record = applyRecordSchema.safeParse(data?.record);
      const error = data?.error as ApplyStreamState["error"] | undefined;
      dispatch({ type: "done", record: record.success ? record.data : null, error: error ?? null });
      onDoneRef.current?.();
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
