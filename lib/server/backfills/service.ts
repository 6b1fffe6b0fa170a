import "server-only";
/**
 * What the web app asks of the backfills: the list with statuses and the apply log, a preview,
 * an apply started from the browser and followed live. An apply runs as a child process
 * (`sbdk backfill --metric NAME --events --apply-id ID`), like a pipeline run, so a crash or a
 * kill cannot take the server down; it holds the runs queue while it runs (one writer), and its
 * stdout lines are the live events. Routes call these and nothing below them.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  BACKFILLS,
  backfillEventSchema,
  findBackfill,
  newApplyId,
  parseApplyRequest,
  type ApplyRecord,
  type BackfillEvent,
  type BackfillList,
  type BackfillPreview,
} from "@/lib/shared/backfills";
import type { Config } from "@/lib/shared/config";
import { isSbdkError, SbdkError } from "@/lib/shared/errors";
import { loadConfig } from "@/lib/server/config";
import { PACKAGE_ROOT } from "@/lib/server/paths";
import { getRunQueue, type ChildExit, type RunQueue } from "@/lib/server/runs/queue";
import { readApplies, readApply } from "./log";
import { previewBackfill } from "./preview";
import { openForReading, readBackfillStatuses } from "./status";

/** What a watcher of an apply receives: its events, the lines it prints, then the end. */
export type ApplyStreamItem =
  | { type: "event"; event: BackfillEvent }
  | { type: "log"; line: string }
  | { type: "done"; record: ApplyRecord | null; error: { message: string; hint?: string } | null };

export type ApplyListener = (item: ApplyStreamItem) => void;

export interface ApplyChild {
  exited: Promise<ChildExit>;
}

export type StartApplyChild = (
  job: { id: string; backfill: string; batchDays: number | undefined; config: Config },
  output: { stdout(line: string): void; stderr(line: string): void },
) => ApplyChild;

interface ActiveApply {
  id: string;
  backfill: string;
  buffer: ApplyStreamItem[];
  listeners: Set<ApplyListener>;
  stderr: string[];
}

export interface BackfillAppliesEffects {
  startChild: StartApplyChild;
  loadConfig(): Config;
  queue(): RunQueue;
  now(): Date;
  /** The apply's record once its process has ended (null when it wrote none). */
  readRecord(config: Config, id: string): Promise<ApplyRecord | null>;
}

/** The applies started from this server: one at a time, followed live while they run. */
export class BackfillApplies {
  private active: ActiveApply | null = null;

  constructor(private readonly effects: BackfillAppliesEffects) {}

  get current(): { id: string; backfill: string } | null {
    return this.active ? { id: this.active.id, backfill: this.active.backfill } : null;
  }

  /**
   * Starts an apply of backfill `name` with the request's body (validated). Throws
   * not_found:backfill for an unknown name, invalid:backfill for a bad body, and a
   * RunConflictError while a run or another job holds the warehouse.
   */
  start(name: string, body: unknown): { id: string; backfill: string } {
    const definition = findBackfill(name);
    const request = parseApplyRequest(body);
    const config = this.effects.loadConfig();
    const release = this.effects.queue().hold(`the backfill ${definition.name}`, config.duckdb_path);
    const id = newApplyId(this.effects.now());
    const job: ActiveApply = { id, backfill: definition.name, buffer: [], listeners: new Set(), stderr: [] };
    this.active = job;
    let child: ApplyChild;
    try {
      child = this.effects.startChild(
        { id, backfill: definition.name, batchDays: request.batch_days, config },
        {
          stdout: (line) => this.onStdout(job, line),
          stderr: (line) => {
            job.stderr.push(line);
            if (job.stderr.length > 40) job.stderr.shift();
            if (line.trim()) this.send(job, { type: "log", line });
          },
        },
      );
    } catch (err) {
      this.active = null;
      release();
      throw err;
    }
    void child.exited
      .then(
        (exit) => this.finish(job, config, exit),
        (err: unknown) => this.finish(job, config, { code: null, signal: null, error: err as Error }),
      )
      .finally(release);
    return { id, backfill: definition.name };
  }

  /** Sends what the apply has reported so far, then every new item; null when it is not running here. */
  watch(id: string, listener: ApplyListener): (() => void) | null {
    const job = this.active?.id === id ? this.active : null;
    if (!job) return null;
    for (const item of job.buffer) listener(item);
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  private send(job: ActiveApply, item: ApplyStreamItem): void {
    job.buffer.push(item);
    for (const listener of job.listeners) {
      try {
        listener(item);
      } catch {
        job.listeners.delete(listener);
      }
    }
  }

  private onStdout(job: ActiveApply, line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      if (line.trim()) this.send(job, { type: "log", line });
      return;
    }
    const event = backfillEventSchema.safeParse(json);
    if (event.success) this.send(job, { type: "event", event: event.data });
    else this.send(job, { type: "log", line });
  }

  private async finish(job: ActiveApply, config: Config, exit: ChildExit): Promise<void> {
    let record: ApplyRecord | null;
    try {
      record = await this.effects.readRecord(config, job.id);
    } catch {
      record = null;
    }
    // The CLI prints an error as `error[code]: message` and `hint: …` on stderr.
    const errorLine = job.stderr.find((l) => /^error\[[a-z_]+:[a-z_]+\]: /.test(l));
    const hintLine = job.stderr.find((l) => l.startsWith("hint: "));
    const failed = exit.error || exit.code !== 0;
    const error = failed
      ? {
          message: errorLine
            ? errorLine.replace(/^error\[[^\]]+\]: /, "")
            : exit.error
              ? `the apply's process could not be started: ${exit.error.message}`
              : `the apply's process ${exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`}`,
          ...(hintLine ? { hint: hintLine.slice("hint: ".length) } : {}),
        }
      : null;
    this.send(job, { type: "done", record, error });
    job.listeners.clear();
    if (this.active === job) this.active = null;
  }
}

/** Starts `node bin/sbdk.mjs backfill --metric <name> --events --apply-id <id>` and reads its output. */
export const spawnApplyProcess: StartApplyChild = ({ id, backfill, batchDays, config }, output) => {
  const args = [
    join(PACKAGE_ROOT, "bin", "sbdk.mjs"),
    "backfill",
    "--metric",
    backfill,
    "--events",
    "--apply-id",
    id,
  ];
  if (batchDays !== undefined) args.push("--batch-days", String(batchDays));
  if (config.configFile) args.push("--config", config.configFile);
  const child = spawn(process.execPath, args, {
    cwd: process.cwd(),
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  createInterface({ input: child.stdout }).on("line", output.stdout);
  createInterface({ input: child.stderr }).on("line", output.stderr);
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  return { exited };
};

async function readRecordOf(config: Config, id: string): Promise<ApplyRecord | null> {
  const db = await openForReading(config.duckdb_path);
  try {
    return await readApply(db, id);
  } finally {
    db.close();
  }
}

const GLOBAL_KEY = Symbol.for("sbdk.backfillApplies");

/** The server's applies, kept on globalThis so a dev-server reload does not make a second one. */
export function getBackfillApplies(): BackfillApplies {
  const holder = globalThis as { [GLOBAL_KEY]?: BackfillApplies };
  holder[GLOBAL_KEY] ??= new BackfillApplies({
    startChild: spawnApplyProcess,
    loadConfig: () => loadConfig(),
    queue: getRunQueue,
    now: () => new Date(),
    readRecord: readRecordOf,
  });
  return holder[GLOBAL_KEY];
}

// ── What the routes call ────────────────────────────────────────────────────────────────────

/** Every backfill with its status and last apply, and the apply log, read from the warehouse. */
export async function listBackfills(applies = getBackfillApplies()): Promise<BackfillList> {
  const config = loadConfig();
  const active = applies.current;
  try {
    const db = await openForReading(config.duckdb_path);
    try {
      const statuses = await readBackfillStatuses(db);
      const log = await readApplies(db, { limit: 100 });
      return {
        backfills: BACKFILLS.map((b, i) => ({
          name: b.name,
          status: statuses[i] ?? null,
          lastApply: log.find((a) => a.backfill === b.name) ?? null,
        })),
        applies: log,
        active,
        unavailable: null,
      };
    } finally {
      db.close();
    }
  } catch (err) {
    if (!isSbdkError(err) || !["conflict:warehouse", "missing:warehouse"].includes(err.code)) throw err;
    return {
      backfills: BACKFILLS.map((b) => ({ name: b.name, status: null, lastApply: null })),
      applies: [],
      active,
      unavailable: { message: err.message, ...(err.hint ? { hint: err.hint } : {}) },
    };
  }
}

export function getPreview(name: string, query: URLSearchParams): Promise<BackfillPreview> {
  findBackfill(name);
  const raw = query.get("batch_days");
  let batchDays: number | undefined;
  if (raw !== null) {
    batchDays = parseApplyRequest({ batch_days: /^\d+$/.test(raw) ? Number(raw) : raw }).batch_days;
  }
  return previewBackfill(loadConfig(), name, batchDays !== undefined ? { batchDays } : {});
}

export function startApply(name: string, body: unknown, applies = getBackfillApplies()) {
  return applies.start(name, body);
}

/**
 * An apply as Server-Sent Events: `apply` ({id}), `backfill` (each event so far, then live),
 * `log` (lines it prints) and `done` ({record, error}), after which the stream ends. A finished apply is read
 * from the log and ends at once; an unknown id is not_found:backfill.
 */
export async function followApply(
  id: string,
  signal: AbortSignal | undefined,
  applies = getBackfillApplies(),
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const early: ApplyStreamItem[] = [];
  let push: (item: ApplyStreamItem) => void = (item) => early.push(item);
  let stop = applies.watch(id, (item) => push(item));
  if (!stop) {
    const record = await readRecordOf(loadConfig(), id).catch((err: unknown) => {
      if (isSbdkError(err) && err.code === "conflict:warehouse") return null;
      throw err;
    });
    if (!record) {
      throw new SbdkError("not_found:backfill", `there is no apply ${id} running or in the log`, {
        hint: "GET /api/backfills lists the applies",
      });
    }
    early.push({ type: "done", record, error: null });
    stop = () => {};
  }
  const unwatch = stop;
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  const message = (item: ApplyStreamItem) => {
    switch (item.type) {
      case "event":
        return `event: backfill\ndata: ${JSON.stringify(item.event)}\n\n`;
      case "log":
        return `event: log\ndata: ${JSON.stringify({ line: item.line })}\n\n`;
      case "done":
        return `event: done\ndata: ${JSON.stringify({ record: item.record, error: item.error })}\n\n`;
    }
  };
  const cleanup = () => {
    closed = true;
    unwatch();
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
          // the client left first
        }
      };
      push = (item) => {
        if (closed) return;
        controller.enqueue(encoder.encode(message(item)));
        if (item.type === "done") close();
      };
      controller.enqueue(encoder.encode(`retry: 2000\n\n`));
      // First the apply itself, so that a reconnecting browser knows to start over.
      controller.enqueue(encoder.encode(`event: apply\ndata: ${JSON.stringify({ id })}\n\n`));
      for (const item of early.splice(0)) push(item);
      if (closed) return;
      heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(`: keep-alive\n\n`));
      }, 15_000);
      heartbeat.unref?.();
      signal?.addEventListener("abort", close, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
}
