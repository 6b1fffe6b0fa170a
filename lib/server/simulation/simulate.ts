import "server-only";
/**
 * The day-by-day simulation: each day is generated and loaded, built by dbt incrementally
 * (only that day's rows; the window is the simulated date, passed as the vars batch_start and
 * batch_end), tested, published with a snapshot for replay, and summarised. Progress lives in
 * the warehouse (state.ts), so a run continues where the last one stopped, and a run killed
 * at any point redoes the unfinished day whole on the next run: loading a day replaces it, dbt's
 * delete+insert replaces the day in the marts, a publish appears whole or not at all.
 *
 * dbt runs in one long-lived worker for the whole run (dbt/session.ts): starting dbt and
 * parsing the project are paid once, not every day.
 */
import { availableParallelism } from "node:os";
import { z } from "zod";
import type { Config, GrowthParams } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";
import type { DaySummary, DayTests, SimulationEvent } from "@/lib/shared/simulation";
import { baseUsers as configBaseUsers } from "@/lib/server/config";
import { readManifest, type Manifest, type RunResults } from "@/lib/server/dbt/artifacts";
import { emptyProgress, foldProgress } from "@/lib/server/dbt/events";
import { checkBuild } from "@/lib/server/dbt/outcome";
import { dbtStateDirs, type DbtEffects } from "@/lib/server/dbt/runner";
import { startDbtSession, type DbtSession } from "@/lib/server/dbt/session";
import { batchDateOf, dayContext, type GeneratorSettings } from "@/lib/server/generators";
import { acquireLock } from "@/lib/server/lock";
import { publish, type PublishResult } from "@/lib/server/publish";
import type { PublishManifest } from "@/lib/shared/manifest";
import { openWarehouse, openWarehouseWaiting, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { ensureRawSchema, generateAndLoadDay } from "@/lib/server/warehouse/load";
import { writeDaySnapshot } from "./snapshot";
import {
  computeDaySummary,
  ensureSimulationSchema,
  finishDay,
  latestRawDate,
  readDaySummaries,
  readSimulation,
  readWeeklyGrowth,
  startSimulation,
  type DayTimings,
  type SimulationState,
  type WeeklyGrowthRow,
} from "./state";

// The events' shapes live in lib/shared/simulation.ts, on both sides of the wire.
export { SIMULATION_STAGES, type SimulationEvent, type SimulationStage } from "@/lib/shared/simulation";

export interface SimulateOptions {
  /** Days to simulate in this run, after the last finished one (default: the config's `days`). */
  days?: number;
  /** Start over at day 1 (the warehouse's raw data and simulation state are replaced). */
  reset?: boolean;
  /**
   * A seed asked for explicitly: a new simulation uses it (else the config's); continuing a
   * simulation with another seed is refused.
   */
  seed?: number;
  /** Only generate and load (no dbt, so no publish either). */
  skipDbt?: boolean;
  /** Build the models without their tests (`dbt run`). */
  skipTests?: boolean;
  /**
   * dbt threads (default: one per core, at most 4). dbt's own work is Python under one lock,
   * but while one thread waits on DuckDB another compiles the next node.
   */
  dbtThreads?: number;
  onEvent?: (event: SimulationEvent) => void;
  signal?: AbortSignal;
  /**
   * Called before each day after the first of the run: it may hold the day back (a player's
   * pace) and returns false to stop the run there, the days before kept (a pause).
   */
  beforeDay?: (day: number) => Promise<boolean> | boolean;
  dbtEffects?: Partial<DbtEffects>;
  now?: () => Date;
}

export interface SimulatedDay {
  summary: DaySummary;
  timings: DayTimings;
}

export interface SimulationResult {
  simulationId: string;
  seed: number;
  baseUsers: number;
  startDate: string;
  growth: GrowthParams;
  /** The days this run simulated (fromDay … toDay; toDay is fromDay − 1 when none). */
  fromDay: number;
  toDay: number;
  days: SimulatedDay[];
  /** The whole simulation so far, by week. */
  weekly: WeeklyGrowthRow[];
  /** Seconds to start the dbt worker (import and parse), paid once per run; null without dbt. */
  dbtStartSeconds: number | null;
  totalSeconds: number;
}

const optionsSchema = z.object({
  days: z
    .number()
    .int("expected a whole number of days")
    .positive("expected 1 or more days")
    .max(3_650, "expected at most 3,650 days")
    .optional(),
  seed: z
    .number()
    .int("expected a whole number")
    .min(0, "expected 0 or more")
    .max(2 ** 31 - 1, "expected at most 2147483647")
    .optional(),
  dbtThreads: z
    .number()
    .int("expected a whole number")
    .min(1, "expected 1 or more")
    .max(64, "expected at most 64")
    .optional(),
});

function validateOptions(options: SimulateOptions): void {
  const parsed = optionsSchema.safeParse({
    days: options.days,
    seed: options.seed,
    dbtThreads: options.dbtThreads,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SbdkError("invalid:simulate", `"${issue.path.join(".")}": ${issue.message}`, {
      details: parsed.error.issues.slice(1).map((i) => `"${i.path.join(".")}": ${i.message}`),
    });
  }
  if (options.skipDbt && options.skipTests) {
    throw new SbdkError("invalid:simulate", "skip dbt and skip tests were both asked for", {
      hint: "skipping dbt skips its tests too: ask for one of them",
    });
  }
}

function cancelled(day: number): SbdkError {
  return new SbdkError("failed:simulate", `the simulation was stopped during day ${day}`, {
    hint: `the days before ${day} are kept; run it again to redo day ${day} and go on`,
  });
}

/** A name for a new simulation, used in the publish folder: the seed and when it started. */
function newSimulationId(seed: number, now: Date): string {
  return `sim-${now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}-s${seed}`;
}

function settingsOf(
  state: Pick<SimulationState, "seed" | "baseUsers" | "startDate" | "growth">,
): GeneratorSettings {
  return { seed: state.seed, baseUsers: state.baseUsers, startDate: state.startDate, growth: state.growth };
}

/** What differs between the config and a simulation being continued, as a note. */
function configDifferences(config: Config, state: SimulationState): string[] {
  const kept: string[] = [];
  if (config.seed !== state.seed) kept.push(`seed ${state.seed}`);
  if (configBaseUsers(config) !== state.baseUsers) kept.push(`base of ${state.baseUsers} users`);
  if (config.start_date !== state.startDate) kept.push(`start date ${state.startDate}`);
  if (JSON.stringify(config.growth) !== JSON.stringify(state.growth)) kept.push("growth parameters");
  if (kept.length === 0) return [];
  return [
    `the config differs from the simulation in the warehouse, which keeps its own ${kept.join(", ")}; ` +
      "reset to start over with the config's",
  ];
}

/** Whether the raw tables hold exactly the days a simulation at `state` may hold. */
async function checkConsistent(db: Warehouse, state: SimulationState): Promise<void> {
  const latest = await latestRawDate(db);
  const mayHold = batchDateOf(state.startDate, state.lastDay + 1);
  const lastDone = state.lastDay > 0 ? batchDateOf(state.startDate, state.lastDay) : null;
  const ok =
    latest === null ? state.lastDay === 0 : latest <= mayHold && (lastDone === null || latest >= lastDone);
  if (!ok) {
    throw new SbdkError(
      "invalid:simulate",
      `the warehouse's raw data (latest day ${latest ?? "none"}) does not match its simulation, which finished day ${state.lastDay} (${lastDone ?? "none"})`,
      {
        hint: "another job changed the raw tables; start the simulation over with reset (`sbdk simulate --reset`)",
      },
    );
  }
}

export async function simulate(config: Config, options: SimulateOptions = {}): Promise<SimulationResult> {
  validateOptions(options);
  const emit = options.onEvent ?? (() => {});
  const now = options.now ?? (() => new Date());
  const signal = options.signal;
  const days = options.days ?? config.days;
  const threads = options.dbtThreads ?? Math.min(4, availableParallelism());
  const runStarted = performance.now();
  const lock = acquireLock(config.duckdb_path, "simulation");
  let session: DbtSession | null = null;
  try {
    // 1. The simulation to run: the warehouse's, or a new one.
    let state: SimulationState;
    let started = false;
    let earlier: DaySummary[] = [];
    const notes: string[] = [];
    // The job lock is ours, so a process still holding the file is one that is going away
    // (the dbt worker of a job killed a moment ago): give it a few seconds.
    const db = await openWarehouseWaiting(config.duckdb_path, 5_000);
    try {
      await ensureRawSchema(db);
      await ensureSimulationSchema(db);
      const existing = options.reset ? null : await readSimulation(db);
      if (existing) {
        if (options.seed !== undefined && options.seed !== existing.seed) {
          throw new SbdkError(
            "invalid:simulate",
            `"seed": ${options.seed} differs from the seed of the simulation in the warehouse (${existing.seed}, ${existing.lastDay} day(s) done)`,
            {
              hint: `start over with that seed with reset (\`sbdk simulate --reset --seed ${options.seed}\`), or leave the seed out to continue`,
            },
          );
        }
        await checkConsistent(db, existing);
        dayContext(settingsOf(existing), existing.lastDay + days); // refuses a range its ids cannot number
        notes.push(...configDifferences(config, existing));
        earlier = await readDaySummaries(db, existing.lastDay);
        state = existing;
      } else {
        const fresh = {
          seed: options.seed ?? config.seed,
          baseUsers: configBaseUsers(config),
          startDate: config.start_date,
          growth: config.growth,
        };
        dayContext(settingsOf(fresh), days);
        if (!options.reset) notes.push("no simulation in the warehouse yet: starting one at day 1");
        state = await startSimulation(
          db,
          { ...fresh, simulationId: newSimulationId(fresh.seed, now()) },
          now(),
        );
        started = true;
      }
    } finally {
      db.close();
    }
    const fromDay = state.lastDay + 1;
    const toDay = state.lastDay + days;
    emit({
      type: "start",
      simulationId: state.simulationId,
      seed: state.seed,
      baseUsers: state.baseUsers,
      startDate: state.startDate,
      fromDay,
      toDay,
      started,
      notes,
    });

    // 2. dbt, loaded once for the run.
    let manifest: Manifest | null = null;
    let dbtStartSeconds: number | null = null;
    if (!options.skipDbt) {
      session = await startDbtSession({
        config,
        ...(signal ? { signal } : {}),
        ...(options.dbtEffects ? { effects: options.dbtEffects } : {}),
      });
      dbtStartSeconds = session.startSeconds;
      emit({
        type: "dbt-ready",
        importSeconds: session.importSeconds,
        parseSeconds: session.parseSeconds,
        startSeconds: session.startSeconds,
      });
      manifest = await readManifest(dbtStateDirs(config).targetPath);
    }

    // 3. The days.
    const simulated: SimulatedDay[] = [];
    const history = [...earlier];
    let viewsBuilt = false;
    let published: PublishManifest | null = null;
    for (let day = fromDay; day <= toDay; day++) {
      if (signal?.aborted) throw cancelled(day);
      if (day > fromDay && options.beforeDay && !(await options.beforeDay(day))) break;
      if (signal?.aborted) throw cancelled(day);
      const { result, publish: dayPublish } = await simulateDay({
        config,
        state,
        day,
        session,
        manifest,
        history,
        threads,
        viewsBuilt,
        previousPublish: published,
        options,
        emit,
        now,
      });
      viewsBuilt = session !== null;
      published = dayPublish;
      simulated.push(result);
      history.push(result.summary);
      state = { ...state, lastDay: day, dbtDay: options.skipDbt ? state.dbtDay : day };
    }

    // 4. The weekly growth of the whole simulation.
    const end = await openWarehouse(config.duckdb_path);
    let weekly: WeeklyGrowthRow[];
    try {
      weekly = await readWeeklyGrowth(end);
    } finally {
      end.close();
    }
    return {
      simulationId: state.simulationId,
      seed: state.seed,
      baseUsers: state.baseUsers,
      startDate: state.startDate,
      growth: state.growth,
      fromDay,
      toDay: state.lastDay,
      days: simulated,
      weekly,
      dbtStartSeconds,
      totalSeconds: (performance.now() - runStarted) / 1000,
    };
  } finally {
    await session?.close();
    lock.release();
  }
}

interface DayInput {
  config: Config;
  state: SimulationState;
  day: number;
  session: DbtSession | null;
  manifest: Manifest | null;
  /** The summaries of the days before, for the snapshot. */
  history: readonly DaySummary[];
  threads: number;
  /** An earlier day of this run built the views. */
  viewsBuilt: boolean;
  /** The publish of the day before, when this run made it (the day's publish starts from it). */
  previousPublish: PublishManifest | null;
  options: SimulateOptions;
  emit: (event: SimulationEvent) => void;
  now: () => Date;
}

/**
 * The batch_dates a day's build re-selects: the day, and before it the days loaded without dbt
 * since dbt last built (`--skip-dbt`).
 */
export function dayWindow(input: { startDate: string; day: number; dbtDay: number }): {
  start: string;
  end: string;
} {
  return {
    start: batchDateOf(input.startDate, Math.min(input.dbtDay, input.day - 1) + 1),
    end: batchDateOf(input.startDate, input.day),
  };
}

/**
 * The dbt command of a day: its window, a full refresh when the marts are not this simulation's
 * yet, and what a day can leave out because the run's first day did it:
 * - the views (staging, intermediate) are created by the run's first build and stay as they are
 *   (their SQL cannot change within a run); their tests still run every day, on the day's data
 *   (`--indirect-selection empty` keeps a test whose model is not built);
 * - failing rows are not stored in test_failures (the var store_test_failures, read by
 *   macros/should_store_failures.sql): the publish takes a failing test's rows from its SQL.
 * Every table model is built and every test runs, every day.
 */
export function dayDbtArgs(input: {
  startDate: string;
  day: number;
  dbtDay: number;
  skipTests: boolean;
  threads: number;
  /** This run's dbt has created the views already (a day before in the same run). */
  viewsBuilt?: boolean;
}): string[] {
  const { start: windowStart, end: windowEnd } = dayWindow(input);
  const fullRefresh = input.dbtDay === 0;
  return [
    input.skipTests ? "run" : "build",
    "--vars",
    JSON.stringify({ batch_start: windowStart, batch_end: windowEnd, store_test_failures: false }),
    ...(fullRefresh ? ["--full-refresh"] : []),
    ...(input.viewsBuilt && !fullRefresh
      ? ["--exclude", "config.materialized:view", "--indirect-selection", "empty"]
      : []),
    "--threads",
    String(input.threads),
    // The worker hands the run results over directly; manifest.json was written by its parse.
    "--no-write-json",
  ];
}

function testsOf(results: RunResults): DayTests {
  const tests = { passed: 0, failed: 0, warned: 0 };
  for (const r of results.results) {
    if (!r.unique_id.startsWith("test.")) continue;
    if (r.status === "pass") tests.passed += 1;
    else if (r.status === "warn") tests.warned += 1;
    else tests.failed += 1;
  }
  return tests;
}

async function simulateDay(
  input: DayInput,
): Promise<{ result: SimulatedDay; publish: PublishManifest | null }> {
  const { config, state, day, session, manifest, history, options, emit, now } = input;
  const signal = options.signal;
  const date = batchDateOf(state.startDate, day);
  const dayStarted = performance.now();
  emit({ type: "day-started", day, date });

  // Generate and load (one transaction that replaces the day), then the day's figures.
  emit({ type: "stage", day, stage: "generate", status: "started" });
  let db = await openWarehouse(config.duckdb_path);
  let stats: Awaited<ReturnType<typeof generateAndLoadDay>>;
  let summary: DaySummary;
  try {
    stats = await generateAndLoadDay(db, settingsOf(state), day);
    summary = await computeDaySummary(db, day, date, null);
  } finally {
    db.close();
  }
  emit({ type: "stage", day, stage: "generate", status: "finished", seconds: stats.generateMs / 1000 });
  emit({
    type: "stage",
    day,
    stage: "load",
    status: "finished",
    seconds: stats.loadMs / 1000,
    rows: stats.totalRows,
  });
  if (signal?.aborted) throw cancelled(day);

  // dbt: the day's window, models and tests.
  let results: RunResults | null = null;
  let dbtSeconds = 0;
  let dbtCpu = 0;
  let dbtSql = 0;
  if (session) {
    emit({ type: "stage", day, stage: "dbt", status: "started" });
    const args = dayDbtArgs({
      startDate: state.startDate,
      day,
      dbtDay: state.dbtDay,
      skipTests: options.skipTests ?? false,
      threads: input.threads,
      viewsBuilt: input.viewsBuilt,
    });
    let progress = emptyProgress();
    const t0 = performance.now();
    const invocation = await session
      .invoke(args, {
        onEvent: (event) => {
          progress = foldProgress(progress, event);
          emit({ type: "dbt", day, event, progress });
        },
        ...(signal ? { signal } : {}),
      })
      .catch((err: unknown) => {
        throw signal?.aborted ? cancelled(day) : err;
      });
    dbtSeconds = (performance.now() - t0) / 1000;
    dbtCpu = invocation.cpuSeconds;
    dbtSql = invocation.sqlSeconds;
    ({ results } = checkBuild(
      invocation,
      args[0],
      `day ${day} is not finished and the last publish is unchanged; fix the cause and run again to redo it`,
    ));
    if (!options.skipTests) summary = { ...summary, tests: testsOf(results) };
    emit({ type: "stage", day, stage: "dbt", status: "finished", seconds: dbtSeconds });
  }
  if (signal?.aborted) throw cancelled(day);

  // Publish: the marts for the dashboard, the day's snapshot for replay.
  let publishSeconds = 0;
  let published: PublishResult | null = null;
  if (session && results && manifest) {
    emit({ type: "stage", day, stage: "publish", status: "started" });
    const t0 = performance.now();
    // The marts kept by day are published a file per day: a day writes the days its build
    // changed and keeps the earlier days' files of the day before.
    const byDay = input.previousPublish
      ? {
          previous: input.previousPublish,
          changedFrom: dayWindow({ startDate: state.startDate, day, dbtDay: state.dbtDay }).start,
        }
      : undefined;
    published = await publish({
      config,
      runResults: results,
      manifest,
      storedFailures: false,
      onTable: (table) => emit({ type: "table", day, table }),
      ...(byDay ? { byDay } : {}),
      now,
    });
    await writeDaySnapshot({
      config,
      simulation: state,
      published: published.manifest,
      summaries: [...history.filter((d) => d.day < day), summary],
      now,
    });
    publishSeconds = (performance.now() - t0) / 1000;
    emit({ type: "stage", day, stage: "publish", status: "finished", seconds: publishSeconds });
  }

  // The day is done: its summary and how far the simulation got, in one transaction.
  const generate = stats.generateMs / 1000;
  const load = stats.loadMs / 1000;
  db = await openWarehouse(config.duckdb_path);
  try {
    await finishDay(
      db,
      summary,
      { generate, load, dbt: dbtSeconds, publish: publishSeconds },
      session ? day : state.dbtDay,
      now(),
    );
  } finally {
    db.close();
  }
  const timings: DayTimings = {
    generate,
    load,
    dbt: dbtSeconds,
    dbtCpu,
    dbtSql,
    publish: publishSeconds,
    total: (performance.now() - dayStarted) / 1000,
  };
  emit({ type: "day", summary, timings });
  return { result: { summary, timings }, publish: published?.manifest ?? null };
}
