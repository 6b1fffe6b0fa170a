/** Shared set-up of the integration tests: a throwaway sbdk project folder using the real dbt project. */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

export const REPO = join(__dirname, "..", "..");

export interface TempProject {
  dir: string;
  configFile: string;
  duckdbPath: string;
  publishPath: string;
  dbtPath: string;
}

/** A folder with an sbdk_config.json; the dbt project is the repo's, or a copy when `copyDbt`. */
export function tempProject(
  config: Record<string, unknown> = {},
  options: { copyDbt?: boolean } = {},
): TempProject {
  const dir = mkdtempSync(join(tmpdir(), "sbdk-it-"));
  let dbtPath = join(REPO, "dbt");
  if (options.copyDbt) {
    dbtPath = join(dir, "dbt");
    cpSync(join(REPO, "dbt"), dbtPath, {
      recursive: true,
      filter: (src) => !/[/\\](target|logs)([/\\]|$)/.test(src),
    });
  }
  const full = {
    duckdb_path: "data/sbdk.duckdb",
    publish_path: "public/data",
    dbt_path: dbtPath,
    profiles_dir: dbtPath,
    ...config,
  };
  const configFile = join(dir, "sbdk_config.json");
  writeFileSync(configFile, JSON.stringify(full, null, 2));
  return {
    dir,
    configFile,
    duckdbPath: join(dir, "data", "sbdk.duckdb"),
    publishPath: join(dir, "public", "data"),
    dbtPath,
  };
}

/** Runs the sbdk CLI as a user would. */
export function sbdk(
  args: string[],
  env: Record<string, string | undefined> = {},
): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [join(REPO, "bin", "sbdk.mjs"), ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 600_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
