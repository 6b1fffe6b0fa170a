import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir, homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseUsers, loadConfig } from "@/lib/server/config";
import { SbdkError } from "@/lib/shared/errors";

/** A folder with a minimal dbt project and an optional sbdk_config.json. */
function project(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "sbdk-config-"));
  mkdirSync(join(dir, "dbt"));
  writeFileSync(join(dir, "dbt", "dbt_project.yml"), "name: x\n");
  writeFileSync(join(dir, "dbt", "profiles.yml"), "x: {}\n");
  if (config !== undefined) {
    writeFileSync(
      join(dir, "sbdk_config.json"),
      typeof config === "string" ? config : JSON.stringify(config),
    );
  }
  return dir;
}

function configError(fn: () => unknown): SbdkError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SbdkError);
    return err as SbdkError;
  }
  throw new Error("expected loadConfig to throw");
}

describe("loadConfig", () => {
  it("fills defaults and resolves relative paths from the config file's folder", () => {
    const dir = project({ seed: 7, users: 500 });
    const config = loadConfig({ cwd: "/", file: join(dir, "sbdk_config.json"), env: {} });
    expect(config.seed).toBe(7);
    expect(config.users).toBe(500);
    expect(config.days).toBe(30);
    expect(config.start_date).toBe("2025-12-01");
    expect(config.duckdb_path).toBe(join(dir, "data", "sbdk.duckdb"));
    expect(config.dbt_path).toBe(join(dir, "dbt"));
    expect(config.publish_path).toBe(join(dir, "public", "data"));
    expect(config.configFile).toBe(join(dir, "sbdk_config.json"));
  });

  it("expands ~ in paths", () => {
    const dir = project({ duckdb_path: "~/sbdk-test-never-created/w.duckdb" });
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.duckdb_path).toBe(join(homedir(), "sbdk-test-never-created", "w.duckdb"));
  });

  it("lets environment variables override the file, and flags override both", () => {
    const dir = project({ seed: 1, days: 10 });
    const env = { SBDK_SEED: "99", SBDK_DAYS: "3", SBDK_START_DATE: "2024-02-29" };
    const config = loadConfig({ cwd: dir, env });
    expect([config.seed, config.days, config.start_date]).toEqual([99, 3, "2024-02-29"]);
    expect(loadConfig({ cwd: dir, env, overrides: { days: 5 } }).days).toBe(5);
  });

  it("refuses an unknown key, naming it", () => {
    const err = configError(() => loadConfig({ cwd: project({ seed: 1, user: 10 }), env: {} }));
    expect(err.code).toBe("invalid:config");
    expect(err.details.join("\n")).toContain('unknown key "user"');
  });

  it.each([
    [{ users: -5 }, '"users": expected a positive number of users'],
    [{ users: 2.5 }, '"users": expected a whole number'],
    [{ seed: "42" }, '"seed"'],
    [{ days: 0 }, '"days": expected a positive number of days'],
    [{ start_date: "2025-02-30" }, '"start_date": expected a real calendar date'],
    [{ start_date: "yesterday" }, '"start_date": expected a date as YYYY-MM-DD'],
    [{ scale: 0 }, '"scale": expected a positive multiplier'],
  ])("refuses %j with the field and what was expected", (bad, message) => {
    const err = configError(() => loadConfig({ cwd: project(bad), env: {} }));
    expect(err.code).toBe("invalid:config");
    expect(err.details.join("\n")).toContain(message);
    expect(err.exitCode).toBe(2);
    expect(err.status).toBe(400);
  });

  it("refuses a non-numeric environment override, naming the variable", () => {
    const err = configError(() => loadConfig({ cwd: project({}), env: { SBDK_USERS: "lots" } }));
    expect(err.message).toContain('SBDK_USERS="lots" is not a number');
  });

  it("refuses invalid JSON with the parser's reason", () => {
    const err = configError(() => loadConfig({ cwd: project('{"seed": 1,}'), env: {} }));
    expect(err.message).toContain("is not valid JSON");
  });

  it("refuses a missing explicit config file", () => {
    const err = configError(() => loadConfig({ cwd: project(), file: "nope.json", env: {} }));
    expect(err.message).toContain("does not exist");
  });

  it("refuses a dbt_path without dbt_project.yml", () => {
    const err = configError(() => loadConfig({ cwd: project({ dbt_path: "nowhere" }), env: {} }));
    expect(err.message).toContain('"dbt_path": no dbt_project.yml');
  });

  it("refuses a duckdb_path that is a folder", () => {
    const dir = project({ duckdb_path: "dbt" });
    const err = configError(() => loadConfig({ cwd: dir, env: {} }));
    expect(err.message).toContain('"duckdb_path"');
    expect(err.message).toContain("is a folder");
  });

  it.skipIf(process.getuid?.() === 0)("refuses a duckdb_path in a folder that cannot be written", () => {
    const dir = project({ duckdb_path: "locked/w.duckdb" });
    mkdirSync(join(dir, "locked"));
    chmodSync(join(dir, "locked"), 0o500);
    const err = configError(() => loadConfig({ cwd: dir, env: {} }));
    expect(err.message).toContain("is not writable");
  });

  it("refuses a duckdb_path under a file", () => {
    const dir = project({ duckdb_path: "dbt/profiles.yml/w.duckdb" });
    const err = configError(() => loadConfig({ cwd: dir, env: {} }));
    expect(err.message).toContain('"duckdb_path"');
  });

  it("computes the base user count from users × scale", () => {
    expect(baseUsers({ users: 10_000, scale: 1 })).toBe(10_000);
    expect(baseUsers({ users: 10_000, scale: 2.5 })).toBe(25_000);
  });
});
