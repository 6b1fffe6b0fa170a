import "server-only";
/**
 * What the web app asks of the run history and the queue: start a run, list runs, one run with
 * its log, follow a run. Routes and pages call these and nothing below them.
 */
import { parseRunParams, type RunRecord, type RunTrigger } from "@/lib/shared/runs";
import { loadConfig } from "../config";
import { runEventStream } from "./follow";
import { getRunQueue, type RunQueue } from "./queue";
import { RunStore, type LogTail } from "./store";

export interface RunServices {
  queue: RunQueue;
  store: RunStore;
}

/** The server's queue and the history of the server's warehouse. */
export function runServices(): RunServices {
  return { queue: getRunQueue(), store: RunStore.forConfig(loadConfig()) };
}

/**
 * Starts a run asked for over HTTP: the body is validated (invalid:runs naming the field), and
 * the run is refused with a RunConflictError while another one is active.
 */
export function startRun(body: unknown, trigger: RunTrigger, services = runServices()): RunRecord {
  const params = parseRunParams(body);
  return services.queue.submit(params, { trigger, whenBusy: "reject" });
}

export interface RunList {
  runs: RunRecord[];
  /** The run that holds the warehouse now (this server's, or a terminal's), if any. */
  active: RunRecord | null;
  /** Runs waiting in this server's queue. */
  queued: number;
}

export function listRuns(options: { limit?: number } = {}, services = runServices()): RunList {
  const runs = services.store.list(options);
  const active =
    services.queue.activeRun ?? runs.find((r) => r.status === "running" || r.status === "queued") ?? null;
  return { runs, active, queued: services.queue.queuedRuns.length };
}

export function getRun(id: string, services = runServices()): { run: RunRecord; log: LogTail } {
  const run = services.store.get(id);
  return { run, log: services.store.logTail(id) };
}

export function followRunEvents(
  id: string,
  signal: AbortSignal | undefined,
  services = runServices(),
): ReadableStream<Uint8Array> {
  return runEventStream(id, { ...services, ...(signal ? { signal } : {}) });
}
