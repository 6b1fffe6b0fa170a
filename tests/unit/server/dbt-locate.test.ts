import { describe, expect, it } from "vitest";
import { locateDbt, locatePython, type DbtCommand } from "@/lib/server/dbt/locate";
import { SbdkError } from "@/lib/shared/errors";

const executables =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe("locateDbt", () => {
  it("prefers the project's .venv", () => {
    const dbt = locateDbt({
      rootDir: "/repo",
      env: { VIRTUAL_ENV: "/venv", PATH: "/usr/bin" },
      isExecutable: executables("/repo/.venv/bin/dbt", "/venv/bin/dbt", "/usr/bin/dbt"),
      pythonHasDbt: () => true,
    });
    expect(dbt).toMatchObject({ command: "/repo/.venv/bin/dbt", source: "project .venv" });
  });

  it("falls back to VIRTUAL_ENV, then PATH, then python -m dbt", () => {
    const base = { rootDir: "/repo", pythonHasDbt: () => true };
    expect(
      locateDbt({
        ...base,
        env: { VIRTUAL_ENV: "/venv", PATH: "/usr/bin" },
        isExecutable: executables("/venv/bin/dbt", "/usr/bin/dbt"),
      }).source,
    ).toBe("VIRTUAL_ENV");
    expect(
      locateDbt({ ...base, env: { PATH: "/opt/x:/usr/bin" }, isExecutable: executables("/usr/bin/dbt") }),
    ).toMatchObject({
      command: "/usr/bin/dbt",
      source: "PATH",
    });
    expect(locateDbt({ ...base, env: { PATH: "/usr/bin" }, isExecutable: executables() })).toMatchObject({
      command: "python3",
      prefixArgs: ["-m", "dbt.cli.main"],
    });
  });

  it("names every place it looked when dbt is missing", () => {
    let error: unknown;
    try {
      locateDbt({
        rootDir: "/repo",
        env: { PATH: "/usr/bin" },
        isExecutable: executables(),
        pythonHasDbt: () => false,
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SbdkError);
    const e = error as SbdkError;
    expect(e.code).toBe("missing:dbt");
    expect(e.details.join("\n")).toContain("/repo/.venv/bin/dbt");
    expect(e.details.join("\n")).toContain("python3 -m dbt.cli.main");
    expect(e.hint).toContain("npm install");
  });
});

describe("locatePython", () => {
  const head = (line: string) => () => line;

  it("runs the worker on the interpreter of python -m dbt", () => {
    expect(
      locatePython({ command: "python3", prefixArgs: ["-m", "dbt.cli.main"], source: "python -m dbt" }),
    ).toBe("python3");
  });

  it("reads the interpreter from the dbt script's first line", () => {
    const dbt: DbtCommand = { command: "/repo/.venv/bin/dbt", prefixArgs: [], source: "project .venv" };
    expect(locatePython(dbt, head("#!/opt/py/bin/python3.11"))).toBe("/opt/py/bin/python3.11");
    expect(locatePython(dbt, head("#!/usr/bin/env python3"))).toBe("python3");
  });

  it("falls back to the python beside the dbt script", () => {
    const dbt: DbtCommand = { command: "/repo/.venv/bin/dbt", prefixArgs: [], source: "project .venv" };
    expect(locatePython(dbt, head(""))).toBe("/repo/.venv/bin/python");
  });
});
