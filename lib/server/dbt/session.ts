import "server-only";
/**
 * A dbt session: one long-lived dbt process (worker.py, dbt's programmatic dbtRunner) for a job
 * that runs dbt many times, such as the day-by-day simulation. Starting dbt and parsing the
 * project cost seconds; a session pays them once, and each invocation then costs only its
 * nodes. Between invocations the worker holds no handle on the DuckDB file, so the Node side
 * can write it (one writer per file). Side effects (spawn, locate) are passed in like runDbt's.
 */
import { spawn as nodeSpawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import { runResultsSchema } from "./artifacts";
import { parseDbtLogEvent, type DbtProgressEvent } from "./events";
import { locateDbt, locatePython } from "./locate";
import { dbtEnv, projectArgs, type DbtEffects, type DbtInvocation, type SpawnFn } from "./runner";
import { PACKAGE_ROOT } from "../paths";

export const WORKER_SCRIPT = join(PACKAGE_ROOT, "lib", "server", "dbt", "worker.py");

export interface DbtSessionOptions {
  config: Config;
  /** Events of the start-up parse. */
  onEvent?: (event: DbtProgressEvent) => void;
  /** Stops the start-up (the worker is killed). */
  signal?: AbortSignal;
  effects?: Partial<DbtEffects>;
  /** Extra environment of the worker (e.g. SBDK_DBT_WORKER_PROFILE, see worker.py). */
  env?: Record<string, string>;
}

/** A dbt invocation in a session: the same as runDbt's, plus the CPU time dbt used. */
export interface SessionInvocation extends DbtInvocation {
  /** CPU seconds of the worker during the invocation (dbt's Python and DuckDB's threads). */
  cpuSeconds: number;
  /**
   * Seconds dbt's queries spent in DuckDB, summed over dbt's threads (with more than one, this
   * includes each query's wait for Python's lock); the rest of the build is dbt's own Python.
   */
  sqlSeconds: number;
}

export interface InvokeOptions {
  onEvent?: (event: DbtProgressEvent) => void;
  /** Stops the invocation by killing the worker; the session is then closed. */
  signal?: AbortSignal;
}

export interface DbtSession {
  /** Seconds the worker took to import dbt. */
  readonly importSeconds: number;
  /** Seconds of the start-up parse (partial parsing when the target folder has its state). */
  readonly parseSeconds: number;
  /** Seconds from spawning the worker to its being ready. */
  readonly startSeconds: number;
  /**
   * Runs one dbt command (e.g. ["build", "--vars", "{…}"]) on the session's parsed project.
   * exitCode follows dbt's: 0 success, 1 a node failed, 2 dbt itself failed.
   */
  invoke(args: string[], options?: InvokeOptions): Promise<SessionInvocation>;
  /** Ends the worker; idempotent. */
  close(): Promise<void>;
}

const messageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), import_seconds: z.number(), parse_seconds: z.number() }),
  z.object({ type: z.literal("event"), id: z.union([z.number(), z.string()]), line: z.unknown() }),
  z.object({
    type: z.literal("result"),
    id: z.number(),
    success: z.boolean(),
    exception: z.string().nullable(),
    run_results: z.unknown(),
    seconds: z.number(),
    cpu_seconds: z.number(),
    sql_seconds: z.number(),
  }),
  z.object({ type: z.literal("fatal"), message: z.string() }),
]);
type WorkerMessage = z.infer<typeof messageSchema>;

const TAIL_LINES = 25;

/**
 * The arguments every invocation of a session gets: the project, profile and state folders, and
 * no dbt loggers (the worker forwards the events and writes warnings and errors to dbt.log).
 */
export function sessionArgs(config: Config): string[] {
  return [...projectArgs(config), "--log-level", "none", "--log-level-file", "none"];
}

/** Starts a dbt worker and waits until it has parsed the project. */
export async function startDbtSession(options: DbtSessionOptions): Promise<DbtSession> {
  const { config } = options;
  const spawn = options.effects?.spawn ?? (nodeSpawn as SpawnFn);
  const locate = options.effects?.locate ?? (() => locateDbt({ rootDir: PACKAGE_ROOT }));
  const dbt = locate();
  const python = locatePython(dbt);
  const started = performance.now();
  const child: ChildProcess = spawn(python, [WORKER_SCRIPT, JSON.stringify(sessionArgs(config))], {
    cwd: config.dbt_path,
    env: { ...dbtEnv(config), ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });

  const tail: string[] = [];
  const remember = (text: string) => {
    tail.push(text);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let onMessage: (message: WorkerMessage) => void = () => {};
  let onExit: () => void = () => {};

  const exitPromise = new Promise<void>((resolve) => {
    child.once("close", (code, signal) => {
      exited = { code, signal };
      onExit();
      resolve();
    });
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once("error", (err) =>
      reject(
        new SbdkError("missing:dbt", `could not start the dbt worker (${python}): ${err.message}`, {
          hint: "run `npm install` (or `npm run setup`) to create .venv with dbt",
          cause: err,
        }),
      ),
    );
  });
  spawnError.catch(() => undefined);

  if (child.stderr) {
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on("line", (line) => {
      if (line.trim()) remember(line);
    });
  }
  if (child.stdout) {
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => {
      let message: WorkerMessage;
      try {
        message = messageSchema.parse(JSON.parse(line));
      } catch {
        if (line.trim()) remember(line);
        return;
      }
      onMessage(message);
    });
  }

  const kill = () => {
    if (!exited) child.kill("SIGKILL");
  };
  const workerFailure = (what: string) =>
    new SbdkError("failed:dbt", `the dbt worker ${what}`, {
      details: ["last lines of its output:", ...tail.map((l) => `  ${l}`)],
      hint: "run `npx sbdk doctor` to check dbt, then try again",
    });

  // 1. Wait for the start-up parse.
  const onStartAbort = () => kill();
  options.signal?.addEventListener("abort", onStartAbort, { once: true });
  let ready: Extract<WorkerMessage, { type: "ready" }>;
  try {
    ready = await Promise.race([
      spawnError,
      new Promise<Extract<WorkerMessage, { type: "ready" }>>((resolve, reject) => {
        onMessage = (message) => {
          if (message.type === "ready") resolve(message);
          else if (message.type === "fatal") {
            remember(message.message);
            reject(workerFailure(`could not load the dbt project: ${message.message}`));
          } else if (message.type === "event") {
            const event = parseDbtLogEvent(message.line);
            if (event) options.onEvent?.(event);
          }
        };
        onExit = () =>
          reject(
            options.signal?.aborted
              ? new SbdkError("failed:dbt", "the dbt worker was stopped")
              : workerFailure(`exited while loading the project (${describeExit(exited)})`),
          );
      }),
    ]);
  } catch (err) {
    kill();
    await exitPromise;
    throw err;
  } finally {
    options.signal?.removeEventListener("abort", onStartAbort);
  }
  const startSeconds = (performance.now() - started) / 1000;

  // 2. Invocations, one at a time.
  let nextId = 1;
  let busy = false;
  let closed = false;

  const invoke = async (args: string[], invokeOptions: InvokeOptions = {}): Promise<SessionInvocation> => {
    if (closed || exited) throw workerFailure("is not running");
    if (busy) throw new Error("a dbt session runs one invocation at a time");
    busy = true;
    const id = nextId++;
    tail.length = 0;
    const onAbort = () => kill();
    invokeOptions.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const result = await new Promise<Extract<WorkerMessage, { type: "result" }>>((resolve, reject) => {
        onMessage = (message) => {
          if (message.type === "event" && message.id === id) {
            const event = parseDbtLogEvent(message.line);
            if (event) {
              if (event.type === "log") remember(event.message);
              else if (event.type === "finished" && !["success", "pass", "skipped"].includes(event.status)) {
                remember(`${event.status.toUpperCase()} ${event.name}`);
              }
              invokeOptions.onEvent?.(event);
            }
          } else if (message.type === "result" && message.id === id) resolve(message);
          else if (message.type === "fatal") remember(message.message);
        };
        onExit = () =>
          reject(
            invokeOptions.signal?.aborted
              ? new SbdkError("failed:dbt", "dbt was stopped")
              : workerFailure(`exited during dbt ${args[0] ?? ""} (${describeExit(exited)})`),
          );
        child.stdin?.write(JSON.stringify({ cmd: "invoke", id, args }) + "\n");
      });
      if (result.exception) remember(result.exception);
      const parsed = result.run_results ? runResultsSchema.safeParse(result.run_results) : null;
      const exitCode = result.success ? 0 : result.exception && !parsed?.success ? 2 : 1;
      return {
        exitCode,
        seconds: result.seconds,
        cpuSeconds: result.cpu_seconds,
        sqlSeconds: result.sql_seconds,
        outputTail: [...tail],
        results: parsed?.success ? parsed.data : null,
      };
    } finally {
      busy = false;
      invokeOptions.signal?.removeEventListener("abort", onAbort);
    }
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    if (!exited) {
      child.stdin?.write(JSON.stringify({ cmd: "exit" }) + "\n");
      child.stdin?.end();
      const timer = setTimeout(kill, 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
  };

  return {
    importSeconds: ready.import_seconds,
    parseSeconds: ready.parse_seconds,
    startSeconds,
    invoke,
    close,
  };
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null } | null): string {
  if (!exit) return "still running";
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}
