/**
 * sbdk — the command line of sbdk-starter. Drives the same library code as the web app:
 *   sbdk run       generate → load → dbt build → publish, with progress and a summary
 *   sbdk simulate  the same as daily batches, one line a day, continuing where it stopped
 *   sbdk doctor    check Node, Python, dbt, DuckDB, the config and the warehouse
 * Exit codes: 0 ok, 1 failed (dbt, a failing test), 2 bad usage or config, 3 a run is in progress.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SbdkError, isSbdkError } from "@/lib/shared/errors";
import { loadConfig } from "@/lib/server/config";
import { runDoctor } from "@/lib/server/doctor";
import { runPipeline, type PipelineEvent, type PipelineResult } from "@/lib/server/pipeline";
import { simulate, type SimulationEvent, type SimulationResult } from "@/lib/server/simulation/simulate";
import {
  bar,
  fmtInt,
  fmtPercent,
  fmtSeconds,
  simulationDayLine,
  StatusLine,
  table,
  weeklyGrowthTable,
} from "./format";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const USAGE = `usage: sbdk <command> [options]

commands:
  run        generate the data, load it into DuckDB, run dbt build (models + tests), publish Parquet
  simulate   run the pipeline day by day: generate, load, dbt build (incremental) + tests, publish
  doctor     check Node, Python, dbt, both DuckDB versions, the config and the warehouse lock
  help       show this message

options for run:
  --config FILE       config file (default: ./sbdk_config.json, or $SBDK_CONFIG)
  --seed N            random seed (overrides the config)
  --users N           base user count
  --days N            number of simulated days
  --start-date DATE   first day, YYYY-MM-DD
  --scale X           multiplier on the user base
  --json              print the result as JSON instead of the summary

options for simulate:
  --days N            days to simulate after the last one done (default: the config's days)
  --reset             start over at day 1 (otherwise continue where the last run stopped)
  --seed N            seed of a new simulation (a different seed needs --reset)
  --skip-dbt          only generate and load (nothing is built, tested or published)
  --skip-tests        build the models without their tests
  --config FILE       config file
  --json              print the result as JSON instead of the daily lines

options for doctor:
  --config FILE       config file to check
`;

class UsageError extends SbdkError {
  constructor(message: string) {
    super("invalid:cli", message, { hint: "run `sbdk help` for the commands and their options" });
  }
}

const RUN_OPTIONS = {
  config: { type: "string" },
  seed: { type: "string" },
  users: { type: "string" },
  days: { type: "string" },
  "start-date": { type: "string" },
  scale: { type: "string" },
  json: { type: "boolean" },
} satisfies ParseArgsConfig["options"];

const SIMULATE_OPTIONS = {
  config: { type: "string" },
  days: { type: "string" },
  reset: { type: "boolean" },
  seed: { type: "string" },
  "skip-dbt": { type: "boolean" },
  "skip-tests": { type: "boolean" },
  json: { type: "boolean" },
} satisfies ParseArgsConfig["options"];

function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(value.trim()))
    throw new UsageError(`--${name} expects a number, got "${value}"`);
  return Number(value);
}

function printSummary(result: PipelineResult, out: (line: string) => void): void {
  const { raw, dbt, timings, publish } = result;
  out("");
  out("Raw tables");
  for (const line of table([
    ["table", "rows"],
    ...Object.entries(raw.rows).map(([t, n]) => [t, fmtInt(n)]),
    ["total", fmtInt(Object.values(raw.rows).reduce((a, b) => a + b, 0))],
  ]))
    out(`  ${line}`);
  out("");
  out(
    `  users ${fmtInt(raw.users)} · regions ${raw.regions} · active ${fmtPercent(raw.activeShare)} (≥1 generation)`,
  );
  if (raw.dateRange) out(`  dates ${raw.dateRange.start} → ${raw.dateRange.end}`);
  out("");
  out(
    `dbt ${dbt.dbt_version}: ${dbt.models.built}/${dbt.models.total} models built · ` +
      `${dbt.tests.passed}/${dbt.tests.total} tests passed` +
      (dbt.tests.failed ? ` · ${dbt.tests.failed} FAILED` : "") +
      (dbt.tests.warned ? ` · ${dbt.tests.warned} warned` : ""),
  );
  for (const t of result.failedTests.slice(0, 10))
    out(`  FAIL ${t.name}${t.failures !== null ? ` (${t.failures} rows)` : ""}`);
  const bytes = publish.manifest.tables.reduce((a, t) => a + t.bytes, 0);
  out(
    `published ${publish.manifest.tables.length} Parquet files (${(bytes / 1e6).toFixed(1)} MB) to ${publish.dir}`,
  );
  out(
    `time: generate ${fmtSeconds(timings.generate)} · load ${fmtSeconds(timings.load)} · dbt ${fmtSeconds(timings.dbt)} · ` +
      `publish ${fmtSeconds(timings.publish)} · total ${fmtSeconds(timings.total)}`,
  );
}

async function commandRun(args: string[]): Promise<number> {
  const flags = parse(args, RUN_OPTIONS);
  const overrides = Object.fromEntries(
    Object.entries({
      seed: numberFlag("seed", flags.seed),
      users: numberFlag("users", flags.users),
      days: numberFlag("days", flags.days),
      scale: numberFlag("scale", flags.scale),
      start_date: flags["start-date"],
    }).filter(([, v]) => v !== undefined),
  );
  const config = loadConfig({ ...(flags.config ? { file: flags.config } : {}), overrides });
  const status = new StatusLine();
  const print = flags.json ? () => {} : (line: string) => status.print(line);
  print(
    `sbdk run: seed ${config.seed}, ${fmtInt(config.users)} users × ${config.scale}, ${config.days} days from ${config.start_date} → ${config.duckdb_path}`,
  );

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let lastDbtPrint = 0;
  const onEvent = (e: PipelineEvent) => {
    if (flags.json) return;
    switch (e.type) {
      case "day":
        status.update(
          `generate+load ${bar(e.day, e.days)} day ${e.day}/${e.days} (${e.date}) ${fmtInt(e.rows)} rows`,
        );
        if (!status.interactive && (e.day === e.days || e.day % 10 === 0))
          print(`  loaded day ${e.day}/${e.days} (${e.date})`);
        break;
      case "stage":
        if (e.status === "finished" && e.stage !== "generate")
          print(`✓ ${e.stage} ${e.seconds !== undefined ? fmtSeconds(e.seconds) : ""}`);
        if (e.status === "started" && e.stage === "dbt") print("  dbt build …");
        break;
      case "dbt": {
        const p = e.progress;
        const line = `dbt ${bar(p.done, p.total)} ${p.done}/${p.total} · models ${p.modelsBuilt} · tests ${p.testsPassed} passed${p.testsFailed ? `, ${p.testsFailed} failed` : ""}${p.current ? ` · ${p.current}` : ""}`;
        status.update(line);
        if (
          !status.interactive &&
          e.event.type === "finished" &&
          (p.done === p.total || performance.now() - lastDbtPrint > 5000)
        ) {
          lastDbtPrint = performance.now();
          print(`  ${line}`);
        }
        if (e.event.type === "finished" && !["success", "pass", "skipped"].includes(e.event.status)) {
          print(`  ${e.event.status.toUpperCase()} ${e.event.name}`);
        }
        break;
      }
      case "table":
        status.update(`publish ${e.table.name} (${fmtInt(e.table.rows)} rows)`);
        break;
    }
  };

  try {
    const result = await runPipeline(config, { onEvent, signal: controller.signal });
    if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    else printSummary(result, print);
    return result.failedTests.length ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** A whole-number flag at least `min`, or a usage error naming it. */
function wholeFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UsageError(`--${name} expects a whole number of ${min} or more, got "${value}"`);
  }
  return Number(value);
}

function printSimulationEnd(
  result: SimulationResult,
  out: (line: string) => void,
  publishPath: string,
): void {
  out("");
  out("Weekly growth");
  for (const line of weeklyGrowthTable(result.weekly)) out(`  ${line}`);
  const sum = (pick: (d: SimulationResult["days"][number]) => number) =>
    result.days.reduce((total, d) => total + pick(d), 0);
  const n = result.days.length;
  out("");
  if (n > 0) {
    const dbt = sum((d) => d.timings.dbt);
    out(
      `time: generate ${fmtSeconds(sum((d) => d.timings.generate))} · load ${fmtSeconds(sum((d) => d.timings.load))} · ` +
        `dbt ${fmtSeconds(dbt)}${result.dbtStartSeconds !== null ? ` (+ ${fmtSeconds(result.dbtStartSeconds)} to start dbt once)` : ""} · ` +
        `publish ${fmtSeconds(sum((d) => d.timings.publish))} · total ${fmtSeconds(result.totalSeconds)} ` +
        `(${fmtSeconds(result.totalSeconds / n)} a day)`,
    );
  }
  if (result.dbtStartSeconds !== null && n > 0) {
    out(
      `published day ${result.toDay} to ${publishPath}, with a snapshot of every day for replay (simulation.json)`,
    );
  }
}

async function commandSimulate(args: string[]): Promise<number> {
  const flags = parse(args, SIMULATE_OPTIONS);
  const days = wholeFlag("days", flags.days, 1);
  const seed = wholeFlag("seed", flags.seed, 0);
  if (flags["skip-dbt"] && flags["skip-tests"]) {
    throw new UsageError("--skip-dbt already skips the tests: give one of --skip-dbt and --skip-tests");
  }
  const config = loadConfig(flags.config ? { file: flags.config } : {});
  const status = new StatusLine();
  const print = flags.json ? () => {} : (line: string) => status.print(line);

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const skipDbt = Boolean(flags["skip-dbt"]);
  const onEvent = (e: SimulationEvent) => {
    if (flags.json) return;
    switch (e.type) {
      case "start":
        print(
          `sbdk simulate: ${e.started ? "new simulation" : "continuing simulation"} ${e.simulationId} · seed ${e.seed}, ` +
            `base ${fmtInt(e.baseUsers)} users · days ${e.fromDay}–${e.toDay} → ${config.duckdb_path}`,
        );
        for (const note of e.notes) print(`note: ${note}`);
        status.update("loading dbt …");
        break;
      case "dbt-ready":
        print(
          `dbt loaded in ${fmtSeconds(e.startSeconds)} (parse ${fmtSeconds(e.parseSeconds)}), kept for every day`,
        );
        break;
      case "day-started":
        status.update(`Day ${String(e.day).padStart(2)} (${e.date})... generate + load`);
        break;
      case "dbt": {
        const p = e.progress;
        status.update(
          `Day ${String(e.day).padStart(2)}... dbt ${bar(p.done, p.total, 20)} ${p.done}/${p.total}${p.current ? ` · ${p.current}` : ""}`,
        );
        if (e.event.type === "finished" && !["success", "pass", "skipped"].includes(e.event.status)) {
          print(`  ${e.event.status.toUpperCase()} ${e.event.name}`);
        }
        break;
      }
      case "stage":
        if (e.stage === "publish" && e.status === "started")
          status.update(`Day ${String(e.day).padStart(2)}... publish`);
        break;
      case "day":
        print(simulationDayLine(e.summary, skipDbt ? "skipped" : "built"));
        break;
    }
  };

  try {
    const result = await simulate(config, {
      ...(days !== undefined ? { days } : {}),
      ...(seed !== undefined ? { seed } : {}),
      reset: Boolean(flags.reset),
      skipDbt,
      skipTests: Boolean(flags["skip-tests"]),
      onEvent,
      signal: controller.signal,
    });
    if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    else printSimulationEnd(result, print, config.publish_path);
    return result.days.some((d) => (d.summary.tests?.failed ?? 0) > 0) ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function commandDoctor(args: string[]): Promise<number> {
  const flags = parse(args, { config: { type: "string" } });
  const { checks } = await runDoctor({ rootDir: ROOT, ...(flags.config ? { file: flags.config } : {}) });
  const mark = { ok: "✓", warn: "!", fail: "✗" } as const;
  for (const c of checks) {
    console.log(`${mark[c.status]} ${c.name.padEnd(9)} ${c.detail}`);
    if (c.fix && c.status !== "ok") console.log(`  ${" ".repeat(9)} → ${c.fix}`);
  }
  const failed = checks.filter((c) => c.status === "fail").length;
  console.log(failed ? `\n${failed} problem(s) found.` : "\nAll checks passed.");
  return failed ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "run":
      return commandRun(rest);
    case "simulate":
      return commandSimulate(rest);
    case "doctor":
      return commandDoctor(rest);
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isSbdkError(err)) {
      process.stderr.write(`\n${err.format()}\n`);
      if (err.code === "invalid:cli") process.stderr.write(`\n${USAGE}`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(
        `\nunexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 1;
    }
  },
);
