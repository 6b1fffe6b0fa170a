import "server-only";
/**
 * Runs dbt as a child process with `--log-format json`, turns each log line into a progress
 * event as it arrives, and reads run_results.json into typed results when dbt exits.
 * Side effects (spawn) are passed in, so unit tests run it without a process.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Config } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import { readRunResults, type RunResults } from "./artifacts";
import { parseDbtLogLine, type DbtProgressEvent } from "./events";
import { locateDbt, locatePython, type DbtCommand } from "./locate";
import { PACKAGE_ROOT } from "../paths";

export type SpawnFn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

export interface DbtEffects {
  spawn: SpawnFn;
  locate: () => DbtCommand & { tried?: string[] };
}

export interface RunDbtOptions {
  config: Config;
  /** dbt sub-command and its arguments, e.g. ["build"] or ["build", "--select", "marts"]. */
  args: string[];
  onEvent?: (event: DbtProgressEvent) => void;
  signal?: AbortSignal;
  effects?: Partial<DbtEffects>;
  /** Read run_results.json when dbt exits (default true for build/run/test). */
  readResults?: boolean;
}

export interface DbtInvocation {
  exitCode: number;
  seconds: number;
  /** The last lines dbt printed, for error messages. */
  outputTail: string[];
  results: RunResults | null;
}

/** Where dbt writes target/ and logs/ for a warehouse: beside the DuckDB file, not in the repo. */
export function dbtStateDirs(config: Pick<Config, "duckdb_path">): { targetPath: string; logPath: string } {
  const base = join(dirname(config.duckdb_path), "dbt");
  return { targetPath: join(base, "target"), logPath: join(base, "logs") };
}

/** The environment dbt runs with: the warehouse path for profiles.yml, no usage tracking. */
export function dbtEnv(
  config: Pick<Config, "duckdb_path">,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return {
    ...base,
    SBDK_DUCKDB_PATH: config.duckdb_path,
    DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    DBT_USE_COLORS: "false",
    PYTHONUNBUFFERED: "1",
  };
}

/** Where dbt finds the project and profile and keeps its state: every invocation gets these. */
export function projectArgs(config: Config): string[] {
  const { targetPath, logPath } = dbtStateDirs(config);
  return [
    "--project-dir",
    config.dbt_path,
    "--profiles-dir",
    config.profiles_dir,
    "--target",
    config.target,
    "--target-path",
    targetPath,
    "--log-path",
    logPath,
  ];
}

export function dbtArgs(config: Config, args: string[]): string[] {
  return [...args, ...projectArgs(config), "--log-format", "json"];
}

const TAIL_LINES = 25;

/** Runs dbt's command line tied to its parent: a killed job takes its dbt with it. */
export const DBT_CLI_SCRIPT = join(PACKAGE_ROOT, "lib", "server", "dbt", "dbt_cli.py");

export async function runDbt(options: RunDbtOptions): Promise<DbtInvocation> {
  const { config } = options;
  const spawn = options.effects?.spawn ?? (nodeSpawn as SpawnFn);
  const locate = options.effects?.locate ?? (() => locateDbt({ rootDir: PACKAGE_ROOT }));
  const dbt = locate();
  // Not dbt's own script: a dbt that outlived a killed `sbdk run` would go on writing the
  // warehouse and hold the DuckDB file the next run needs (dbt_cli.py ends with its parent).
  const python = locatePython(dbt);
  const args = [DBT_CLI_SCRIPT, ...dbtArgs(config, options.args)];
  const started = performance.now();
  const tail: string[] = [];

  const child = spawn(python, args, {
    cwd: config.dbt_path,
    env: dbtEnv(config),
    stdio: ["ignore", "pipe", "pipe"],
  });

  const onAbort = () => child.kill("SIGTERM");
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const remember = (text: string) => {
    tail.push(text);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  const handleLine = (line: string) => {
    const event = parseDbtLogLine(line);
    if (!event) return;
    if (event.type === "log") remember(event.message);
    else if (event.type === "finished" && event.status !== "success" && event.status !== "pass") {
      remember(`${event.status.toUpperCase()} ${event.name}`);
    }
    options.onEvent?.(event);
  };

  const stdoutDone = child.stdout ? drain(child.stdout, handleLine) : Promise.resolve();
  const stderrDone = child.stderr ? drain(child.stderr, (l) => l.trim() && remember(l)) : Promise.resolve();

  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once("error", (err) => {
      reject(
        new SbdkError("missing:dbt", `could not start dbt (${python} for ${dbt.command}): ${err.message}`, {
          details: dbt.tried ? ["looked in:", ...dbt.tried.map((t) => `  ${t}`)] : [],
          hint: "run `npm install` (or `npm run setup`) to create .venv with dbt",
          cause: err,
        }),
      );
    });
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  }).finally(() => options.signal?.removeEventListener("abort", onAbort));
  await Promise.all([stdoutDone, stderrDone]);

  const seconds = (performance.now() - started) / 1000;
  const wantsResults =
    options.readResults ?? ["build", "run", "test", "seed"].includes(options.args[0] ?? "");
  let results: RunResults | null = null;
  if (wantsResults && exitCode <= 1) {
    try {
      results = await readRunResults(dbtStateDirs(config).targetPath);
    } catch {
      results = null;
    }
  }
  return { exitCode, seconds, outputTail: tail, results };
}

function drain(stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on("line", onLine);
    rl.once("close", () => resolve());
  });
}

/** The error for a dbt run that failed outright (not test failures: those are results). */
export function dbtFailure(invocation: DbtInvocation, what: string): SbdkError {
  return new SbdkError("failed:dbt", `dbt ${what} failed (exit code ${invocation.exitCode})`, {
    details: ["last lines of dbt's output:", ...invocation.outputTail.map((l) => `  ${l}`)],
    hint: "read the dbt output above; fix the model or re-run with `npx sbdk run`",
  });
}
