import "server-only";
/**
 * Following a run, wherever it executes: a run of this server's queue is followed live; a run
 * another process executes (`sbdk run` in a terminal) by reading its history files as they
 * grow; a finished run is replayed from its history. Either way a follower gets the record,
 * the events so far, new ones as they come, and `done` with the final record.
 * runEventStream encodes that as Server-Sent Events for GET /api/runs/[id]/events.
 */
import { isFinished } from "@/lib/shared/runs";
import type { RunListener, RunQueue, RunStreamItem } from "./queue";
import type { RunStore } from "./store";

export interface FollowOptions {
  queue: RunQueue;
  store: RunStore;
  /** How often the files of a run executed elsewhere are read again. */
  pollMs?: number;
}

/**
 * Sends `listener` the run's items; returns the way to stop following. Throws not_found:runs
 * for an unknown id before sending anything.
 */
export function followRun(id: string, listener: RunListener, options: FollowOptions): () => void {
  const stopLive = options.queue.watch(id, listener);
  if (stopLive) return stopLive;

  const { store } = options;
  let run = store.get(id);
  listener({ type: "run", run });
  // Events as the job's kind writes them: pipeline events, or simulation events.
  const readEvents = (offset: number): number => {
    if (run.kind === "simulation") {
      const read = store.readSimulationEvents(id, offset);
      for (const event of read.events) listener({ type: "simulation", event });
      return read.offset;
    }
    const read = store.readEvents(id, offset);
    for (const event of read.events) listener({ type: "event", event });
    return read.offset;
  };
  let eventsOffset = readEvents(0);
  if (isFinished(run.status)) {
    listener({ type: "done", run });
    return () => {};
  }

  // Executed by another process: read its files as they grow until its record is closed.
  let log = store.readLogLines(id);
  for (const line of log.lines) listener({ type: "log", line });
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    try {
      const next = store.get(id);
      eventsOffset = readEvents(eventsOffset);
      log = store.readLogLines(id, log.offset);
      for (const line of log.lines) listener({ type: "log", line });
      if (next.status !== run.status && !isFinished(next.status)) listener({ type: "run", run: next });
      run = next;
      if (isFinished(run.status)) {
        stop();
        listener({ type: "done", run });
      }
    } catch (err) {
      stop();
      listener({ type: "done", run: { ...run } });
      console.error(`sbdk: following run ${id} failed`, err);
    }
  }, options.pollMs ?? 500);
  timer.unref?.();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}

/**
 * The SSE name of each item: `pipeline` for pipeline events, `simulation` for a simulation
 * job's, else the item's type.
 */
export function sseMessage(item: RunStreamItem): string {
  switch (item.type) {
    case "run":
    case "done":
      return `event: ${item.type}\ndata: ${JSON.stringify(item.run)}\n\n`;
    case "event":
      return `event: pipeline\ndata: ${JSON.stringify(item.event)}\n\n`;
    case "simulation":
      return `event: simulation\ndata: ${JSON.stringify(item.event)}\n\n`;
    case "log":
      return `event: log\ndata: ${JSON.stringify({ line: item.line })}\n\n`;
  }
}

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform and an explicit identity encoding keep `next start`'s gzip from buffering events.
  "Cache-Control": "no-cache, no-transform",
  "Content-Encoding": "none",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
} as const;

/**
 * The run's items as a Server-Sent Events body, closed after `done` or when the client leaves
 * (`signal`). A comment line every `heartbeatMs` keeps idle connections open.
 */
export function runEventStream(
  id: string,
  options: FollowOptions & { signal?: AbortSignal; heartbeatMs?: number },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  // Queued before the stream starts, so an unknown id throws here (a 404), not mid-stream.
  const early: RunStreamItem[] = [];
  let push: (item: RunStreamItem) => void = (item) => early.push(item);
  const stop = followRun(id, (item) => push(item), options);
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  let closed = false;
  const cleanup = () => {
    closed = true;
    stop();
    if (heartbeat) clearInterval(heartbeat);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        if (closed) return;
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      push = (item) => {
        if (closed) return;
        controller.enqueue(encoder.encode(sseMessage(item)));
        if (item.type === "done") close();
      };
      controller.enqueue(encoder.encode(`retry: 2000\n\n`));
      for (const item of early.splice(0)) push(item);
      if (closed) return;
      heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(`: keep-alive\n\n`));
      }, options.heartbeatMs ?? 15_000);
      heartbeat.unref?.();
      options.signal?.addEventListener("abort", close, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
}
