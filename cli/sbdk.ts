/**
 * sbdk — the command line of sbdk-starter. Drives the same library code as the web app:
 *   sbdk run       generate → load → dbt build → publish, with progress and a summary; the run
 *                  is kept in the run history the web app's runs page lists
 *   sbdk simulate  the same as daily batches, one line a day, continuing where it stopped
 *   sbdk backfill  list, preview (--dry-run) or apply the backfills of new metric columns
 *   sbdk doctor    check Node, Python, dbt, DuckDB, the config and the warehouse
 *   sbdk export    write the dashboard and quality pages as a static site
 * Exit codes: 0 ok, 1 failed (dbt, a failing test), 2 bad usage or config, 3 a run is in progress,
 * 4 not found (a run id, a backfill's name), 5 something missing (dbt, the warehouse).
 */
import { createInterface } from "node:readline";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "@/lib/shared/config";
import { isSbdkError } from "@/lib/shared/errors";
import type { RunResultLine, RunStartLine } from "@/lib/shared/runs";
import { loadConfig } from "@/lib/server/config";
import { runDoctor } from "@/lib/server/doctor";
import { exportSite, MAX_FILE_BYTES } from "@/lib/server/export";
import { waitForLock, type WarehouseLock } from "@/lib/server/lock";
import { runPipeline, type PipelineEvent, type PipelineResult } from "@/lib/server/pipeline";
import {
  failQueuedRun,
  runErrorOf,
  startRecordedRun,
  startRecordedSimulation,
  type RunRecorder,
  type SimulationRecorder,
} from "@/lib/server/runs/recorder";
import { RUNS_KEPT, RunStore, notFound } from "@/lib/server/runs/store";
import { simulate, type SimulationResult } from "@/lib/server/simulation/simulate";
import type { SimulationEvent, SimulationJobParams, SimulationJobSummary } from "@/lib/shared/simulation";
import { parseDoctorArgs, parseExportArgs, parseRunArgs, parseSimulateArgs, UsageError } from "./args";
import { BACKFILL_USAGE, commandBackfill } from "./backfill";
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
  backfill   list the backfills of new metric columns, preview one, or fill its history with dbt
  doctor     check Node, Python, dbt, both DuckDB versions, the config and the warehouse lock
  export     write the dashboard and quality pages with their Parquet as a static site (and the
             simulation's replay, when one was published)
  help       show this message

options for run:
  --config FILE       config file (default: ./sbdk_config.json, or $SBDK_CONFIG)
  --seed N            random seed (overrides the config)
  --users N           base user count
  --days N            number of simulated days
  --start-date DATE   first day, YYYY-MM-DD
  --scale X           multiplier on the user base
  --json              print the result as JSON instead of the summary
  --events            print each progress event as one JSON line on stdout (the summary goes
                      to stderr); the last line is {"type":"result",…}
  --run-id ID         execute the run the web app queued as ID, with the settings of its record

Each run is recorded in the run history beside the warehouse (<warehouse folder>/runs/<id>/),
which the web app's runs page lists; the history keeps the newest ${RUNS_KEPT} runs.

options for simulate:
  --days N            days to simulate after the last one done (default: the config's days)
  --reset             start over at day 1 (otherwise continue where the last run stopped)
  --seed N            seed of a new simulation (a different seed needs --reset)
  --skip-dbt          only generate and load (nothing is built, tested or published)
  --skip-tests        build the models without their tests
  --seconds-per-day N start each day at least N seconds after the one before (default 0: as
                      fast as possible)
  --config FILE       config file
  --json              print the result as JSON instead of the daily lines
  --events            print each event as one JSON line on stdout (the daily lines go to
                      stderr); the last is {"type":"result",…}
  --run-id ID         execute the simulation job the web app queued as ID, with its settings

With --events, a line "pause" on stdin stops the run once the day under way is done, and
"stop" stops it at once (as Ctrl-C does; the unfinished day is redone by the next run).
Each run is recorded in the run history too.

${BACKFILL_USAGE}
options for doctor:
  --config FILE       config file to check

options for export:
  --config FILE       config file (its publish_path is exported)
  --out DIR           destination folder, replaced as a whole (default: out/site)
  --base-path PATH    the URL path the site will be served under (default: /), e.g. /team/sbdk
  --json              print the result as JSON
`;

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

/** A line of `sbdk run --events`. */
type StdoutLine = RunStartLine | PipelineEvent | RunResultLine;

async function commandRun(args: string[]): Promise<number> {
  const { flags, params: flagParams, runId } = parseRunArgs(args);
  const file = flags.config ? { file: flags.config } : {};

  // With --events, stdout carries one JSON line per event and people read stderr.
  if (flags.events) {
    // If the reader goes away (the server that started this run stopped), the run goes on:
    // its history keeps the events and the log.
    const ignore = () => {};
    process.stdout.on("error", ignore);
    process.stderr.on("error", ignore);
  }
  let resultSent = false;
  const emitLine = (value: StdoutLine) => {
    if (value.type === "result") resultSent = true;
    process.stdout.write(JSON.stringify(value) + "\n");
  };
  let recorder: RunRecorder | null = null;
  let lock: WarehouseLock | undefined;
  try {
    let params = flagParams;
    let store: RunStore;
    if (runId !== undefined) {
      // The server queued this run: its record holds the settings.
      store = RunStore.forConfig(loadConfig(file));
      const queued = store.readRaw(runId);
      if (!queued) throw notFound(runId);
      params = queued.params;
    }
    let config: Config;
    try {
      config = loadConfig({ ...file, overrides: params });
    } catch (err) {
      if (runId !== undefined) failQueuedRun(store!, runId, err, isSbdkError(err) ? err.exitCode : 1);
      throw err;
    }
    store ??= RunStore.forConfig(config);
    // The server queued this run when the warehouse was free; a run started in a terminal
    // since (while this process was starting) is waited for, as the queue would have.
    lock =
      runId === undefined
        ? undefined
        : await waitForLock(config.duckdb_path, "pipeline run", {
            onWait: (holder) =>
              process.stderr.write(
                `waiting for the warehouse: a run is in progress (${holder.job}, started at ${holder.started_at}, pid ${holder.pid})\n`,
              ),
          });
    recorder = startRecordedRun({
      store,
      config,
      trigger: "cli",
      params,
      ...(runId !== undefined ? { runId } : {}),
    });
    if (flags.events) emitLine({ type: "run", run: recorder.run } satisfies RunStartLine);
    return await runWithProgress(config, recorder, flags, emitLine, lock);
  } catch (err) {
    lock?.release();
    if (flags.events && !resultSent) {
      emitLine({
        type: "result",
        status: "failed",
        exit_code: isSbdkError(err) ? err.exitCode : 1,
        run: recorder?.run ?? null,
        error: runErrorOf(err),
      } satisfies RunResultLine);
    }
    throw err;
  }
}

async function runWithProgress(
  config: Config,
  recorder: RunRecorder,
  flags: { json?: boolean | undefined; events?: boolean | undefined },
  emitLine: (value: StdoutLine) => void,
  lock?: WarehouseLock,
): Promise<number> {
  const status = new StatusLine(flags.events ? process.stderr : process.stdout);
  // What a person reads goes to the terminal (stderr with --events) and to the run's log.
  const print = (line: string) => {
    recorder.log(line);
    if (!flags.json) status.print(line);
  };
  // Milestones a redrawn progress line already shows on a terminal.
  const milestone = (line: string) => (status.interactive && !flags.json ? recorder.log(line) : print(line));
  const update = (line: string) => {
    if (!flags.json) status.update(line);
  };
  print(
    `sbdk run ${recorder.run.id}: seed ${config.seed}, ${fmtInt(config.users)} users × ${config.scale}, ${config.days} days from ${config.start_date} → ${config.duckdb_path}`,
  );

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let lastDbtPrint = 0;
  const onEvent = (e: PipelineEvent) => {
    recorder.event(e);
    if (flags.events) emitLine(e);
    switch (e.type) {
      case "day":
        update(
          `generate+load ${bar(e.day, e.days)} day ${e.day}/${e.days} (${e.date}) ${fmtInt(e.rows)} rows`,
        );
        if (e.day === e.days || e.day % 10 === 0) milestone(`  loaded day ${e.day}/${e.days} (${e.date})`);
        break;
      case "stage":
        if (e.status === "finished" && e.stage !== "generate")
          print(`✓ ${e.stage} ${e.seconds !== undefined ? fmtSeconds(e.seconds) : ""}`);
        if (e.status === "started" && e.stage === "dbt") print("  dbt build …");
        break;
      case "dbt": {
        const p = e.progress;
        const line = `dbt ${bar(p.done, p.total)} ${p.done}/${p.total} · models ${p.modelsBuilt} · tests ${p.testsPassed} passed${p.testsFailed ? `, ${p.testsFailed} failed` : ""}${p.current ? ` · ${p.current}` : ""}`;
        update(line);
        if (e.event.type === "finished" && (p.done === p.total || performance.now() - lastDbtPrint > 5000)) {
          lastDbtPrint = performance.now();
          milestone(`  ${line}`);
        }
        if (e.event.type === "finished" && !["success", "pass", "skipped"].includes(e.event.status)) {
          print(`  ${e.event.status.toUpperCase()} ${e.event.name}`);
        }
        if (e.event.type === "log" && (e.event.level === "error" || e.event.level === "warn")) {
          recorder.log(`  dbt ${e.event.level}: ${e.event.message}`);
        }
        break;
      }
      case "table":
        update(`publish ${e.table.name} (${fmtInt(e.table.rows)} rows)`);
        break;
    }
  };

  try {
    let result: PipelineResult;
    try {
      result = await runPipeline(config, { onEvent, signal: controller.signal, ...(lock ? { lock } : {}) });
    } catch (err) {
      const run = recorder.fail(err, isSbdkError(err) ? err.exitCode : 1);
      if (flags.events) {
        emitLine({
          type: "result",
          status: "failed",
          exit_code: run.exit_code ?? 1,
          run,
          error: run.error,
        } satisfies RunResultLine);
      }
      throw err;
    }
    const exitCode = result.failedTests.length ? 1 : 0;
    if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    // With --json the summary goes to the run's log only.
    printSummary(result, print);
    const run = recorder.succeed(result, exitCode);
    if (flags.events) {
      emitLine({
        type: "result",
        status: "succeeded",
        exit_code: exitCode,
        run,
        error: null,
      } satisfies RunResultLine);
    }
    return exitCode;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
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

/** A line of `sbdk simulate --events`. */
type SimulateStdoutLine = RunStartLine | SimulationEvent | RunResultLine;

/** What a finished simulation job did, for its record. */
function simulationJobSummary(
  result: SimulationResult,
  plannedToDay: number,
  paused: boolean,
): SimulationJobSummary {
  const sum = (pick: (d: SimulationResult["days"][number]) => number) =>
    result.days.reduce((total, d) => total + pick(d), 0);
  return {
    simulation_id: result.simulationId,
    seed: result.seed,
    base_users: result.baseUsers,
    start_date: result.startDate,
    from_day: result.fromDay,
    to_day: plannedToDay,
    days: result.days.map((d) => d.summary),
    paused,
    timings: {
      generate: sum((d) => d.timings.generate),
      load: sum((d) => d.timings.load),
      dbt: sum((d) => d.timings.dbt),
      publish: sum((d) => d.timings.publish),
      total: result.totalSeconds,
    },
    dbt_start_seconds: result.dbtStartSeconds,
  };
}

/** Waits `ms`, or less when `wake` is called. */
function interruptibleSleep(ms: number): { done: Promise<void>; wake(): void } {
  let wake = () => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, wake };
}

async function commandSimulate(args: string[]): Promise<number> {
  const { flags, days, seed, runId, secondsPerDay } = parseSimulateArgs(args);
  const config = loadConfig(flags.config ? { file: flags.config } : {});
  const store = RunStore.forConfig(config);

  // With --events, stdout carries one JSON line per event and people read stderr.
  if (flags.events) {
    // If the reader goes away (the server that started this job stopped), the days go on:
    // the job's history keeps the events and the log.
    const ignore = () => {};
    process.stdout.on("error", ignore);
    process.stderr.on("error", ignore);
  }
  let resultSent = false;
  const emitLine = (value: SimulateStdoutLine) => {
    if (value.type === "result") resultSent = true;
    if (flags.events) process.stdout.write(JSON.stringify(value) + "\n");
  };

  let params: SimulationJobParams;
  if (runId !== undefined) {
    const queued = store.readRaw(runId);
    if (!queued) throw notFound(runId);
    if (queued.kind !== "simulation") {
      throw new UsageError(`run ${runId} is a pipeline run: execute it with \`sbdk run --run-id ${runId}\``);
    }
    params = queued.params;
  } else {
    const n = days ?? config.days;
    params = {
      action: flags.reset ? "reset" : n === 1 ? "step" : "play",
      days: n,
      ...(seed !== undefined ? { seed } : {}),
      seconds_per_day: secondsPerDay ?? 0,
      ...(flags["skip-dbt"] ? { skip_dbt: true } : {}),
      ...(flags["skip-tests"] ? { skip_tests: true } : {}),
    };
  }

  // A pause asked for on stdin ("pause": the day under way finishes, then the run stops;
  // "stop": it stops at once), as the web app's queue does. Ctrl-C and SIGTERM stop at once; the
  // unfinished day is redone by the next run.
  const controller = new AbortController();
  let pauseRequested = false;
  // The day under way, null between days (before the first, while the pace holds the next back).
  let currentDay: number | null = null;
  let sleeping: { wake(): void } | null = null;
  let onPauseEvent: (event: SimulationEvent) => void = () => {};
  const stopNow = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    sleeping?.wake();
    onPauseEvent({ type: "pause", day: currentDay, now: true });
  };
  const pause = () => {
    if (pauseRequested || controller.signal.aborted) return;
    pauseRequested = true;
    sleeping?.wake();
    onPauseEvent({ type: "pause", day: currentDay, now: false });
  };
  process.once("SIGINT", stopNow);
  process.once("SIGTERM", stopNow);
  const control = flags.events && !process.stdin.isTTY ? createInterface({ input: process.stdin }) : null;
  control?.on("line", (line) => {
    const command = line.trim();
    if (command === "pause") pause();
    else if (command === "stop") stopNow();
  });

  let recorder: SimulationRecorder | null = null;
  try {
    recorder = startRecordedSimulation({
      store,
      config,
      trigger: "cli",
      params,
      ...(runId !== undefined ? { runId } : {}),
    });
    emitLine({ type: "run", run: recorder.run } satisfies RunStartLine);
    return await simulateWithProgress(config, recorder, params, flags, emitLine, {
      controller,
      isPauseRequested: () => pauseRequested,
      setCurrentDay: (day) => (currentDay = day),
      setSleeping: (s) => (sleeping = s),
      setPauseListener: (listener) => (onPauseEvent = listener),
    });
  } catch (err) {
    if (flags.events && !resultSent) {
      emitLine({
        type: "result",
        status: "failed",
        exit_code: isSbdkError(err) ? err.exitCode : 1,
        run: recorder?.run ?? null,
        error: runErrorOf(err),
      } satisfies RunResultLine);
    }
    throw err;
  } finally {
    process.off("SIGINT", stopNow);
    process.off("SIGTERM", stopNow);
    // Stop reading stdin, so the process can end.
    control?.close();
    if (control) process.stdin.destroy();
  }
}

interface PauseControl {
  controller: AbortController;
  isPauseRequested(): boolean;
  setCurrentDay(day: number | null): void;
  setSleeping(sleeping: { wake(): void } | null): void;
  setPauseListener(listener: (event: SimulationEvent) => void): void;
}

async function simulateWithProgress(
  config: Config,
  recorder: SimulationRecorder,
  params: SimulationJobParams,
  flags: { json?: boolean | undefined; events?: boolean | undefined },
  emitLine: (value: SimulateStdoutLine) => void,
  control: PauseControl,
): Promise<number> {
  const status = new StatusLine(flags.events ? process.stderr : process.stdout);
  // What a person reads goes to the terminal (stderr with --events) and to the job's log.
  const print = (line: string) => {
    recorder.log(line);
    if (!flags.json) status.print(line);
  };
  const update = (line: string) => {
    if (!flags.json) status.update(line);
  };
  const skipDbt = Boolean(params.skip_dbt);
  let plannedToDay = 0;
  let dayStartedAt = performance.now();

  const onEvent = (e: SimulationEvent) => {
    recorder.event(e);
    emitLine(e);
    switch (e.type) {
      case "start":
        plannedToDay = e.toDay;
        print(
          `sbdk simulate ${recorder.run.id}: ${e.started ? "new simulation" : "continuing simulation"} ${e.simulationId} · seed ${e.seed}, ` +
            `base ${fmtInt(e.baseUsers)} users · days ${e.fromDay}–${e.toDay} → ${config.duckdb_path}`,
        );
        for (const note of e.notes) print(`note: ${note}`);
        update("loading dbt …");
        break;
      case "dbt-ready":
        print(
          `dbt loaded in ${fmtSeconds(e.startSeconds)} (parse ${fmtSeconds(e.parseSeconds)}), kept for every day`,
        );
        break;
      case "day-started":
        control.setCurrentDay(e.day);
        dayStartedAt = performance.now();
        update(`Day ${String(e.day).padStart(2)} (${e.date})... generate + load`);
        break;
      case "dbt": {
        const p = e.progress;
        update(
          `Day ${String(e.day).padStart(2)}... dbt ${bar(p.done, p.total, 20)} ${p.done}/${p.total}${p.current ? ` · ${p.current}` : ""}`,
        );
        if (e.event.type === "finished" && !["success", "pass", "skipped"].includes(e.event.status)) {
          print(`  ${e.event.status.toUpperCase()} ${e.event.name}`);
        }
        break;
      }
      case "stage":
        if (e.stage === "publish" && e.status === "started")
          update(`Day ${String(e.day).padStart(2)}... publish`);
        break;
      case "day":
        control.setCurrentDay(null);
        print(simulationDayLine(e.summary, skipDbt ? "skipped" : "built"));
        break;
      case "pause":
        print(
          e.now
            ? `stopping now${e.day !== null ? `: day ${e.day} is left unfinished and redone by the next run` : ""}`
            : e.day !== null
              ? `pausing: stopping once day ${e.day} is done`
              : "pausing: no day is under way, so none starts",
        );
        break;
      case "wait":
        update(
          `Day ${String(e.day).padStart(2)} starts in ${fmtSeconds(e.seconds)} (${params.seconds_per_day} s a day)`,
        );
        break;
    }
  };
  control.setPauseListener(onEvent);

  // The pace asked for, and a pause: looked at before each day after the first.
  const beforeDay = async (day: number): Promise<boolean> => {
    if (control.isPauseRequested()) return false;
    const waitMs = params.seconds_per_day * 1000 - (performance.now() - dayStartedAt);
    if (waitMs > 50) {
      onEvent({ type: "wait", day, seconds: Math.round(waitMs) / 1000 });
      const sleep = interruptibleSleep(waitMs);
      control.setSleeping(sleep);
      await sleep.done;
      control.setSleeping(null);
    }
    return !control.isPauseRequested();
  };

  let result: SimulationResult;
  try {
    result = await simulate(config, {
      days: params.days,
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      reset: params.action === "reset",
      skipDbt,
      skipTests: Boolean(params.skip_tests),
      onEvent,
      signal: control.controller.signal,
      beforeDay,
    });
  } catch (err) {
    // Stopped on purpose (a second Ctrl-C, SIGTERM, the player's "stop now"): interrupted, not failed.
    const stopped = control.controller.signal.aborted;
    const run = recorder.fail(err, isSbdkError(err) ? err.exitCode : 1, stopped ? "interrupted" : "failed");
    emitLine({
      type: "result",
      status: stopped ? "interrupted" : "failed",
      exit_code: run.exit_code ?? 1,
      run,
      error: run.error,
    } satisfies RunResultLine);
    throw err;
  }
  const paused = control.isPauseRequested() && result.toDay < plannedToDay;
  if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  printSimulationEnd(result, print, config.publish_path);
  if (paused) {
    print(
      `paused after day ${result.toDay}: ${plannedToDay - result.toDay} of the days asked for are left; run again to go on`,
    );
  }
  const exitCode = result.days.some((d) => (d.summary.tests?.failed ?? 0) > 0) ? 1 : 0;
  const run = recorder.succeed(simulationJobSummary(result, plannedToDay, paused), exitCode);
  emitLine({
    type: "result",
    status: "succeeded",
    exit_code: exitCode,
    run,
    error: null,
  } satisfies RunResultLine);
  return exitCode;
}

async function commandDoctor(args: string[]): Promise<number> {
  const { flags } = parseDoctorArgs(args);
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

function fmtBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}

async function commandExport(args: string[]): Promise<number> {
  const { flags } = parseExportArgs(args);
  const config = loadConfig(flags.config ? { file: flags.config } : {});
  const env = { ...process.env, ...(flags.config ? { SBDK_CONFIG: resolve(flags.config) } : {}) };
  const say = flags.json ? () => {} : (line: string) => console.log(line);
  const result = await exportSite(config, {
    out: flags.out ?? "out/site",
    basePath: flags["base-path"] ?? "/",
    env,
    onStep: (m) => say(`sbdk export: ${m}`),
  });
  if (flags.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    return 0;
  }
  const top = result.files.slice(0, 8);
  say("");
  say("Largest files");
  for (const line of table([
    ["file", "size"],
    ...top.map((f) => [f.path, fmtBytes(f.bytes)]),
    [`… ${result.files.length} files in all`, fmtBytes(result.totalBytes)],
  ]))
    say(`  ${line}`);
  say("");
  say(
    `every file is under ${MAX_FILE_BYTES / 1024 / 1024} MiB (largest: ${result.largest.path}, ${fmtBytes(result.largest.bytes)})`,
  );
  say(
    `static site in ${result.out} (${fmtSeconds(result.seconds)}), for the URL path ${result.basePath || "/"}`,
  );
  if (result.simulation) {
    say(
      `with the replay of ${result.simulation.id} (${result.simulation.days} day(s)) at ${result.basePath || ""}/simulate/`,
    );
  }
  say(
    result.basePath
      ? `try it: put the folder at <root>${result.basePath} and serve <root>, e.g. python3 -m http.server -d <root>`
      : `try it: python3 -m http.server -d ${relative(process.cwd(), result.out) || "."} 8080`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `sbdk run --help` is a question, not a typo: answer it with the usage.
  if (command && (rest.includes("--help") || rest.includes("-h"))) {
    process.stdout.write(USAGE);
    return 0;
  }
  switch (command) {
    case "run":
      return commandRun(rest);
    case "simulate":
      return commandSimulate(rest);
    case "backfill":
      return commandBackfill(rest, (message) => new UsageError(message));
    case "doctor":
      return commandDoctor(rest);
    case "export":
      return commandExport(rest);
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
