/**
 * `sbdk backfill`: list the backfills with their status, preview one (--dry-run: nothing is
 * written), or apply one or all of them (history filled batch by batch by dbt, then the project
 * run, tested and published).
 */
import { parseArgs } from "node:util";
import type { Config } from "@/lib/shared/config";
import {
  BACKFILL_NAMES,
  BACKFILLS,
  describeState,
  findBackfill,
  formatDayRanges,
  type ApplyRecord,
  type BackfillEvent,
  type BackfillPreview,
  type BackfillStatus,
} from "@/lib/shared/backfills";
import { applyIdSchema } from "@/lib/shared/backfills";
import { loadConfig } from "@/lib/server/config";
import { applyBackfills, type ApplyResult } from "@/lib/server/backfills/apply";
import { readApplies } from "@/lib/server/backfills/log";
import { previewBackfill } from "@/lib/server/backfills/preview";
import { openForReading, readBackfillStatuses } from "@/lib/server/backfills/status";
import { bar, fmtInt, fmtPercent, fmtSeconds, StatusLine, table } from "./format";

export const BACKFILL_USAGE = `options for backfill (exactly one of --list, --metric, --all):
  --list              every backfill with its status (applied, partly applied: which days, not
                      applied) read from the warehouse, and its last apply
  --metric NAME       apply one backfill: fill its history batch by batch with dbt, then run,
                      test and publish the project
  --all               apply every backfill
  --dry-run           with --metric or --all: show what would change and write nothing
  --batch-days N      days per dbt build (default 7)
  --config FILE       config file
  --json              print the result as JSON
  --events            print each progress event of an apply as one JSON line on stdout
`;

const OPTIONS = {
  list: { type: "boolean" },
  metric: { type: "string" },
  all: { type: "boolean" },
  "dry-run": { type: "boolean" },
  "batch-days": { type: "string" },
  config: { type: "string" },
  json: { type: "boolean" },
  events: { type: "boolean" },
  "apply-id": { type: "string" },
} as const;

export async function commandBackfill(args: string[], usage: (message: string) => Error): Promise<number> {
  let flags: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>
  >["values"];
  try {
    flags = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw usage((err as Error).message);
  }
  const modes = [
    flags.list && "--list",
    flags.metric !== undefined && "--metric",
    flags.all && "--all",
  ].filter(Boolean);
  if (modes.length !== 1) {
    throw usage(
      modes.length === 0
        ? "give one of --list, --metric NAME, --all"
        : `give only one of ${modes.join(", ")}`,
    );
  }
  if (flags.list && (flags["dry-run"] || flags["batch-days"] !== undefined)) {
    throw usage("--list takes no --dry-run or --batch-days");
  }
  if (flags.events && (flags.json || flags["dry-run"] || flags.list)) {
    throw usage("--events is for an apply, without --json");
  }
  let batchDays: number | undefined;
  if (flags["batch-days"] !== undefined) {
    const raw = flags["batch-days"];
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) {
      throw usage(`--batch-days expects a whole number of 1 or more, got "${raw}"`);
    }
    batchDays = Number(raw);
  }
  const applyId = flags["apply-id"];
  if (applyId !== undefined && !applyIdSchema.safeParse(applyId).success) {
    throw usage(`--apply-id expects an id like b-20261123-025801-ab12, got "${applyId}"`);
  }
  // A name is checked before anything is opened: an unknown one lists the known ones.
  if (flags.metric !== undefined) findBackfill(flags.metric);
  const config = loadConfig(flags.config ? { file: flags.config } : {});
  const names = flags.all ? BACKFILL_NAMES : flags.metric !== undefined ? [flags.metric] : [];

  if (flags.list) return list(config, Boolean(flags.json));
  if (flags["dry-run"]) return dryRun(config, names, batchDays, Boolean(flags.json));
  return apply(config, names, {
    batchDays,
    json: Boolean(flags.json),
    events: Boolean(flags.events),
    applyId,
  });
}

// ── --list ──────────────────────────────────────────────────────────────────────────────────

async function list(config: Config, json: boolean): Promise<number> {
  const db = await openForReading(config.duckdb_path);
  let statuses: BackfillStatus[];
  let applies: ApplyRecord[];
  try {
    statuses = await readBackfillStatuses(db);
    applies = await readApplies(db, { limit: 200 });
  } finally {
    db.close();
  }
  if (json) {
    const backfills = BACKFILLS.map((b, i) => ({
      ...b,
      status: statuses[i]!,
      lastApply: applies.find((a) => a.backfill === b.name) ?? null,
    }));
    process.stdout.write(JSON.stringify({ backfills }, null, 2) + "\n");
    return 0;
  }
  const rows = [["backfill", "column", "status", "last apply"]];
  for (const [i, b] of BACKFILLS.entries()) {
    const status = statuses[i]!;
    const last = applies.find((a) => a.backfill === b.name);
    rows.push([
      b.name,
      `${b.model}.${b.column}`,
      describeState(status),
      last ? describeApply(last) : "never",
    ]);
  }
  for (const line of table(rows)) console.log(line);
  const partial = statuses.filter((s) => s.state === "partial" || s.state === "not_applied");
  for (const s of statuses) {
    if (s.state === "partial") {
      console.log(`\n${s.name}: filled ${formatDayRanges(s.filled)}; missing ${formatDayRanges(s.missing)}`);
    }
  }
  const following = statuses.filter((s) => s.enabled).map((s) => s.name);
  console.log(
    `\n${following.length ? `the daily runs fill new days of ${following.join(", ")}` : "no backfill applied yet: the daily runs fill none"}` +
      (partial.length
        ? `\napply one with \`sbdk backfill --metric NAME\` (preview it first with --dry-run)`
        : ""),
  );
  return 0;
}

function describeApply(a: ApplyRecord): string {
  const when = a.started_at.slice(0, 16).replace("T", " ");
  const what =
    a.days_planned === 0 && a.status === "succeeded"
      ? "nothing to fill"
      : `${a.days_done}/${a.days_planned} days, ${fmtInt(a.rows_filled)} rows`;
  return `${when} ${a.status}, ${what}${a.seconds !== null ? `, ${fmtSeconds(a.seconds)}` : ""}`;
}

// ── --dry-run ───────────────────────────────────────────────────────────────────────────────

async function dryRun(
  config: Config,
  names: readonly string[],
  batchDays: number | undefined,
  json: boolean,
): Promise<number> {
  const previews: BackfillPreview[] = [];
  for (const name of names) {
    previews.push(await previewBackfill(config, name, batchDays !== undefined ? { batchDays } : {}));
  }
  if (json) {
    process.stdout.write(JSON.stringify(names.length === 1 ? previews[0] : { previews }, null, 2) + "\n");
    return 0;
  }
  for (const [i, p] of previews.entries()) {
    if (i > 0) console.log("");
    for (const line of previewLines(p)) console.log(line);
  }
  return 0;
}

function fmtValue(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
  const text = String(value);
  return text.length > 48 ? `${text.slice(0, 47)}…` : text;
}

export function previewLines(p: BackfillPreview): string[] {
  const definition = findBackfill(p.backfill);
  const out: string[] = [];
  out.push(`${p.backfill} → ${p.model}.${p.column} (dry run: nothing is written)`);
  out.push(`  ${definition.description}`);
  out.push(
    `  status: ${describeState(p.status)}` +
      (p.status.enabled
        ? " · the daily runs fill new days"
        : " · the daily runs do not fill it until it is applied"),
  );
  if (p.affected.days === 0) {
    out.push(
      `  would fill: nothing, every day has its values` +
        (p.changedFilledRows
          ? ` (${fmtInt(p.changedFilledRows)} rows differ from what the dbt code gives now: a full refresh recomputes them)`
          : ""),
    );
  } else {
    out.push(
      `  would fill: ${p.affected.days} ${p.affected.days === 1 ? "day" : "days"} (${formatDayRanges(p.affected.ranges)}), ${fmtInt(p.affected.rows)} rows`,
    );
  }
  out.push(`  null share: ${fmtPercent(p.nullShare.before)} → ${fmtPercent(p.nullShare.after)}`);
  const d = p.distribution;
  if (d.kind === "number") {
    out.push(
      `  new values (${fmtInt(d.count)} rows): min ${fmtValue(d.min)} · mean ${fmtValue(d.mean)} · max ${fmtValue(d.max)}`,
    );
    const top = Math.max(1, ...d.bins.map((b) => b.count));
    for (const line of table(
      d.bins.map((b) => [
        `${fmtValue(b.start)}–${fmtValue(b.end)}`,
        "#".repeat(Math.ceil((b.count / top) * 30)) || "·",
        fmtInt(b.count),
      ]),
    ))
      out.push(`    ${line}`);
  } else {
    out.push(`  new values (${fmtInt(d.count)} rows):`);
    const top = Math.max(1, ...d.categories.map((c) => c.count));
    for (const line of table(
      d.categories.map((c) => [
        c.value,
        "#".repeat(Math.ceil((c.count / top) * 30)),
        fmtInt(c.count),
        fmtPercent(c.count / Math.max(1, d.count)),
      ]),
    ))
      out.push(`    ${line}`);
  }
  out.push(
    `  sample (${p.samples.length} of ${fmtInt(p.sampleOf)} rows${p.affected.rows ? " to fill" : ""}):`,
  );
  const contextColumns = definition.context;
  for (const line of table([
    [p.key, "batch_date", "old", "new", ...contextColumns],
    ...p.samples.map((s) => [
      String(s.key),
      s.batchDate,
      fmtValue(s.old),
      fmtValue(s.new),
      ...contextColumns.map((c) => fmtValue(s.context[c] ?? null)),
    ]),
  ]))
    out.push(`    ${line}`);
  out.push(
    `  would run: per batch (${p.estimate.batches} of ≤ ${p.estimate.batchDays} days): dbt build of ${p.dbt.batchModels.join(", ")} and the test ${p.dbt.batchTest};`,
  );
  out.push(
    `             then dbt run (${p.dbt.projectModels} models) and dbt test (${p.dbt.projectTests} tests), and a publish`,
  );
  out.push(
    `  downstream of ${p.model}: ${p.dbt.downstreamModels.join(", ") || "nothing"}` +
      ` (${p.dbt.downstreamTests.length} tests on them)`,
  );
  out.push(
    p.estimate.seconds === 0
      ? "  estimate: nothing to run"
      : `  estimate: about ${fmtSeconds(p.estimate.seconds)} (dbt start ${fmtSeconds(p.estimate.startSeconds)}, batches ${fmtSeconds(p.estimate.batchSeconds)}, run and test ${fmtSeconds(p.estimate.finalSeconds)}, publish ${fmtSeconds(p.estimate.publishSeconds)}; from ${p.estimate.basis})`,
  );
  out.push(`  dbt code: dbt/${p.code.file}`);
  return out;
}

// ── apply ───────────────────────────────────────────────────────────────────────────────────

async function apply(
  config: Config,
  names: readonly string[],
  options: { batchDays: number | undefined; json: boolean; events: boolean; applyId: string | undefined },
): Promise<number> {
  const status = new StatusLine(options.events ? process.stderr : process.stdout);
  const print = options.json ? () => {} : (line: string) => status.print(line);
  const update = options.json ? () => {} : (line: string) => status.update(line);
  if (options.events) {
    // A reader that went away (the server stopped) does not stop the apply: the log keeps it.
    const ignore = () => {};
    process.stdout.on("error", ignore);
    process.stderr.on("error", ignore);
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  print(`sbdk backfill: ${names.join(", ")} → ${config.duckdb_path}`);
  update("loading dbt …");
  const onEvent = (e: BackfillEvent) => {
    if (options.events) process.stdout.write(JSON.stringify(e) + "\n");
    switch (e.type) {
      case "dbt-ready":
        print(`dbt loaded in ${fmtSeconds(e.seconds)}`);
        break;
      case "start":
        print(
          e.days === 0
            ? `${e.backfill}: every day is filled; finishing the last apply's run and publish`
            : `${e.backfill}: ${e.days} days (${formatDayRanges(e.ranges)}), ${fmtInt(e.rows)} rows in ${e.batches} batch(es) of ≤ ${e.batchDays} days`,
        );
        break;
      case "batch":
        print(
          `  ${bar(e.daysDone, e.daysPlanned, 20)} batch ${e.batch}/${e.batches} ${e.start === e.end ? e.start : `${e.start} – ${e.end}`}: ` +
            `${fmtInt(e.rows)} rows · test ${e.test} · ${fmtSeconds(e.seconds)}`,
        );
        break;
      case "stage":
        if (e.status === "started") update(`${e.stage} …`);
        else
          print(
            `  ${e.stage === "run" ? "dbt run" : e.stage === "test" ? "dbt test" : "publish"}${e.detail ? ` ${e.detail}` : ""} · ${fmtSeconds(e.seconds ?? 0)}`,
          );
        break;
      case "node":
        update(`dbt: ${e.name} ${e.status}`);
        break;
      case "applied":
        break;
    }
  };
  let result: ApplyResult;
  try {
    result = await applyBackfills(config, names, {
      ...(options.batchDays !== undefined ? { batchDays: options.batchDays } : {}),
      ...(options.applyId !== undefined ? { applyId: options.applyId, trigger: "browser" as const } : {}),
      onEvent,
      signal: controller.signal,
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (options.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    return 0;
  }
  for (const record of result.records) {
    print(
      record.days_planned === 0
        ? `${record.backfill}: already applied, nothing to fill (apply ${record.id})`
        : `applied: ${record.backfill} filled ${record.days_done} days, ${fmtInt(record.rows_filled)} rows in ${fmtSeconds(record.seconds ?? 0)} (apply ${record.id})`,
    );
    if (record.other_failing_tests) {
      print(
        `  note: ${record.other_failing_tests} other test(s) of the project fail (not this backfill's); see the quality page`,
      );
    }
  }
  if (result.published)
    print(`published ${result.published.manifest.tables.length} tables to ${result.published.dir}`);
  return 0;
}
