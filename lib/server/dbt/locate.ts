import "server-only";
/**
 * Finds the dbt executable the way the first seed learned to: the project's .venv, then an
 * active VIRTUAL_ENV, then PATH, then `python -m dbt.cli.main`. Every place tried is kept, so
 * "dbt not found" can say where it looked.
 */
import { spawnSync } from "node:child_process";
import { accessSync, closeSync, constants, openSync, readSync } from "node:fs";
import { delimiter, join } from "node:path";
import { SbdkError } from "@/lib/shared/errors";

export interface DbtCommand {
  /** Executable to spawn. */
  command: string;
  /** Arguments placed before dbt's own (for `python -m dbt.cli.main`). */
  prefixArgs: string[];
  /** How it was found, for `sbdk doctor`. */
  source: "project .venv" | "VIRTUAL_ENV" | "PATH" | "python -m dbt";
}

export interface LocateDbtOptions {
  rootDir: string;
  env?: Record<string, string | undefined>;
  /** Whether a path is an executable file (injected in unit tests). */
  isExecutable?: (p: string) => boolean;
  /** Whether `python -c "import dbt.cli.main"` succeeds (injected in unit tests). */
  pythonHasDbt?: (python: string) => boolean;
}

function defaultIsExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function defaultPythonHasDbt(python: string): boolean {
  const res = spawnSync(python, ["-c", "import dbt.cli.main"], { stdio: "ignore", timeout: 30_000 });
  return res.status === 0;
}

export function locateDbt(options: LocateDbtOptions): DbtCommand & { tried: string[] } {
  const env = options.env ?? process.env;
  const isExecutable = options.isExecutable ?? defaultIsExecutable;
  const pythonHasDbt = options.pythonHasDbt ?? defaultPythonHasDbt;
  const tried: string[] = [];

  const venvDbt = join(options.rootDir, ".venv", "bin", "dbt");
  tried.push(venvDbt);
  if (isExecutable(venvDbt)) return { command: venvDbt, prefixArgs: [], source: "project .venv", tried };

  if (env.VIRTUAL_ENV) {
    const p = join(env.VIRTUAL_ENV, "bin", "dbt");
    tried.push(p);
    if (isExecutable(p)) return { command: p, prefixArgs: [], source: "VIRTUAL_ENV", tried };
  } else {
    tried.push("$VIRTUAL_ENV/bin/dbt (VIRTUAL_ENV not set)");
  }

  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const p = join(dir, "dbt");
    if (isExecutable(p)) {
      tried.push(p);
      return { command: p, prefixArgs: [], source: "PATH", tried };
    }
  }
  tried.push("dbt on PATH");

  for (const python of ["python3", "python"]) {
    tried.push(`${python} -m dbt.cli.main`);
    if (pythonHasDbt(python))
      return { command: python, prefixArgs: ["-m", "dbt.cli.main"], source: "python -m dbt", tried };
  }

  throw new SbdkError("missing:dbt", "dbt was not found", {
    details: ["looked in:", ...tried.map((t) => `  ${t}`)],
    hint: "run `npm install` (or `npm run setup`) to create .venv with dbt-core and dbt-duckdb",
  });
}

/**
 * The Python interpreter that runs `dbt`: the one `python -m dbt` uses, else the one named on
 * the first line (#!) of the dbt script, else the python beside it. The dbt worker runs on it,
 * so it imports the same dbt.
 */
export function locatePython(dbt: DbtCommand, readHead: (p: string) => string = readFileHead): string {
  if (dbt.prefixArgs.length > 0) return dbt.command;
  const head = readHead(dbt.command);
  const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(head);
  if (shebang) {
    const [, interpreter, arg] = shebang;
    // "#!/usr/bin/env python3" names the interpreter by its second word.
    if (interpreter && /(^|\/)env$/.test(interpreter) && arg) return arg;
    if (interpreter && /python/.test(interpreter)) return interpreter;
  }
  return join(dbt.command, "..", "python");
}

function readFileHead(p: string): string {
  let fd: number | null = null;
  try {
    fd = openSync(p, "r");
    const buffer = Buffer.alloc(512);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString("utf8").split("\n")[0] ?? "";
  } catch {
    return "";
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
