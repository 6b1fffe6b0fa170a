import "server-only";
/**
 * `sbdk doctor`: checks what a run needs — Node, Python, dbt, the DuckDB on both sides of the
 * shared file, the config, the warehouse lock and the last publish — and says what to fix.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { version as duckdbLibraryVersion } from "@duckdb/node-api";
import type { Config } from "@/lib/shared/config";
import { isSbdkError } from "@/lib/shared/errors";
import { loadConfig, type LoadConfigOptions } from "./config";
import { locateDbt } from "./dbt/locate";
import { readLock } from "./lock";
import { readPublishedManifest } from "./publish";

export type CheckStatus = "ok" | "warn" | "fail";
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

const MIN_NODE_MAJOR = 20;

function capture(cmd: string, args: string[], cwd?: string): { ok: boolean; out: string } {
  const res = spawnSync(cmd, args, {
    encoding: "utf8",
    cwd,
    timeout: 60_000,
    env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: "false" },
  });
  return { ok: res.status === 0, out: `${res.stdout ?? ""}${res.stderr ?? ""}`.trim() };
}

/**
 * The DuckDB version bundled by @duckdb/node-api, e.g. "1.5.6", from the library itself: in the
 * Next.js server bundle a require.resolve of its package.json becomes a module number, which
 * readFileSync then took for a file descriptor (EBADF).
 */
export function nodeDuckdbVersion(): string {
  return duckdbLibraryVersion().replace(/^v/, "");
}

export async function runDoctor(
  options: LoadConfigOptions & { rootDir: string },
): Promise<{ checks: Check[]; config: Config | null }> {
  const checks: Check[] = [];
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  checks.push({
    name: "node",
    status: nodeMajor >= MIN_NODE_MAJOR ? "ok" : "fail",
    detail: `Node ${process.versions.node}`,
    ...(nodeMajor >= MIN_NODE_MAJOR ? {} : { fix: `install Node ${MIN_NODE_MAJOR} or newer` }),
  });

  const venvPython = join(options.rootDir, ".venv", "bin", "python");
  const python = existsSync(venvPython) ? venvPython : "python3";
  const py = capture(python, ["--version"]);
  checks.push(
    py.ok
      ? { name: "python", status: "ok", detail: `${py.out} (${python})` }
      : {
          name: "python",
          status: "fail",
          detail: `${python} did not run`,
          fix: "install Python 3.10+, then run `npm run setup`",
        },
  );

  const nodeDuck = nodeDuckdbVersion();
  const pyDuck = capture(python, ["-c", "import duckdb; print(duckdb.__version__)"]);
  if (!pyDuck.ok) {
    checks.push({
      name: "duckdb",
      status: "fail",
      detail: `Node DuckDB ${nodeDuck}; Python duckdb not importable`,
      fix: "run `npm run setup`",
    });
  } else if (pyDuck.out !== nodeDuck) {
    checks.push({
      name: "duckdb",
      status: "fail",
      detail: `Node DuckDB ${nodeDuck} but Python duckdb ${pyDuck.out}: one side cannot open the other's file`,
      fix: `pin duckdb==${nodeDuck} in requirements.txt/requirements.lock and run \`npm run setup\``,
    });
  } else {
    checks.push({ name: "duckdb", status: "ok", detail: `${nodeDuck} on both sides (Node and Python)` });
  }

  try {
    const dbt = locateDbt({ rootDir: options.rootDir });
    const v = capture(dbt.command, [...dbt.prefixArgs, "--version"]);
    const core = /installed:\s*([\d.]+)/.exec(v.out)?.[1];
    const duck = /duckdb:\s*([\d.]+)/.exec(v.out)?.[1];
    checks.push(
      v.ok && core
        ? {
            name: "dbt",
            status: duck ? "ok" : "fail",
            detail: `dbt-core ${core}, dbt-duckdb ${duck ?? "missing"} (${dbt.source}: ${dbt.command})`,
            ...(duck ? {} : { fix: "run `npm run setup`" }),
          }
        : {
            name: "dbt",
            status: "fail",
            detail: `${dbt.command} --version failed: ${v.out.split("\n").slice(-3).join(" ")}`,
            fix: "delete .venv and run `npm run setup`",
          },
    );
  } catch (err) {
    checks.push({
      name: "dbt",
      status: "fail",
      detail: isSbdkError(err) ? [err.message, ...err.details].join("; ") : String(err),
      fix: "run `npm install` (or `npm run setup`)",
    });
  }

  let config: Config | null = null;
  try {
    config = loadConfig(options);
    checks.push({
      name: "config",
      status: "ok",
      detail: `${config.configFile ?? "defaults (no sbdk_config.json)"}: seed ${config.seed}, ${config.users} users × scale ${config.scale}, ${config.days} days from ${config.start_date}`,
    });
  } catch (err) {
    checks.push({
      name: "config",
      status: "fail",
      detail: isSbdkError(err) ? [err.message, ...err.details].join("; ") : String(err),
      fix: isSbdkError(err) ? (err.hint ?? "fix sbdk_config.json") : "fix sbdk_config.json",
    });
  }

  if (config) {
    const holder = readLock(config.duckdb_path);
    checks.push(
      holder
        ? {
            name: "lock",
            status: "warn",
            detail: `a run is in progress (${holder.job}, started at ${holder.started_at}, pid ${holder.pid})`,
            fix: "wait for it, or stop that process",
          }
        : { name: "lock", status: "ok", detail: "the warehouse is free" },
    );
    checks.push(
      existsSync(config.duckdb_path)
        ? { name: "warehouse", status: "ok", detail: config.duckdb_path }
        : {
            name: "warehouse",
            status: "warn",
            detail: `${config.duckdb_path} does not exist yet`,
            fix: "run `npm run pipeline`",
          },
    );
    try {
      const manifest = await readPublishedManifest(config.publish_path);
      checks.push(
        manifest
          ? {
              name: "publish",
              status: "ok",
              detail: `${manifest.tables.length} tables published at ${manifest.generated_at}; tests ${manifest.dbt.tests.passed}/${manifest.dbt.tests.total} passed`,
            }
          : {
              name: "publish",
              status: "warn",
              detail: `nothing published in ${config.publish_path}`,
              fix: "run `npm run pipeline`",
            },
      );
    } catch (err) {
      checks.push({
        name: "publish",
        status: "fail",
        detail: String((err as Error).message),
        fix: "run `npm run pipeline`",
      });
    }
  }
  return { checks, config };
}
