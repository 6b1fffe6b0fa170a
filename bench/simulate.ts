/**
 * The day-by-day simulation at the default scale: every day generate → load → dbt build
 * (incremental, with every test) → publish, in one long-lived dbt worker. Prints the split of
 * each day, how it grows with the number of days (it should stay flat: each day is
 * incremental), and what a new dbt process per day would cost instead (start-up and parse).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@/lib/server/config";
import { runDbt } from "@/lib/server/dbt/runner";
import { PACKAGE_ROOT } from "@/lib/server/paths";
import { simulate, type SimulatedDay } from "@/lib/server/simulation/simulate";
import { dayDbtArgs } from "@/lib/server/simulation/simulate";

export interface SimulateBenchOptions {
  users: number;
  days: number;
  threads: number;
  keep: boolean;
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
    Record<"generate" | "load" | "dbt" | "dbtCpu" | "publish" | "total", number>
  >;
  /** The last day's dbt build as a new dbt process: with a --vars new to dbt (a full re-parse), then again (partial parse). */
  perDayProcess: { newVarsSeconds: number; sameVarsSeconds: number; workerSeconds: number };
  testsPerDay: number;
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
  console.log("  day  generate  load    dbt     dbt cpu  publish  total   tests");
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
          `  ${String(e.summary.day).padStart(3)}  ${f(t.generate).padStart(8)}  ${f(t.load).padStart(6)}  ${f(t.dbt).padStart(6)}  ${f(t.dbtCpu).padStart(7)}  ${f(t.publish).padStart(7)}  ${f(t.total).padStart(6)}  ${e.summary.tests?.passed ?? "-"}`,
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
    publish: median(days.map((d) => d.publish)),
    total: median(days.map((d) => d.total)),
  });
  const medians = { firstFive: pick(perDay.slice(0, 5)), lastFive: pick(perDay.slice(-5)) };

  // The same last-day build as a new dbt process each day would run it.
  const lastDay = options.days;
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

  const sum = (k: "generate" | "load" | "dbt" | "publish") => perDay.reduce((a, d) => a + d[k], 0);
  console.log(
    `  total ${f(result.totalSeconds, 1)}s for ${options.days} days: generate ${f(sum("generate"), 1)}s · load ${f(sum("load"), 1)}s · ` +
      `dbt ${f(sum("dbt"), 1)}s (+ ${f(result.dbtStartSeconds ?? 0, 1)}s to start the worker once) · publish ${f(sum("publish"), 1)}s`,
  );
  const ratio = (k: keyof typeof medians.firstFive) =>
    `${k} ${f(medians.firstFive[k])} → ${f(medians.lastFive[k])}s (${f(medians.lastFive[k] / medians.firstFive[k])}×)`;
  console.log(
    `  median of days 1–5 → last 5: ${(["generate", "load", "dbt", "dbtCpu", "publish", "total"] as const).map(ratio).join(" · ")}`,
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
  };
}
