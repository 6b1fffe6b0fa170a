/**
 * The dbt worker (lib/server/dbt/worker.py) on real dbt and a real warehouse: with its speed-ups
 * (the Jinja code cache, the parsed project frozen out of the collector) a build reports exactly
 * what it reports without them (SBDK_DBT_WORKER_PLAIN=1): the same node events and results, the
 * same compiled SQL, the same warnings in the events and in dbt.log.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { dbtStateDirs } from "@/lib/server/dbt/runner";
import { startDbtSession, type DbtSession } from "@/lib/server/dbt/session";
import type { DbtProgressEvent } from "@/lib/server/dbt/events";
import type { Config } from "@/lib/shared/config";
import { sbdk, tempProject } from "./helpers";

/** Every file under `dir`, by path relative to it, with its text. */
function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return out;
}

/** What a user sees of an event: its kind, node, status and counts, not its timings. */
function shape(event: DbtProgressEvent): string {
  switch (event.type) {
    case "started":
      return `started ${event.uniqueId} ${event.index}/${event.total}`;
    case "finished":
      return `finished ${event.uniqueId} ${event.status} ${event.failures} ${event.index}/${event.total}`;
    case "summary":
      return `summary ${event.pass} ${event.warn} ${event.error} ${event.skip} ${event.total}`;
    case "log":
      return `log ${event.level} ${event.message}`;
    case "parsed":
      return `parsed ${event.stats}`;
  }
}

describe("the dbt worker", () => {
  let config: Config;
  const sessions: Record<"fast" | "plain", DbtSession | null> = { fast: null, plain: null };

  beforeAll(async () => {
    const project = tempProject({ users: 300, days: 2, seed: 5 });
    const run = sbdk(["run", "--config", project.configFile]);
    expect(run.status, run.stderr).toBe(0);
    config = loadConfig({ file: project.configFile, env: {} });
    sessions.fast = await startDbtSession({ config });
    sessions.plain = await startDbtSession({ config, env: { SBDK_DBT_WORKER_PLAIN: "1" } });
  }, 300_000);

  afterAll(async () => {
    await sessions.fast?.close();
    await sessions.plain?.close();
  });

  async function build(kind: "fast" | "plain", args: string[]) {
    const events: DbtProgressEvent[] = [];
    const run = await sessions[kind]!.invoke([...args, "--threads", "1", "--no-write-json"], {
      onEvent: (e) => events.push(e),
    });
    const compiled = filesUnder(join(dbtStateDirs(config).targetPath, "compiled"));
    return { run, events, compiled };
  }

  it("builds with its speed-ups exactly as without them: events, results and compiled SQL", async () => {
    const args = ["build", "--select", "fct_orders+", "--vars", '{"store_test_failures": false}'];
    const fast = await build("fast", args);
    const plain = await build("plain", args);
    expect(fast.run.exitCode).toBe(0);
    const nodes = fast.run.results!.results.map((r) => `${r.unique_id} ${r.status}`).sort();
    expect(nodes.length).toBeGreaterThan(5);
    expect(nodes.some((n) => n.startsWith("test."))).toBe(true);
    expect(plain.run.results!.results.map((r) => `${r.unique_id} ${r.status}`).sort()).toEqual(nodes);
    // One thread: the events come in the same order.
    expect(fast.events.map(shape)).toEqual(plain.events.map(shape));
    expect(fast.events.filter((e) => e.type === "finished")).toHaveLength(nodes.length);
    expect([...fast.compiled.keys()].sort()).toEqual([...plain.compiled.keys()].sort());
    for (const [path, text] of fast.compiled) expect(plain.compiled.get(path), path).toBe(text);
  });

  it("times the build's queries in DuckDB apart from dbt's own Python", async () => {
    const { run } = await build("fast", ["build", "--select", "fct_orders"]);
    expect(run.sqlSeconds).toBeGreaterThan(0);
    expect(run.sqlSeconds).toBeLessThan(run.seconds);
  });

  it("still hands on dbt's warnings, and writes them to dbt.log", async () => {
    const log = join(dbtStateDirs(config).logPath, "dbt.log");
    const before = existsSync(log) ? readFileSync(log, "utf8").length : 0;
    const warning = "The selection criterion 'no_such_model' does not match any enabled nodes";
    for (const kind of ["fast", "plain"] as const) {
      const { run, events } = await build(kind, ["build", "--select", "no_such_model"]);
      expect(run.exitCode).toBe(0);
      expect(events).toContainEqual({ type: "log", level: "warn", message: warning });
    }
    const written = readFileSync(log, "utf8").slice(before);
    expect(written.split("\n").filter((l) => l.includes(`[warn ] ${warning}`))).toHaveLength(2);
  });
});
