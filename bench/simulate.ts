/**
 * The day-by-day simulation at the default scale: every day generate → load → dbt build
 * (incremental, with every test) → publish, in one long-lived dbt worker. Prints the split of
 * each day, how it grows with the number of days (it should stay flat: each day is
 * incremental), and what a new dbt process per day would cost instead (start-up and parse).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadConfig } from "@/lib/server/config";
import { readManifest, type RunResults } from "@/lib/server/dbt/artifacts";
import { dbtStateDirs, runDbt } from "@/lib/server/dbt/runner";
import { batchDateOf } from "@/lib/server/generators";
import { publish } from "@/lib/server/publish";
import { startDbtSession, type DbtSession } from "@/lib/server/dbt/session";
import type { Config } from "@/lib/shared/config";
import { PACKAGE_ROOT } from "@/lib/server/paths";
import { simulate, type SimulatedDay } from "@/lib/server/simulation/simulate";
import { dayDbtArgs } from "@/lib/server/simulation/simulate";

export interface SimulateBenchOptions {
  users: number;
  days: number;
  threads: number;
  keep: boolean;
  /** Rounds of the levers' comparison on the last day (0: none). */
  leverRounds: number;
}

/** One way of running the last day's build, and its medians over the rounds. */
export interface LeverResult {
  name: string;
  nodes: number;
  wallSeconds: number;
  cpuSeconds: number;
  minCpuSeconds: number;
}

export interface SimulateBenchResult {
  users: number;
  days: number;
  threads: number;
  totalSeconds: number;
  dbtStartSeconds: number;
  dbtParseSeconds: number;
  perDay: Array<{ day: number } & SimulatedDay["timings"]>;
  medians: Record<
    "firstFive" | "lastFive",
    Record<"generate" | "load" | "dbt" | "dbtCpu" | "dbtSql" | "publish" | "total", number>
  >;
  /** The last day's dbt build as a new dbt process: with a --vars new to dbt (a full re-parse), then again (partial parse). */
  perDayProcess: { newVarsSeconds: number; sameVarsSeconds: number; workerSeconds: number };
  testsPerDay: number;
  /** The last day's build with each speed-up taken away, and with all of them (`before`). */
  levers: LeverResult[];
  /** The last day's publish, every table whole against the marts kept by day a file per day. */
  publishByDay: Record<"whole" | "byDay", { wallSeconds: number; cpuSeconds: number }> | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const f = (n: number, digits = 2) => n.toFixed(digits);

export async function benchSimulate(options: SimulateBenchOptions): Promise<SimulateBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "sbdk-bench-simulate-"));
  const configFile = join(dir, "sbdk_config.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      users: options.users,
      days: options.days,
      seed: 42,
      duckdb_path: "data/sbdk.duckdb",
      publish_path: "publish",
      dbt_path: join(PACKAGE_ROOT, "dbt"),
      profiles_dir: join(PACKAGE_ROOT, "dbt"),
    }),
  );
  const config = loadConfig({ file: configFile, env: {} });
  console.log(
    `\n== simulate: base ${options.users.toLocaleString("en-US")} users × ${options.days} days, dbt build + tests every day, ${options.threads} dbt thread(s) (${dir})`,
  );
  // dbt sql: the seconds of the build's queries in DuckDB, summed over dbt's threads; the rest
  // of the dbt column is dbt's own Python.
  console.log("  day  generate  load    dbt     dbt cpu  dbt sql  publish  total   tests");
  let parseSeconds = 0;
  const result = await simulate(config, {
    days: options.days,
    reset: true,
    dbtThreads: options.threads,
    onEvent: (e) => {
      if (e.type === "dbt-ready") {
        parseSeconds = e.parseSeconds;
        console.log(
          `  dbt worker ready in ${f(e.startSeconds)}s (import ${f(e.importSeconds)}s, parse ${f(e.parseSeconds)}s)`,
        );
      }
      if (e.type === "day") {
        const t = e.timings;
        console.log(
          `  ${String(e.summary.day).padStart(3)}  ${f(t.generate).padStart(8)}  ${f(t.load).padStart(6)}  ${f(t.dbt).padStart(6)}  ${f(t.dbtCpu).padStart(7)}  ${(t.dbtSql === undefined ? "-" : f(t.dbtSql)).padStart(7)}  ${f(t.publish).padStart(7)}  ${f(t.total).padStart(6)}  ${e.summary.tests?.passed ?? "-"}`,
        );
      }
    },
  });
  const perDay = result.days.map((d) => ({ day: d.summary.day, ...d.timings }));
  const pick = (days: typeof perDay) => ({
    generate: median(days.map((d) => d.generate)),
    load: median(days.map((d) => d.load)),
    dbt: median(days.map((d) => d.dbt)),
    dbtCpu: median(days.map((d) => d.dbtCpu)),
    dbtSql: median(days.map((d) => d.dbtSql)),
    publish: median(days.map((d) => d.publish)),
    total: median(days.map((d) => d.total)),
  });
  const medians = { firstFive: pick(perDay.slice(0, 5)), lastFive: pick(perDay.slice(-5)) };

  const lastDay = options.days;
  const levers = options.leverRounds > 0 ? await benchLevers(config, options) : [];
  const publishByDay = options.leverRounds > 0 ? await benchPublishByDay(config, options) : null;

  // The same last-day build as a new dbt process each day would run it.
  const args = dayDbtArgs({
    startDate: config.start_date,
    day: lastDay,
    dbtDay: lastDay,
    skipTests: false,
    threads: options.threads,
  });
  const firstProcess = await runDbt({ config, args });
  const secondProcess = await runDbt({ config, args });
  if (firstProcess.exitCode !== 0 || secondProcess.exitCode !== 0) {
    throw new Error(`dbt build as a process failed:\n${secondProcess.outputTail.join("\n")}`);
  }
  const perDayProcess = {
    newVarsSeconds: firstProcess.seconds,
    sameVarsSeconds: secondProcess.seconds,
    workerSeconds: perDay.at(-1)!.dbt,
  };

  const sum = (k: "generate" | "load" | "dbt" | "dbtSql" | "publish") => perDay.reduce((a, d) => a + d[k], 0);
  console.log(
    `  total ${f(result.totalSeconds, 1)}s for ${options.days} days: generate ${f(sum("generate"), 1)}s · load ${f(sum("load"), 1)}s · ` +
      `dbt ${f(sum("dbt"), 1)}s, its queries in DuckDB ${f(sum("dbtSql"), 1)}s (+ ${f(result.dbtStartSeconds ?? 0, 1)}s to start the worker once) · publish ${f(sum("publish"), 1)}s`,
  );
  // What the days would take if dbt's own Python cost nothing: the floor of a dbt build of this
  // project on this machine. Only with one dbt thread is a query's time the query's alone (with
  // more, it holds the wait for Python's lock after the query).
  const withoutPython =
    sum("generate") + sum("load") + sum("dbtSql") + sum("publish") + (result.dbtStartSeconds ?? 0);
  console.log(
    options.threads === 1
      ? `  the same days without dbt's own Python (generate + load + dbt's queries + publish + start): ${f(withoutPython, 1)}s`
      : "  (with --sim-threads 1, the bench also prints what the days would take without dbt's own Python)",
  );
  const ratio = (k: keyof typeof medians.firstFive) =>
    `${k} ${f(medians.firstFive[k])} → ${f(medians.lastFive[k])}s (${f(medians.lastFive[k] / medians.firstFive[k])}×)`;
  console.log(
    `  median of days 1–5 → last 5: ${(["generate", "load", "dbt", "dbtCpu", "dbtSql", "publish", "total"] as const).map(ratio).join(" · ")}`,
  );
  console.log(
    `  day ${lastDay}'s build as a new dbt process: ${f(perDayProcess.newVarsSeconds, 1)}s with new --vars (full re-parse), ` +
      `${f(perDayProcess.sameVarsSeconds, 1)}s with the same vars again (partial parse) · in the worker ${f(perDayProcess.workerSeconds, 1)}s`,
  );
  if (!options.keep) rmSync(dir, { recursive: true, force: true });
  return {
    users: options.users,
    days: options.days,
    threads: options.threads,
    totalSeconds: result.totalSeconds,
    dbtStartSeconds: result.dbtStartSeconds ?? 0,
    dbtParseSeconds: parseSeconds,
    perDay,
    medians,
    perDayProcess,
    testsPerDay: result.days.at(-1)?.summary.tests?.passed ?? 0,
    levers,
    publishByDay,
  };
}

/**
 * The last day's publish (into a folder of its own), every table written whole as a plain run
 * publishes, against the simulation's way: the marts kept by day a file per day, only the last
 * day written. Alternating rounds; medians of wall and CPU seconds (Node's, DuckDB's included).
 */
async function benchPublishByDay(
  config: Config,
  options: SimulateBenchOptions,
): Promise<NonNullable<SimulateBenchResult["publishByDay"]>> {
  const target = { ...config, publish_path: join(dirname(config.duckdb_path), "..", "publish-compare") };
  const manifest = await readManifest(dbtStateDirs(config).targetPath);
  const runResults = emptyRunResults();
  const changedFrom = batchDateOf(config.start_date, options.days);
  let previous = (await publish({ config: target, runResults, manifest })).manifest;
  previous = (await publish({ config: target, runResults, manifest, byDay: { previous, changedFrom } }))
    .manifest;
  const samples = {
    whole: { wall: [] as number[], cpu: [] as number[] },
    byDay: { wall: [] as number[], cpu: [] as number[] },
  };
  const timed = async (kind: "whole" | "byDay", run: () => Promise<unknown>) => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const used = process.cpuUsage(cpu);
    samples[kind].wall.push((performance.now() - t0) / 1000);
    samples[kind].cpu.push((used.user + used.system) / 1e6);
  };
  for (let round = 0; round < options.leverRounds; round++) {
    await timed("whole", () => publish({ config: target, runResults, manifest }));
    await timed("byDay", async () => {
      previous = (await publish({ config: target, runResults, manifest, byDay: { previous, changedFrom } }))
        .manifest;
    });
  }
  const result = {
    whole: { wallSeconds: median(samples.whole.wall), cpuSeconds: median(samples.whole.cpu) },
    byDay: { wallSeconds: median(samples.byDay.wall), cpuSeconds: median(samples.byDay.cpu) },
  };
  console.log(
    `  day ${options.days}'s publish, medians of ${options.leverRounds}: every table whole ${f(result.whole.wallSeconds)}s (${f(result.whole.cpuSeconds)}s CPU) · ` +
      `marts by day, day ${options.days} written ${f(result.byDay.wallSeconds)}s (${f(result.byDay.cpuSeconds)}s CPU)`,
  );
  return result;
}

/** Run results with no nodes: the publish's test results are not what is timed. */
function emptyRunResults(): RunResults {
  return { metadata: { dbt_version: "", generated_at: "", invocation_id: "" }, elapsed_time: 0, results: [] };
}

/**
 * What each speed-up of a simulated day's build is worth: the last day's build, as the
 * simulation runs it and with one speed-up taken away at a time, then with all of them taken
 * away (the build as it was before them), in alternating rounds so the machine's load falls on
 * every variant alike; medians of wall and CPU seconds after a warm-up round. Re-running the
 * last day changes nothing, so every round builds the same data.
 */
async function benchLevers(config: Config, options: SimulateBenchOptions): Promise<LeverResult[]> {
  const simulated = dayDbtArgs({
    startDate: config.start_date,
    day: options.days,
    dbtDay: options.days,
    skipTests: false,
    threads: options.threads,
    viewsBuilt: true,
  });
  const vars = JSON.parse(simulated[simulated.indexOf("--vars") + 1]!) as Record<string, unknown>;
  const withVars = (args: string[], next: Record<string, unknown>) => {
    const at = args.indexOf("--vars") + 1;
    return args.map((a, i) => (i === at ? JSON.stringify(next) : a));
  };
  const withoutViewsLever = (args: string[]) => {
    const at = args.indexOf("--exclude");
    if (at < 0 || args[at + 2] !== "--indirect-selection")
      throw new Error("expected --exclude … --indirect-selection …");
    return args.filter((_, i) => i < at || i > at + 3);
  };
  // dbt's own loggers as the worker ran them before: errors to the console, warnings to the file.
  const loggersOn = ["--log-level", "info", "--quiet", "--log-level-file", "warn"];
  const noWindow = Object.fromEntries(Object.entries(vars).filter(([k]) => !k.startsWith("batch_")));
  const storing = { ...vars, store_test_failures: true };
  const variants: Array<{ name: string; plain: boolean; args: string[] }> = [
    { name: "as simulated (all speed-ups)", plain: false, args: simulated },
    { name: "failing rows stored", plain: false, args: withVars(simulated, storing) },
    { name: "views rebuilt", plain: false, args: withoutViewsLever(simulated) },
    { name: "dbt's loggers on", plain: false, args: [...simulated, ...loggersOn] },
    // No window: the facts re-select their latest day (the same rows), the tests every row.
    { name: "tests on every row", plain: false, args: withVars(simulated, noWindow) },
    { name: "the worker without its own speed-ups", plain: true, args: simulated },
    {
      name: "before (none of these)",
      plain: true,
      args: [...withVars(withoutViewsLever(simulated), { store_test_failures: true }), ...loggersOn],
    },
  ];
  console.log(
    `  speed-ups, on day ${options.days}'s build: ${options.leverRounds} alternating rounds after a warm-up, medians (CPU: the worker's)`,
  );
  const sessions: Record<"fast" | "plain", DbtSession> = {
    fast: await startDbtSession({ config }),
    plain: await startDbtSession({ config, env: { SBDK_DBT_WORKER_PLAIN: "1" } }),
  };
  const samples = variants.map(() => ({ wall: [] as number[], cpu: [] as number[], nodes: 0 }));
  try {
    for (let round = 0; round <= options.leverRounds; round++) {
      for (const [i, v] of variants.entries()) {
        const run = await sessions[v.plain ? "plain" : "fast"].invoke(v.args);
        if (run.exitCode !== 0) throw new Error(`${v.name}: dbt failed\n${run.outputTail.join("\n")}`);
        if (round === 0) continue;
        samples[i]!.wall.push(run.seconds);
        samples[i]!.cpu.push(run.cpuSeconds);
        samples[i]!.nodes = run.results?.results.length ?? 0;
      }
    }
  } finally {
    await sessions.fast.close();
    await sessions.plain.close();
  }
  const results = variants.map((v, i) => ({
    name: v.name,
    nodes: samples[i]!.nodes,
    wallSeconds: median(samples[i]!.wall),
    cpuSeconds: median(samples[i]!.cpu),
    minCpuSeconds: Math.min(...samples[i]!.cpu),
  }));
  const base = results[0]!;
  console.log(
    "  variant                                         nodes   wall s   CPU s   (min)   CPU vs simulated",
  );
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(46)}  ${String(r.nodes).padStart(5)}  ${f(r.wallSeconds).padStart(7)}  ${f(r.cpuSeconds).padStart(6)}  ${f(r.minCpuSeconds).padStart(6)}   ${r === base ? "" : `${r.cpuSeconds >= base.cpuSeconds ? "+" : "−"}${f(Math.abs(r.cpuSeconds - base.cpuSeconds))} s (${f(r.cpuSeconds / base.cpuSeconds)}×)`}`,
    );
  }
  return results;
}
