/**
 * npm run bench — throughput and timings of the pipeline at the default scale and a large one:
 * rows/s generated and loaded, dbt build seconds next to the same models (and tests) run as
 * plain SQL in DuckDB, publish seconds, and peak memory of Node and of dbt; then the day-by-day
 * simulation (bench/simulate.ts): the split of each day and how it grows with the days.
 *
 *   npm run bench                     default and large scale, the dashboard, then the simulation
 *   npm run bench -- --only default   one of them (default | large | dashboard | simulate)
 *   npm run bench -- --large-users N  base users of the large scale
 *   npm run bench -- --load-rounds N  rounds of generate + load per scale, medians reported (default 3)
 *   npm run bench -- --sim-days N     days of the simulation (default 30; --sim-users, --sim-threads)
 *   npm run bench -- --sim-levers N   rounds of the simulation's speed-ups compared on its last day
 *                                     (default 5; 0 skips them)
 *
 * The dashboard case (bench/dashboard.ts) loads the page in Chromium over a default and a
 * 1M-session publish; its flags are listed there.
 *
 * Figures go to stdout and to bench/results/<timestamp>.json. Speed is measured here, never
 * asserted in tests; the machine is shared, so read medians and ratios, not single numbers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "@/lib/server/config";
import { readManifest, readRunResults, type Manifest } from "@/lib/server/dbt/artifacts";
import { dbtStateDirs, runDbt, type SpawnFn } from "@/lib/server/dbt/runner";
import { PACKAGE_ROOT } from "@/lib/server/paths";
import { publish } from "@/lib/server/publish";
import { openWarehouse, type Warehouse } from "@/lib/server/warehouse/duckdb";
import { ensureRawSchema, loadDays } from "@/lib/server/warehouse/load";
import { RAW_TABLE_NAMES, type RawTable } from "@/lib/server/warehouse/schema";
import type { Config } from "@/lib/shared/config";
import { benchDashboard, DASHBOARD_FLAGS, type DashboardScaleResult } from "./dashboard";
import { benchSimulate, type SimulateBenchResult } from "./simulate";

interface ScaleSpec {
  name: string;
  users: number;
  days: number;
}

const { values: flags } = parseArgs({
  options: {
    only: { type: "string" },
    "large-users": { type: "string" },
    "large-days": { type: "string" },
    "sim-days": { type: "string" },
    "sim-users": { type: "string" },
    "sim-threads": { type: "string" },
    "sim-levers": { type: "string" },
    "load-rounds": { type: "string" },
    keep: { type: "boolean" },
    ...DASHBOARD_FLAGS,
  },
});

const SCALES: ScaleSpec[] = [
  { name: "default", users: 10_000, days: 30 },
  { name: "large", users: Number(flags["large-users"] ?? 750_000), days: Number(flags["large-days"] ?? 30) },
].filter((s) => !flags.only || s.name === flags.only);
const LOAD_ROUNDS = Math.max(1, Number(flags["load-rounds"] ?? 3));

function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function rssMb(): number {
  return process.memoryUsage().rss / 1e6;
}

/** Peak resident memory of the Node process so far (MB). */
function peakNodeMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Spawns dbt while sampling its resident memory (and its children's) from /proc. */
function memorySampler(): { spawn: SpawnFn; peakMb: () => number } {
  let peak = 0;
  const spawnWithSampling: SpawnFn = (command, args, options) => {
    const child: ChildProcess = spawn(command, args, options);
    const timer = setInterval(() => {
      if (!child.pid) return;
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peak = Math.max(peak, kb / 1024);
      } catch {
        // exited between samples
      }
    }, 100);
    child.once("close", () => clearInterval(timer));
    return child;
  };
  return { spawn: spawnWithSampling, peakMb: () => peak };
}

/** Models in dependency order, with their compiled SQL and materialisation. */
function modelsInOrder(manifest: Manifest) {
  const models = Object.values(manifest.nodes).filter((n) => n.resource_type === "model");
  const byId = new Map(models.map((m) => [m.unique_id, m]));
  const done = new Set<string>();
  const order: typeof models = [];
  const visit = (id: string) => {
    if (done.has(id)) return;
    done.add(id);
    const m = byId.get(id);
    if (!m) return;
    for (const dep of m.depends_on.nodes) visit(dep);
    order.push(m);
  };
  for (const m of models) visit(m.unique_id);
  return order;
}

function compiled(node: Manifest["nodes"][string]): string {
  const code = (node as { compiled_code?: string }).compiled_code;
  if (!code) throw new Error(`no compiled SQL for ${node.unique_id}; run dbt build first`);
  return code;
}

/** The dbt project's models (and tests) as plain SQL statements on a copy of the raw data. */
async function plainSql(db: Warehouse, manifest: Manifest): Promise<{ models: number; tests: number }> {
  const t0 = performance.now();
  for (const m of modelsInOrder(manifest)) {
    const rel = `"${m.schema}"."${m.alias ?? m.name}"`;
    const kind = m.config.materialized === "view" ? "view" : "table";
    await db.run(
      `create schema if not exists "${m.schema}"; create or replace ${kind} ${rel} as ${compiled(m)}`,
    );
  }
  const t1 = performance.now();
  for (const t of Object.values(manifest.nodes).filter((n) => n.resource_type === "test")) {
    await db.query(`select count(*) from (${compiled(t)}) as failures`);
  }
  const t2 = performance.now();
  return { models: (t1 - t0) / 1000, tests: (t2 - t1) / 1000 };
}

interface ScaleResult {
  scale: string;
  users: number;
  days: number;
  rows: Record<RawTable, number>;
  totalRows: number;
  /** Every round of generate + load; the figures below are their medians. */
  loadRounds: LoadRound[];
  generateSeconds: number;
  loadSeconds: number;
  generateRowsPerSecond: number;
  loadRowsPerSecond: number;
  generateLoadRowsPerSecond: number;
  dbtBuildSeconds: number;
  dbtModels: number;
  dbtTests: number;
  plainModelsSeconds: number;
  plainTestsSeconds: number;
  dbtVsPlain: number;
  publishSeconds: number;
  publishBytes: number;
  peakNodeMb: number;
  peakDbtMb: number;
}

interface LoadRound {
  generateSeconds: number;
  loadSeconds: number;
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Generates and loads the spec's days into a new warehouse file, as the pipeline does. */
async function generateAndLoad(
  path: string,
  spec: ScaleSpec,
  startDate: string,
): Promise<{ rows: Record<RawTable, number>; round: LoadRound }> {
  const db = await openWarehouse(path);
  try {
    await ensureRawSchema(db);
    const loaded = await loadDays(db, { seed: 42, baseUsers: spec.users, startDate }, spec.days);
    return {
      rows: loaded.rows,
      round: { generateSeconds: loaded.generateMs / 1000, loadSeconds: loaded.loadMs / 1000 },
    };
  } finally {
    db.close();
  }
}

async function benchScale(spec: ScaleSpec): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), `sbdk-bench-${spec.name}-`));
  const configFile = join(dir, "sbdk_config.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      users: spec.users,
      days: spec.days,
      seed: 42,
      duckdb_path: "data/sbdk.duckdb",
      publish_path: "publish",
      dbt_path: join(PACKAGE_ROOT, "dbt"),
      profiles_dir: join(PACKAGE_ROOT, "dbt"),
    }),
  );
  const config: Config = loadConfig({ file: configFile, env: {} });
  console.log(`\n== ${spec.name}: base ${fmt(spec.users)} users × ${spec.days} days (${dir})`);

  // 1. generate + load, `--load-rounds` times into a new file each (the last one is built on):
  // the machine is shared, and one round's figure can be a fifth off the next one's.
  mkdirSync(join(dir, "data"), { recursive: true });
  const rounds: LoadRound[] = [];
  let rows = {} as Record<RawTable, number>;
  for (let round = 1; round <= LOAD_ROUNDS; round++) {
    rmSync(config.duckdb_path, { force: true });
    rmSync(`${config.duckdb_path}.wal`, { force: true });
    const loaded = await generateAndLoad(config.duckdb_path, spec, config.start_date);
    rows = loaded.rows;
    rounds.push(loaded.round);
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    const { generateSeconds: g, loadSeconds: l } = loaded.round;
    console.log(
      `round ${round}: generate ${fmt(g, 2)}s (${fmt(total / g)} rows/s) · load ${fmt(l, 2)}s (${fmt(total / l)} rows/s) · ` +
        `together ${fmt(total / (g + l))} rows/s`,
    );
  }
  const totalRows = Object.values(rows).reduce((a, b) => a + b, 0);
  const generateSeconds = median(rounds.map((r) => r.generateSeconds));
  const loadSeconds = median(rounds.map((r) => r.loadSeconds));
  const togetherRowsPerSecond = rounds.map((r) => totalRows / (r.generateSeconds + r.loadSeconds));
  console.log(
    `median of ${rounds.length}: generate ${fmt(generateSeconds, 2)}s (${fmt(totalRows / generateSeconds)} rows/s) · ` +
      `load ${fmt(loadSeconds, 2)}s (${fmt(totalRows / loadSeconds)} rows/s) · ` +
      `together ${fmt(median(togetherRowsPerSecond))} rows/s over ${fmt(totalRows)} rows · node RSS ${fmt(rssMb())} MB`,
  );
  for (const t of RAW_TABLE_NAMES) console.log(`  ${t.padEnd(16)} ${fmt(rows[t]).padStart(12)}`);

  // A copy of the raw warehouse for the plain-SQL run (same file name: compiled SQL names the catalog).
  const plainDir = join(dir, "plain");
  mkdirSync(plainDir);
  copyFileSync(config.duckdb_path, join(plainDir, "sbdk.duckdb"));

  // 2. dbt build
  const sampler = memorySampler();
  const t0 = performance.now();
  const build = await runDbt({
    config,
    args: ["build", "--full-refresh"],
    effects: { spawn: sampler.spawn },
  });
  const dbtBuildSeconds = (performance.now() - t0) / 1000;
  if (build.exitCode !== 0) throw new Error(`dbt build failed:\n${build.outputTail.join("\n")}`);
  const { targetPath } = dbtStateDirs(config);
  const manifest = await readManifest(targetPath);
  const runResults = await readRunResults(targetPath);
  const dbtModels = runResults.results.filter((r) => r.unique_id.startsWith("model.")).length;
  const dbtTests = runResults.results.filter((r) => r.unique_id.startsWith("test.")).length;

  // 3. the same transformations as plain SQL
  const plain = await openWarehouse(join(plainDir, "sbdk.duckdb"));
  let plainTimes: { models: number; tests: number };
  try {
    plainTimes = await plainSql(plain, manifest);
  } finally {
    plain.close();
  }
  const dbtVsPlain = dbtBuildSeconds / (plainTimes.models + plainTimes.tests);
  console.log(
    `dbt build ${fmt(dbtBuildSeconds, 1)}s (${dbtModels} models, ${dbtTests} tests; dbt's own elapsed ${fmt(runResults.elapsed_time, 1)}s) · ` +
      `plain SQL: models ${fmt(plainTimes.models, 1)}s + tests ${fmt(plainTimes.tests, 1)}s · ratio ${fmt(dbtVsPlain, 2)}× · dbt peak RSS ${fmt(sampler.peakMb())} MB`,
  );

  // 4. publish
  const published = await publish({ config, runResults, manifest });
  const publishBytes = published.manifest.tables.reduce((a, t) => a + t.bytes, 0);
  console.log(
    `publish ${fmt(published.seconds, 2)}s · ${published.manifest.tables.length} files, ${fmt(publishBytes / 1e6, 1)} MB`,
  );

  const result: ScaleResult = {
    scale: spec.name,
    users: spec.users,
    days: spec.days,
    rows,
    totalRows,
    loadRounds: rounds,
    generateSeconds,
    loadSeconds,
    generateRowsPerSecond: totalRows / generateSeconds,
    loadRowsPerSecond: totalRows / loadSeconds,
    generateLoadRowsPerSecond: median(togetherRowsPerSecond),
    dbtBuildSeconds,
    dbtModels,
    dbtTests,
    plainModelsSeconds: plainTimes.models,
    plainTestsSeconds: plainTimes.tests,
    dbtVsPlain,
    publishSeconds: published.seconds,
    publishBytes,
    peakNodeMb: peakNodeMb(),
    peakDbtMb: sampler.peakMb(),
  };
  if (!flags.keep) rmSync(dir, { recursive: true, force: true });
  return result;
}

const results: ScaleResult[] = [];
for (const spec of SCALES) results.push(await benchScale(spec));
const dashboard: DashboardScaleResult[] =
  !flags.only || flags.only === "dashboard" ? await benchDashboard(flags) : [];
let simulation: SimulateBenchResult | null = null;
if (!flags.only || flags.only === "simulate") {
  simulation = await benchSimulate({
    users: Number(flags["sim-users"] ?? 10_000),
    days: Number(flags["sim-days"] ?? 30),
    threads: flags["sim-threads"] ? Number(flags["sim-threads"]) : Math.min(4, availableParallelism()),
    keep: Boolean(flags.keep),
    leverRounds: Number(flags["sim-levers"] ?? 5),
  });
}

if (results.length > 0) {
  console.log("\nsummary");
  console.log(
    [
      "scale",
      "raw rows",
      "gen+load rows/s",
      "dbt build s",
      "plain SQL s",
      "dbt/plain",
      "publish s",
      "peak node MB",
      "peak dbt MB",
    ].join(" | "),
  );
  for (const r of results) {
    console.log(
      [
        r.scale,
        fmt(r.totalRows),
        fmt(r.generateLoadRowsPerSecond),
        fmt(r.dbtBuildSeconds, 1),
        fmt(r.plainModelsSeconds + r.plainTestsSeconds, 1),
        `${fmt(r.dbtVsPlain, 2)}×`,
        fmt(r.publishSeconds, 2),
        fmt(r.peakNodeMb),
        fmt(r.peakDbtMb),
      ].join(" | "),
    );
  }
}
const outDir = join(PACKAGE_ROOT, "bench", "results");
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(outFile, JSON.stringify({ node: process.version, results, dashboard, simulation }, null, 2));
console.log(`\nwritten to ${outFile}`);
