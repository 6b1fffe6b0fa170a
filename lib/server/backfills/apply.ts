import "server-only";
/**
 * Applying a backfill: its history is filled by dbt, batch by batch, then the project is run
 * and tested once and published. Each batch is one `dbt build` of backfill_days and the mart
 * with the window's vars (backfill_apply, batch_start, batch_end): dbt adds the window's days to
 * the days the backfill has filled, rebuilds the mart for them (delete+insert on batch_date,
 * so a batch done twice changes nothing), and runs the test on the new column.
 *
 * The days to fill are read from the warehouse (the days of the mart with rows still without
 * a value), so an apply stopped anywhere (Ctrl-C, kill -9) is resumed by applying again, which
 * fills what is left; applying an applied backfill changes nothing. Every apply is written to
 * the apply log (log.ts) as it starts, after each batch and when it ends.
 */
import { availableParallelism } from "node:os";
import type { Config } from "@/lib/shared/config";
import {
  backfillTestName,
  DEFAULT_BATCH_DAYS,
  dayRanges,
  findBackfill,
  formatDayRanges,
  MAX_BATCH_DAYS,
  newApplyId,
  planBatches,
  type ApplyRecord,
  type BackfillDefinition,
  type BackfillEvent,
  type BackfillStatus,
  type Batch,
} from "@/lib/shared/backfills";
import { SbdkError } from "@/lib/shared/errors";
import { readManifest, type RunResults } from "@/lib/server/dbt/artifacts";
import { checkBuild, failingTests } from "@/lib/server/dbt/outcome";
import { dbtFailure, dbtStateDirs, type DbtEffects } from "@/lib/server/dbt/runner";
import type { DbtProgressEvent } from "@/lib/server/dbt/events";
import { startDbtSession, type DbtSession } from "@/lib/server/dbt/session";
import { haltPoint } from "@/lib/server/faults";
import { acquireLock } from "@/lib/server/lock";
import { publish, type PublishResult } from "@/lib/server/publish";
import { openWarehouseWaiting, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { ensureApplyLog, readApplies, writeApply } from "./log";
import { readBackfillStatus, readDays } from "./status";

export interface ApplyOptions {
  /** Days per batch (default DEFAULT_BATCH_DAYS). */
  batchDays?: number;
  trigger?: ApplyRecord["trigger"];
  /** The id of the (first) apply, when the caller made it (the server does, before the process starts). */
  applyId?: string;
  onEvent?: (event: BackfillEvent) => void;
  signal?: AbortSignal;
  now?: () => Date;
  dbtEffects?: Partial<DbtEffects>;
  /** dbt threads (default one per core, at most 4). */
  dbtThreads?: number;
}

export interface ApplyResult {
  /** The log record of each backfill's apply. */
  records: ApplyRecord[];
  statuses: BackfillStatus[];
  /** The publish after the apply; null when there was nothing to do. */
  published: PublishResult | null;
  seconds: number;
}

interface Job {
  definition: BackfillDefinition;
  record: ApplyRecord;
  batches: Batch[];
  /** Whether the last apply of this backfill finished (else its run and publish are redone). */
  previousFinished: boolean;
}

/** The dbt command of one batch: backfill_days and the mart for the window, then the column's test. */
export function batchDbtArgs(
  definition: Pick<BackfillDefinition, "name" | "model">,
  batch: Batch,
  threads: number,
): string[] {
  return [
    "build",
    "--select",
    "backfill_days",
    definition.model,
    backfillTestName(definition.name),
    // Only the test named above: the mart's other tests check rows this batch did not change.
    "--indirect-selection",
    "empty",
    "--vars",
    JSON.stringify({ backfill_apply: definition.name, batch_start: batch.start, batch_end: batch.end }),
    ...commonArgs(threads),
  ];
}

function commonArgs(threads: number): string[] {
  return ["--threads", String(threads), "--log-level-file", "warn", "--no-write-json"];
}

function validateBatchDays(batchDays: number): void {
  if (!Number.isInteger(batchDays) || batchDays < 1 || batchDays > MAX_BATCH_DAYS) {
    throw new SbdkError(
      "invalid:backfill",
      `"batch_days": expected a whole number from 1 to ${MAX_BATCH_DAYS}, got ${batchDays}`,
      {
        field: "batch_days",
        hint: `leave it out for ${DEFAULT_BATCH_DAYS} days a batch`,
      },
    );
  }
}

/** Applies one backfill. */
export function applyBackfill(
  config: Config,
  name: string,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  return applyBackfills(config, [name], options);
}

/** Applies backfills one after the other with one dbt process, then runs, tests and publishes once. */
export async function applyBackfills(
  config: Config,
  names: readonly string[],
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const definitions = [...new Set(names)].map(findBackfill);
  if (definitions.length === 0) throw new SbdkError("invalid:backfill", "no backfill to apply");
  const batchDays = options.batchDays ?? DEFAULT_BATCH_DAYS;
  validateBatchDays(batchDays);
  const emit = options.onEvent ?? (() => {});
  const now = options.now ?? (() => new Date());
  const signal = options.signal;
  const threads = options.dbtThreads ?? Math.min(4, availableParallelism());
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const lock = acquireLock(config.duckdb_path, `backfill ${definitions.map((d) => d.name).join(", ")}`);
  let session: DbtSession | null = null;
  const jobs: Job[] = [];
  try {
    // 1. What to fill: each backfill's days without values, read from the warehouse; the log.
    const db = await openWarehouseWaiting(config.duckdb_path, 5_000);
    try {
      await ensureApplyLog(db);
      for (const [i, definition] of definitions.entries()) {
        jobs.push(
          await planJob(db, definition, {
            id: i === 0 && options.applyId ? options.applyId : newApplyId(now()),
            trigger: options.trigger ?? "cli",
            batchDays,
            startedAt: now(),
          }),
        );
      }
      for (const job of jobs) await writeApply(db, job.record);
    } finally {
      db.close();
    }

    // 2. Nothing to do: every day is filled and the last apply of each finished.
    if (jobs.every((j) => j.batches.length === 0 && j.previousFinished)) {
      const records = await closeJobs(config, jobs, now, (record) => ({
        ...record,
        status: "succeeded",
        seconds: elapsed(),
      }));
      for (const record of records) emit({ type: "applied", record });
      return {
        records,
        statuses: await readStatuses(config, definitions),
        published: null,
        seconds: elapsed(),
      };
    }

    const nodeEvents = (event: DbtProgressEvent) => {
      if (event.type !== "finished") return;
      emit({
        type: "node",
        name: event.name,
        resourceType: event.resourceType,
        status: event.status,
        seconds: event.seconds,
      });
    };

    // 3. dbt, loaded once.
    session = await startDbtSession({
      config,
      ...(signal ? { signal } : {}),
      ...(options.dbtEffects ? { effects: options.dbtEffects } : {}),
    });
    const dbtStart = session.startSeconds;
    emit({ type: "dbt-ready", seconds: dbtStart });

    // 4. The batches of each backfill.
    for (const job of jobs) {
      const { definition } = job;
      job.record = { ...job.record, dbt_start_seconds: dbtStart, batch_seconds: 0 };
      emit({
        type: "start",
        applyId: job.record.id,
        backfill: definition.name,
        days: job.record.days_planned,
        rows: job.batches.reduce((n, b) => n + b.rows, 0),
        batches: job.batches.length,
        batchDays,
        ranges: dayRanges(job.batches.flatMap((b) => daysOf(b))),
      });
      for (const [i, batch] of job.batches.entries()) {
        if (signal?.aborted) throw stopped(definition.name);
        const t0 = performance.now();
        const args = batchDbtArgs(definition, batch, threads);
        const invocation = await session
          .invoke(args, { onEvent: nodeEvents, ...(signal ? { signal } : {}) })
          .catch((err: unknown) => {
            throw signal?.aborted ? stopped(definition.name) : err;
          });
        const { results } = checkBuild(
          invocation,
          `build of ${definition.name}'s batch ${batch.start} – ${batch.end}`,
          `the days before this batch are filled; fix the cause and apply again to go on`,
        );
        const test = testOutcome(results, backfillTestName(definition.name));
        const seconds = (performance.now() - t0) / 1000;
        job.record = {
          ...job.record,
          days_done: job.record.days_done + batch.days,
          rows_filled: job.record.rows_filled + batch.rows,
          batch_seconds: (job.record.batch_seconds ?? 0) + seconds,
          test_status: test.status,
        };
        if (test.status !== "pass") {
          throw new SbdkError(
            "failed:backfill",
            `the values of ${definition.name} for ${batch.start} – ${batch.end} fail the test ${backfillTestName(definition.name)}` +
              (test.failures ? ` (${test.failures} rows)` : ""),
            {
              details: test.message ? [test.message] : [],
              hint: `fix the dbt code (dbt/macros/backfills/${definition.name}.sql), then rebuild the mart with a full refresh (\`npm run pipeline\`): it recomputes every filled day`,
            },
          );
        }
        // The fault tests stop here: the batch is in the warehouse, its log record not yet.
        await haltPoint("backfill");
        await updateRecord(config, job.record);
        emit({
          type: "batch",
          backfill: definition.name,
          batch: i + 1,
          batches: job.batches.length,
          start: batch.start,
          end: batch.end,
          days: batch.days,
          rows: batch.rows,
          daysDone: job.record.days_done,
          daysPlanned: job.record.days_planned,
          rowsDone: job.record.rows_filled,
          test: test.status,
          seconds,
        });
      }
    }

    // 5. The project run and tested once (what is downstream of the marts now reads the new
    //    values), then published. `run` then `test` rather than `build`: a failing test
    //    elsewhere in the project is reported, and does not keep the models from being rebuilt.
    if (signal?.aborted) throw stopped(definitions[0]!.name);
    const t0 = performance.now();
    emit({ type: "stage", stage: "run", status: "started" });
    const run = await session.invoke(["run", ...commonArgs(threads)], {
      onEvent: nodeEvents,
      ...(signal ? { signal } : {}),
    });
    const ran = checkBuild(
      run,
      "run",
      "the backfilled days are kept; fix the model and apply again to finish",
    );
    emit({
      type: "stage",
      stage: "run",
      status: "finished",
      seconds: run.seconds,
      detail: `${ran.summary.models.built} models`,
    });
    emit({ type: "stage", stage: "test", status: "started" });
    const tested = await session.invoke(["test", ...commonArgs(threads)], {
      onEvent: nodeEvents,
      ...(signal ? { signal } : {}),
    });
    if (!tested.results || tested.exitCode > 1) throw dbtFailure(tested, "test");
    const failing = failingTests(tested.results);
    const ownTests = new Set(definitions.map((d) => backfillTestName(d.name)));
    const manifest = await readManifest(dbtStateDirs(config).targetPath);
    const failingNames = failing.map((r) => manifest.nodes[r.unique_id]?.name ?? r.unique_id);
    emit({
      type: "stage",
      stage: "test",
      status: "finished",
      seconds: tested.seconds,
      detail: `${tested.results.results.length} tests, ${failing.length} failing`,
    });
    const finalSeconds = (performance.now() - t0) / 1000;
    await session.close();
    session = null;
    const ownFailing = failingNames.filter((n) => ownTests.has(n));
    if (ownFailing.length) {
      throw new SbdkError("failed:backfill", `the backfilled values fail ${ownFailing.join(", ")}`, {
        hint: "fix the dbt code in dbt/macros/backfills/, then rebuild with a full refresh (`npm run pipeline`)",
      });
    }

    emit({ type: "stage", stage: "publish", status: "started" });
    const combined: RunResults = {
      ...tested.results,
      elapsed_time: ran.results.elapsed_time + tested.results.elapsed_time,
      results: [...ran.results.results, ...tested.results.results],
    };
    const published = await publish({ config, runResults: combined, manifest, now });
    emit({ type: "stage", stage: "publish", status: "finished", seconds: published.seconds });

    // 6. Every day filled? (A day loaded meanwhile without dbt is filled by the run above.)
    const statuses = await readStatuses(config, definitions);
    const unfinished = statuses.filter((s) => s.missing.length > 0);
    if (unfinished.length) {
      throw new SbdkError(
        "failed:backfill",
        `days still without values after the apply: ${unfinished.map((s) => `${s.name} ${formatDayRanges(s.missing)}`).join("; ")}`,
        { hint: "apply again; if the days stay, check dbt's log (dbt.log beside the warehouse)" },
      );
    }
    const records = await closeJobs(config, jobs, now, (record) => ({
      ...record,
      status: "succeeded",
      seconds: elapsed(),
      final_seconds: finalSeconds,
      publish_seconds: published.seconds,
      other_failing_tests: failingNames.filter((n) => !ownTests.has(n)).length,
    }));
    for (const record of records) emit({ type: "applied", record });
    return { records, statuses, published, seconds: elapsed() };
  } catch (err) {
    // The log says how it ended (best effort: the warehouse may be what failed).
    if (session) await session.close().catch(() => undefined);
    session = null;
    if (jobs.length) {
      const message = err instanceof Error ? err.message : String(err);
      const records = await closeJobs(config, jobs, now, (record) => ({
        ...record,
        status: signal?.aborted ? "interrupted" : "failed",
        seconds: elapsed(),
        error: message,
      })).catch(() => null);
      for (const record of records ?? []) emit({ type: "applied", record });
    }
    throw err;
  } finally {
    await session?.close();
    lock.release();
  }
}

function stopped(name: string): SbdkError {
  return new SbdkError("failed:backfill", `the apply of ${name} was stopped`, {
    hint: "the batches done are kept; apply again to fill the days left",
  });
}

function daysOf(batch: Batch): string[] {
  const out: string[] = [];
  const d = new Date(`${batch.start}T00:00:00Z`);
  for (let i = 0; i < batch.days; i++) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

async function planJob(
  db: Warehouse,
  definition: BackfillDefinition,
  input: { id: string; trigger: ApplyRecord["trigger"]; batchDays: number; startedAt: Date },
): Promise<Job> {
  const { perDay } = await readDays(db, definition);
  if (perDay.length === 0) {
    throw new SbdkError("missing:backfill", `the warehouse has no ${definition.model} rows to backfill yet`, {
      hint: "run the pipeline first (`npm run pipeline` or `npx sbdk simulate`)",
    });
  }
  const missing = perDay
    .filter((d) => d.filled < d.rows)
    .map((d) => ({ day: d.day, rows: d.rows - d.filled }));
  const batches = planBatches(missing, input.batchDays);
  const [previous] = await readApplies(db, { backfill: definition.name, limit: 1 });
  return {
    definition,
    batches,
    previousFinished: !previous || previous.status === "succeeded",
    record: {
      id: input.id,
      backfill: definition.name,
      trigger: input.trigger,
      status: "running",
      started_at: input.startedAt.toISOString(),
      finished_at: null,
      day_ranges: formatDayRanges(dayRanges(missing.map((d) => d.day)), 100),
      days_planned: missing.length,
      days_done: 0,
      rows_filled: 0,
      batches: batches.length,
      batch_days: input.batchDays,
      seconds: null,
      dbt_start_seconds: null,
      batch_seconds: null,
      final_seconds: null,
      publish_seconds: null,
      test_status: null,
      other_failing_tests: null,
      error: null,
      pid: process.pid,
    },
  };
}

function testOutcome(
  results: RunResults,
  testName: string,
): { status: string; failures: number | null; message: string | null } {
  const result = results.results.find(
    (r) => r.unique_id.startsWith("test.") && r.unique_id.split(".")[2] === testName,
  );
  if (!result) return { status: "missing", failures: null, message: `dbt did not run the test ${testName}` };
  return { status: result.status, failures: result.failures ?? null, message: result.message ?? null };
}

async function updateRecord(config: Config, record: ApplyRecord): Promise<void> {
  const db = await openWarehouseWaiting(config.duckdb_path, 5_000);
  try {
    await writeApply(db, record);
  } finally {
    db.close();
  }
}

/** Writes each job's final record; returns them. */
async function closeJobs(
  config: Config,
  jobs: Job[],
  now: () => Date,
  close: (record: ApplyRecord) => ApplyRecord,
): Promise<ApplyRecord[]> {
  const finished = now().toISOString();
  const db = await openWarehouseWaiting(config.duckdb_path, 5_000);
  try {
    const records: ApplyRecord[] = [];
    for (const job of jobs) {
      if (job.record.status !== "running") {
        records.push(job.record);
        continue;
      }
      job.record = { ...close(job.record), finished_at: finished };
      await writeApply(db, job.record);
      records.push(job.record);
    }
    return records;
  } finally {
    db.close();
  }
}

async function readStatuses(
  config: Config,
  definitions: readonly BackfillDefinition[],
): Promise<BackfillStatus[]> {
  const db = await openWarehouseWaiting(config.duckdb_path, 5_000);
  try {
    const statuses: BackfillStatus[] = [];
    for (const definition of definitions) statuses.push(await readBackfillStatus(db, definition));
    return statuses;
  } finally {
    db.close();
  }
}
