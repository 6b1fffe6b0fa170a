/**
 * The dashboard as a person meets it, at the default scale and at about a million sessions:
 * the real pipeline publishes into a temp folder, `next start` serves the app over it, and
 * headless Chromium loads the page (cold: a new browser profile; warm: the same page loaded
 * again) and changes filters through the filter bar. Measured in the page, from navigation:
 * first figures painted, DuckDB-WASM ready, every view drawn, every view drawn live (DuckDB-WASM
 * results, not the server's), and from a filter's click to every chart updated.
 *
 *   npm run bench -- --only dashboard
 *   npm run bench -- --only dashboard --dashboard-runs 5 --dashboard-port 3720
 *   npm run bench -- --only dashboard --dashboard-data /tmp/sbdk-dash   (keeps and reuses the publishes)
 *   npm run bench -- --only dashboard --dashboard-think-ms 0   (clicks as fast as the charts update)
 *
 * Between two filter changes the walk waits as a person does who reads the charts before the
 * next click (--dashboard-think-ms, 1,500 ms by default); the page prepares the filters one
 * click away meanwhile. Changes answered from those are reported apart from the ones that ran
 * their queries on the click (typed dates are never prepared).
 *
 * Speed is measured here, never asserted in tests. Times are medians and p90s over the runs;
 * the machine's load average is printed beside them, since it moves them more than anything.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { loadConfig } from "@/lib/server/config";
import { runPipeline } from "@/lib/server/pipeline";
import { readPublishedManifest } from "@/lib/server/publish";
import { PACKAGE_ROOT } from "@/lib/server/paths";
import { DASHBOARD_TABLES } from "@/lib/shared/dashboard/constants";
import {
  breakdown,
  changeWindows,
  printBreakdown,
  printWorkerBreakdown,
  workerBreakdown,
  type CpuProfile,
} from "./dashboard-profile";
import type { PublishManifest } from "@/lib/shared/manifest";

/** Command-line flags of this case, merged into bench/index.ts's parseArgs options. */
export const DASHBOARD_FLAGS = {
  "dashboard-runs": { type: "string" },
  "dashboard-users": { type: "string" },
  "dashboard-port": { type: "string" },
  "dashboard-data": { type: "string" },
  "dashboard-scales": { type: "string" },
  "dashboard-profile": { type: "string" },
  "dashboard-think-ms": { type: "string" },
} as const;

export interface DashboardFlags {
  "dashboard-runs"?: string;
  "dashboard-users"?: string;
  "dashboard-port"?: string;
  "dashboard-data"?: string;
  "dashboard-scales"?: string;
  /** Writes a CPU profile of one more filter walk there and prints where its time went. */
  "dashboard-profile"?: string;
  /** How long the walk looks at the charts before each filter change. */
  "dashboard-think-ms"?: string;
  keep?: boolean;
}

interface DashboardScale {
  name: string;
  users: number;
  days: number;
}

/** Base users that give about 1,000,000 fct_sessions rows over 30 days (1,001,515 with seed 42). */
export const MILLION_SESSIONS_USERS = 124_000;

/** Milliseconds from navigation start (the page's performance.now()). */
interface LoadTimes {
  firstFigures: number | null;
  kpisInHtml: boolean;
  duckdbReady: number | null;
  allDrawn: number | null;
  allLive: number | null;
  /** Per published table: download, decode and insert milliseconds, and when it was ready. */
  tables: Record<
    string,
    { downloadMs: number; bytes: number; decodeMs: number; insertMs: number; at: number }
  >;
  /** Per query id: milliseconds of its last run (queue included) and when its result came. */
  queries: Record<string, { ms: number; at: number }>;
}

interface FilterChange {
  kind: "tier" | "region" | "model" | "dates" | "reset";
  key: string;
  /** Input event → the frame that paints every chart with the new filters' live results. */
  ms: number;
  /** Input → the first query starts (React's render of the change, the batch gathering). */
  beforeQueriesMs: number | null;
  /** DuckDB-WASM time of the queries this change ran: first start → last result. */
  querySpanMs: number;
  /** Last result → the frame that paints it (React's render of every chart). */
  afterQueriesMs: number | null;
  queries: number;
  /** Milliseconds of each query the change ran, by query id. */
  perQuery: Record<string, number>;
  /** CPU time of the page's main thread and of its workers (DuckDB-WASM) over the change. */
  mainMs?: number | null;
  workerMs?: number | null;
  /** CPU time on the critical path: main thread to the queries, DuckDB-WASM, main thread to the paint. */
  criticalMs?: number | null;
  criticalParts?: number[] | null;
}

export interface DashboardScaleResult {
  scale: string;
  users: number;
  days: number;
  sessions: number;
  generations: number;
  publishBytes: number;
  /** Bytes of the tables the dashboard downloads. */
  dashboardBytes: number;
  runs: number;
  /** The pause before each filter change (ms). */
  thinkMs: number;
  loadAverage: { before: number[]; after: number[] };
  cold: LoadTimes[];
  warm: LoadTimes[];
  filterChanges: FilterChange[];
  summary: Record<string, { median: number | null; p90: number | null; n: number }>;
}

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Runs in the page before its own scripts: notes when the headline figures and every panel
 * reach a state, with the page's clock. Plain JavaScript in a string, so no bundler helper
 * leaks into the page.
 */
const PROBE = `(() => {
  const probe = { figuresAt: null, kpisInHtml: null, drawnAt: null, live: {}, armed: null, inputAt: null };
  window.__sbdkProbe = probe;
  const panels = () => [...document.querySelectorAll('[data-testid="kpis"], [data-testid^="chart-"], [data-testid^="table-"]')];
  const settled = (e) => ["ready", "empty", "error"].includes(e.getAttribute("data-state") || "");
  // The time after the next frame is painted: a task posted from the frame's animation
  // callbacks runs once the frame's style, layout and paint are done.
  const afterFrame = (fn) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => fn(performance.now());
    channel.port2.postMessage(null);
  });
  const check = () => {
    if (probe.figuresAt === null) {
      const v = document.querySelector('[data-testid="kpi-users"] [data-testid="kpi-value"]');
      if (v && /\\d/.test(v.textContent || "")) {
        probe.figuresAt = performance.now();
        if (probe.kpisInHtml === null) probe.kpisInHtml = document.readyState === "loading";
      }
    }
    const els = panels();
    if (els.length < 2) return;
    if (probe.drawnAt === null && els.every(settled)) {
      probe.drawnAt = -1;
      afterFrame((t) => (probe.drawnAt = t));
    }
    const keys = new Set(els.map((e) => e.getAttribute("data-filter-key")));
    if (keys.size !== 1) return;
    const key = [...keys][0];
    if (key === null || probe.live[key] !== undefined) return;
    if (els.every((e) => settled(e) && e.getAttribute("data-source") !== "server")) {
      probe.live[key] = -1;
      afterFrame((t) => {
        probe.live[key] = t;
        performance.mark("sbdk:bench:live " + key);
      });
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ["data-state", "data-source", "data-filter-key"] });
  for (const type of ["click", "input", "change"]) {
    addEventListener(type, (e) => {
      if (probe.armed) {
        probe.inputAt = e.timeStamp;
        probe.armed = false;
        performance.mark("sbdk:bench:input");
      }
    }, true);
  }
  const marks = () => performance.getEntriesByType("mark");
  window.__sbdkCollect = () => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    const resources = performance.getEntriesByType("resource");
    const tables = {};
    for (const m of marks().filter((m) => m.name.startsWith("sbdk:table:"))) {
      const name = m.name.slice("sbdk:table:".length);
      const files = resources.filter((r) => r.name.includes("/" + name + ".parquet") || r.name.includes("/" + name + ".part"));
      tables[name] = {
        downloadMs: files.reduce((a, r) => a + r.duration, 0),
        bytes: files.reduce((a, r) => a + (r.encodedBodySize || r.transferSize), 0),
        decodeMs: (m.detail && m.detail.decodeMs) || 0,
        insertMs: (m.detail && m.detail.insertMs) || 0,
        at: m.startTime,
      };
    }
    const queries = {};
    for (const m of marks().filter((m) => m.name.startsWith("sbdk:query:"))) {
      queries[m.name.slice("sbdk:query:".length)] = { ms: (m.detail && m.detail.millis) || 0, at: m.startTime };
    }
    const ready = marks().find((m) => m.name === "sbdk:duckdb-ready");
    return {
      firstFigures: probe.figuresAt === null ? null : Math.max(probe.figuresAt, fcp ? fcp.startTime : 0),
      kpisInHtml: Boolean(probe.kpisInHtml),
      duckdbReady: ready ? ready.startTime : null,
      allDrawn: probe.drawnAt,
      allLive: probe.live[""] === undefined ? null : probe.live[""],
      tables,
      queries,
    };
  };
  window.__sbdkFilterResult = (key) => {
    const start = probe.inputAt || 0;
    // A query's mark is set when its result is back, with its duration in the detail.
    const runs = marks()
      .filter((m) => m.name.startsWith("sbdk:query:") && m.startTime >= start)
      .map((m) => ({ id: m.name.slice("sbdk:query:".length), end: m.startTime, ms: (m.detail && m.detail.millis) || 0 }));
    const first = runs.length ? Math.min(...runs.map((r) => r.end - r.ms)) : null;
    const last = runs.length ? Math.max(...runs.map((r) => r.end)) : null;
    const end = probe.live[key];
    const perQuery = {};
    for (const r of runs) perQuery[r.id] = r.ms;
    return {
      ms: end - start,
      beforeQueriesMs: first === null ? null : first - start,
      querySpanMs: first === null ? 0 : last - first,
      afterQueriesMs: last === null ? null : end - last,
      queries: runs.length,
      perQuery,
    };
  };
})();`;

declare global {
  interface Window {
    __sbdkProbe: {
      figuresAt: number | null;
      kpisInHtml: boolean | null;
      drawnAt: number | null;
      live: Record<string, number>;
      armed: boolean | null;
      inputAt: number | null;
    };
    __sbdkCollect(): LoadTimes;
    __sbdkFilterResult(key: string): Omit<FilterChange, "kind" | "key">;
  }
}

function fmt(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Nearest-rank percentile of the finite values (null when there are none). */
export function percentile(values: readonly (number | null)[], p: number): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  if (p === 50 && v.length % 2 === 0) return (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))]!;
}

function stat(values: readonly (number | null)[]) {
  return {
    median: percentile(values, 50),
    p90: percentile(values, 90),
    n: values.filter((x) => x !== null).length,
  };
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

/** Newest modification time of what a build depends on (as scripts/start.mjs checks it). */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const s = statSync(path, { throwIfNoEntry: false });
    if (!s) return;
    if (s.isDirectory()) for (const e of readdirSync(path)) visit(join(path, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ["app", "components", "lib", "package.json", "next.config.mjs", "postcss.config.mjs"]) {
    visit(join(PACKAGE_ROOT, p));
  }
  return newest;
}

function ensureBuild(): void {
  const run = (what: string, args: string[]) => {
    const res = spawnSync(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: "inherit" });
    if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status})`);
  };
  run("copying the DuckDB-WASM bundles", [join(PACKAGE_ROOT, "scripts", "copy-duckdb-wasm.mjs")]);
  const id = statSync(join(PACKAGE_ROOT, ".next", "BUILD_ID"), { throwIfNoEntry: false });
  if (id && id.mtimeMs >= newestSource()) {
    console.log("the app's build is up to date");
    return;
  }
  console.log("building the app (next build) …");
  const started = performance.now();
  run("next build", [join(PACKAGE_ROOT, "node_modules", "next", "dist", "bin", "next"), "build"]);
  console.log(`built in ${fmt((performance.now() - started) / 1000, 1)} s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `next start` over a config; its own process group, so stopping it stops its children too. */
async function startServer(configFile: string, port: number): Promise<{ url: string; stop(): void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(PACKAGE_ROOT, "node_modules", "next", "dist", "bin", "next"),
      "start",
      "-p",
      String(port),
      "-H",
      "127.0.0.1",
    ],
    {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, SBDK_CONFIG: configFile, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    },
  );
  const stop = () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", stop);
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}) on port ${port}`);
    try {
      // The first request also opens the server's snapshot database: not part of what a visitor waits for.
      const res = await fetch(url);
      if (res.ok) {
        await res.text();
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`next start did not answer on ${url} within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop };
}

/** Publishes the scale's data with the real pipeline, or reuses an earlier publish in `dataDir`. */
async function publishScale(
  scale: DashboardScale,
  dataDir: string | undefined,
): Promise<{ dir: string; configFile: string; manifest: PublishManifest; temporary: boolean }> {
  const dir = dataDir
    ? join(dataDir, scale.name)
    : mkdtempSync(join(tmpdir(), `sbdk-bench-dashboard-${scale.name}-`));
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, "sbdk_config.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      users: scale.users,
      days: scale.days,
      seed: 42,
      duckdb_path: "data/sbdk.duckdb",
      publish_path: "publish",
      dbt_path: join(PACKAGE_ROOT, "dbt"),
      profiles_dir: join(PACKAGE_ROOT, "dbt"),
    }),
  );
  const config = loadConfig({ file: configFile, env: {} });
  let manifest = await readPublishedManifest(config.publish_path).catch(() => null);
  const reusable =
    manifest &&
    DASHBOARD_TABLES.every((t) => manifest!.tables.some((p) => p.name === t)) &&
    manifest.date_range !== null;
  if (reusable && manifest) {
    console.log(`reusing the publish in ${config.publish_path}`);
  } else {
    console.log(`publishing base ${fmt(scale.users)} users × ${scale.days} days into ${dir} …`);
    mkdirSync(join(dir, "data"), { recursive: true });
    const result = await runPipeline(config);
    manifest = result.publish.manifest;
    console.log(
      `pipeline ${fmt(result.timings.total, 1)} s (dbt ${fmt(result.timings.dbt, 1)} s, publish ${fmt(result.timings.publish, 1)} s)`,
    );
  }
  return { dir, configFile, manifest: manifest!, temporary: !dataDir };
}

async function loadPage(page: Page, url: string): Promise<LoadTimes> {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(
    () => {
      const p = window.__sbdkProbe;
      return p && p.drawnAt !== null && p.drawnAt > 0 && (p.live[""] ?? 0) > 0;
    },
    null,
    { timeout: 180_000, polling: 100 },
  );
  return page.evaluate(() => window.__sbdkCollect());
}

/** How long a person looks at the charts before the next filter change (--dashboard-think-ms). */
let thinkMs = 1500;

/** One filter change through the filter bar; resolves with its timing once every chart shows it. */
async function changeFilter(
  page: Page,
  kind: FilterChange["kind"],
  act: () => Promise<void>,
): Promise<FilterChange> {
  await page.waitForTimeout(thinkMs);
  await page.evaluate(() => {
    window.__sbdkProbe.armed = true;
    window.__sbdkProbe.inputAt = null;
    window.__sbdkProbe.live = {};
    performance.clearMarks();
  });
  await act();
  const key = await page.evaluate(() => window.location.search.replace(/^\?/, ""));
  await page.waitForFunction((k) => (window.__sbdkProbe.live[k] ?? 0) > 0, key, {
    timeout: 120_000,
    polling: 50,
  });
  return {
    kind,
    key,
    ...(await page.evaluate((k) => window.__sbdkFilterResult(k), key)),
  };
}

interface CpuOfChange {
  mainMs: number;
  workerMs: number;
  criticalMs: number | null;
  /** The critical path's parts: main thread to the queries, DuckDB-WASM, main thread to the paint. */
  criticalParts: number[] | null;
}

/**
 * Main-thread and worker CPU time of each filter change, from a Chromium trace of the walk:
 * the thread time of the tasks between a change's input and the frame that painted it. Unlike
 * wall time, it hardly moves with the machine's load: it is the work a change costs.
 */
function cpuPerChange(trace: Buffer, keys: readonly string[]): CpuOfChange[] {
  interface TraceEvent {
    name: string;
    ph: string;
    pid: number;
    tid: number;
    ts: number;
    dur?: number;
    tdur?: number;
    args?: { name?: string; data?: { detail?: string } };
  }
  const events = (JSON.parse(trace.toString("utf8")) as { traceEvents: TraceEvent[] }).traceEvents;
  const marks = events.filter((e) => e.name.startsWith("sbdk:bench:")).sort((a, b) => a.ts - b.ts);
  const pid = marks[0]?.pid;
  const threads = new Map<number, string>();
  for (const e of events) {
    if (e.ph === "M" && e.name === "thread_name" && e.pid === pid) threads.set(e.tid, e.args?.name ?? "");
  }
  const tasks = events.filter(
    (e) =>
      e.ph === "X" && e.pid === pid && e.name === "ThreadControllerImpl::RunTask" && e.tdur !== undefined,
  );
  const cpu = (from: number, to: number, thread: (name: string) => boolean) =>
    tasks
      .filter((t) => thread(threads.get(t.tid) ?? "") && t.ts < to && t.ts + (t.dur ?? 0) > from)
      .reduce((sum, t) => {
        const overlap = Math.min(to, t.ts + (t.dur ?? 0)) - Math.max(from, t.ts);
        return sum + (t.tdur ?? 0) * (t.dur ? Math.max(0, overlap) / t.dur : 1);
      }, 0) / 1000;
  // When each query's result came (its mark) and how long it ran (the mark's detail).
  const queries = events
    .filter((e) => e.pid === pid && e.name.startsWith("sbdk:query:"))
    .map((e) => {
      const millis = Number((JSON.parse(e.args?.data?.detail ?? "{}") as { millis?: number }).millis ?? 0);
      return { start: e.ts - millis * 1000, end: e.ts };
    });
  const main = (n: string) => n === "CrRendererMain";
  const workers = (n: string) => n.startsWith("DedicatedWorker");
  const out: CpuOfChange[] = [];
  let i = 0;
  for (const key of keys) {
    const input = marks.findIndex((m, j) => j >= i && m.name === "sbdk:bench:input");
    const live = marks.findIndex((m, j) => j > input && m.name === `sbdk:bench:live ${key}`);
    if (input < 0 || live < 0) break;
    const [from, to] = [marks[input]!.ts, marks[live]!.ts];
    // The CPU time on the change's critical path: the main thread up to the queries' start,
    // DuckDB-WASM while they run, the main thread from their results to the paint. What the
    // main thread does meanwhile runs on another core on an idle machine, so this is about the
    // change's latency there.
    const ran = queries.filter((q) => q.end >= from && q.end <= to);
    const [first, last] = ran.length
      ? [Math.min(...ran.map((q) => q.start)), Math.max(...ran.map((q) => q.end))]
      : [null, null];
    const parts =
      first === null || last === null
        ? null
        : ([cpu(from, first, main), cpu(first, last, workers), cpu(last, to, main)] as const);
    out.push({
      mainMs: cpu(from, to, main),
      workerMs: cpu(from, to, workers),
      criticalMs: parts ? parts[0] + parts[1] + parts[2] : null,
      criticalParts: parts ? [...parts] : null,
    });
    i = live + 1;
  }
  return out;
}

/** A fixed walk through every kind of filter: 14 changes, each to filters not seen before in the walk. */
async function filterWalk(page: Page, manifest: PublishManifest): Promise<FilterChange[]> {
  const out: FilterChange[] = [];
  const multi = async (filter: "tier" | "region" | "model", value: string) => {
    const root = page.getByTestId(`filter-${filter}`);
    await root.locator("button").first().click();
    out.push(await changeFilter(page, filter, () => root.getByTestId(`option-${value}`).click()));
    await page.keyboard.press("Escape");
  };
  const preset = async (label: string) => {
    out.push(await changeFilter(page, "dates", () => page.getByTestId(`preset-${label}`).click()));
  };
  const range = manifest.date_range!;
  const day = (iso: string, plus: number) => {
    const d = new Date(`${iso}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + plus);
    return d.toISOString().slice(0, 10);
  };
  await multi("tier", "pro");
  await multi("region", "europe");
  await multi("model", "aurora-2");
  await preset("last-7-days");
  await multi("tier", "enterprise");
  await multi("region", "asia");
  await multi("model", "lumen-fast");
  await preset("last-14-days");
  await multi("tier", "pro");
  await multi("region", "europe");
  await multi("model", "aurora-2");
  out.push(
    await changeFilter(page, "dates", () => page.getByTestId("filter-from").fill(day(range.start, 3))),
  );
  out.push(await changeFilter(page, "dates", () => page.getByTestId("filter-to").fill(day(range.end, -5))));
  out.push(await changeFilter(page, "reset", () => page.getByTestId("filter-reset").click()));
  return out;
}

/**
 * One more walk, on a new page, under V8's sampling profiler and a detailed trace (both slow
 * the page down a little, so its figures stay out of the table): where each change's
 * main-thread time goes.
 */
async function profileWalk(browser: Browser, url: string, manifest: PublishManifest, file: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript({ content: PROBE });
    const page = await context.newPage();
    await loadPage(page, url);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await browser.startTracing(page, {
      categories: [
        "toplevel",
        "blink.user_timing",
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "disabled-by-default-v8.cpu_profiler",
        "v8",
      ],
    });
    await cdp.send("Profiler.start");
    const changes = await filterWalk(page, manifest);
    const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CpuProfile };
    const raw = await browser.stopTracing();
    writeFileSync(file.replace(/(\.cpuprofile)?$/, ".trace.json"), raw);
    const trace = (JSON.parse(raw.toString("utf8")) as { traceEvents: never[] }).traceEvents;
    const windows = changeWindows(
      trace,
      changes.map((c) => c.key),
    );
    printBreakdown(await breakdown(page, profile, trace, windows), file, profile);
    printWorkerBreakdown(workerBreakdown(trace, windows));
  } finally {
    await context.close();
  }
}

async function benchScale(
  scale: DashboardScale,
  browser: Browser,
  options: { runs: number; port: number | null; dataDir?: string; keep?: boolean; profile?: string },
): Promise<DashboardScaleResult> {
  console.log(`\n== dashboard, ${scale.name}: base ${fmt(scale.users)} users × ${scale.days} days`);
  const data = await publishScale(scale, options.dataDir);
  const rows = (name: string) => data.manifest.tables.find((t) => t.name === name)?.rows ?? 0;
  const dashboardBytes = data.manifest.tables
    .filter((t) => (DASHBOARD_TABLES as readonly string[]).includes(t.name))
    .reduce((a, t) => a + t.bytes, 0);
  console.log(
    `fct_sessions ${fmt(rows("fct_sessions"))} rows · fct_generations ${fmt(rows("fct_generations"))} rows · ` +
      `the dashboard reads ${fmt(dashboardBytes / 1e6, 1)} MB of Parquet`,
  );
  const server = await startServer(data.configFile, options.port ?? (await freePort()));
  const before = loadavg();
  const cold: LoadTimes[] = [];
  const warm: LoadTimes[] = [];
  const filterChanges: FilterChange[] = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      try {
        await context.addInitScript({ content: PROBE });
        const page = await context.newPage();
        const c = await loadPage(page, server.url);
        const w = await loadPage(page, server.url);
        await browser.startTracing(page, { categories: ["toplevel", "blink.user_timing"] });
        const changes = await filterWalk(page, data.manifest);
        const cpu = cpuPerChange(
          await browser.stopTracing(),
          changes.map((f) => f.key),
        );
        changes.forEach((f, i) =>
          Object.assign(f, cpu[i] ?? { mainMs: null, workerMs: null, criticalMs: null, criticalParts: null }),
        );
        cold.push(c);
        warm.push(w);
        filterChanges.push(...changes);
        console.log(
          `run ${run}: cold figures ${fmt(c.firstFigures)} · DuckDB ${fmt(c.duckdbReady)} · drawn ${fmt(c.allDrawn)} · live ${fmt(c.allLive)} ms | ` +
            `warm ${fmt(w.firstFigures)} · ${fmt(w.duckdbReady)} · ${fmt(w.allDrawn)} · ${fmt(w.allLive)} ms | ` +
            `filters median ${fmt(
              percentile(
                changes.map((f) => f.ms),
                50,
              ),
            )} ms (${changes.map((f) => fmt(f.ms)).join(" ")}) · load ${load()}`,
        );
      } finally {
        await context.close();
      }
    }
    if (options.profile) await profileWalk(browser, server.url, data.manifest, options.profile);
  } finally {
    server.stop();
    if (data.temporary && !options.keep) rmSync(data.dir, { recursive: true, force: true });
  }
  const after = loadavg();
  const summary: DashboardScaleResult["summary"] = {};
  for (const [label, list] of [
    ["cold", cold],
    ["warm", warm],
  ] as const) {
    summary[`${label} first figures`] = stat(list.map((l) => l.firstFigures));
    summary[`${label} DuckDB-WASM ready`] = stat(list.map((l) => l.duckdbReady));
    summary[`${label} all views drawn`] = stat(list.map((l) => l.allDrawn));
    summary[`${label} all views live`] = stat(list.map((l) => l.allLive));
  }
  summary["filter → charts updated"] = stat(filterChanges.map((f) => f.ms));
  summary["filter → charts updated (prepared)"] = stat(
    filterChanges.filter((f) => f.queries === 0).map((f) => f.ms),
  );
  summary["filter → charts updated (queried)"] = stat(
    filterChanges.filter((f) => f.queries > 0).map((f) => f.ms),
  );
  for (const kind of ["tier", "region", "model", "dates", "reset"] as const) {
    summary[`filter → charts updated (${kind})`] = stat(
      filterChanges.filter((f) => f.kind === kind).map((f) => f.ms),
    );
  }
  summary["filter: main-thread CPU"] = stat(filterChanges.map((f) => f.mainMs ?? null));
  summary["filter: worker CPU (DuckDB-WASM)"] = stat(filterChanges.map((f) => f.workerMs ?? null));
  summary["filter: CPU on the critical path"] = stat(filterChanges.map((f) => f.criticalMs ?? null));
  for (const [i, part] of ["main to the queries", "DuckDB-WASM", "main to the paint"].entries()) {
    summary[`filter: critical path, ${part}`] = stat(filterChanges.map((f) => f.criticalParts?.[i] ?? null));
  }
  summary["filter: input → first query"] = stat(filterChanges.map((f) => f.beforeQueriesMs));
  summary["filter: DuckDB-WASM queries (span)"] = stat(filterChanges.map((f) => f.querySpanMs));
  summary["filter: last result → painted"] = stat(filterChanges.map((f) => f.afterQueriesMs));
  for (const id of new Set(filterChanges.flatMap((f) => Object.keys(f.perQuery)))) {
    summary[`filter: query ${id}`] = stat(filterChanges.map((f) => f.perQuery[id] ?? null));
  }
  summary["filter: queries run"] = stat(filterChanges.map((f) => f.queries));
  return {
    scale: scale.name,
    users: scale.users,
    days: scale.days,
    sessions: rows("fct_sessions"),
    generations: rows("fct_generations"),
    publishBytes: data.manifest.tables.reduce((a, t) => a + t.bytes, 0),
    dashboardBytes,
    runs: options.runs,
    thinkMs,
    loadAverage: { before, after },
    cold,
    warm,
    filterChanges,
    summary,
  };
}

function printScale(r: DashboardScaleResult): void {
  console.log(
    `\ndashboard · ${r.scale}: ${fmt(r.sessions)} sessions, ${fmt(r.generations)} generations ` +
      `(base ${fmt(r.users)} users × ${r.days} days) · ${r.runs} runs · ${fmt(r.thinkMs)} ms between filter changes · ${fmt(r.dashboardBytes / 1e6, 1)} MB read by the page · ` +
      `load average ${r.loadAverage.before.map((l) => l.toFixed(1)).join(" ")} → ${r.loadAverage.after.map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} cores`,
  );
  console.log(`${"ms from navigation".padEnd(40)} ${"median".padStart(8)} ${"p90".padStart(8)}    n`);
  for (const [label, s] of Object.entries(r.summary)) {
    console.log(
      `${label.padEnd(40)} ${fmt(s.median).padStart(8)} ${fmt(s.p90).padStart(8)} ${String(s.n).padStart(4)}`,
    );
  }
  // Where the cold load's time goes, per table and per query (medians).
  const median = (values: (number | null)[]) => percentile(values, 50);
  const tables = new Set(r.cold.flatMap((l) => Object.keys(l.tables)));
  if (tables.size) {
    console.log("cold load, per table (median ms): download · decode · insert (queue included) · ready at");
    for (const t of tables) {
      const of = (k: "downloadMs" | "decodeMs" | "insertMs" | "at" | "bytes") =>
        median(r.cold.map((l) => l.tables[t]?.[k] ?? null));
      console.log(
        `  ${t.padEnd(28)} ${[of("downloadMs"), of("decodeMs"), of("insertMs"), of("at")].map((v) => fmt(v).padStart(6)).join(" · ")}   ${fmt((of("bytes") ?? 0) / 1e3)} kB`,
      );
    }
  }
  const queries = new Set(r.cold.flatMap((l) => Object.keys(l.queries)));
  if (queries.size) {
    console.log("cold load, per query (median ms): run (queue included) · result at");
    for (const q of queries) {
      const of = (k: "ms" | "at") => median(r.cold.map((l) => l.queries[q]?.[k] ?? null));
      console.log(`  ${q.padEnd(28)} ${fmt(of("ms")).padStart(6)} · ${fmt(of("at")).padStart(6)}`);
    }
  }
}

export async function benchDashboard(flags: DashboardFlags): Promise<DashboardScaleResult[]> {
  const bigUsers = Number(flags["dashboard-users"] ?? MILLION_SESSIONS_USERS);
  const wanted = flags["dashboard-scales"]?.split(",") ?? ["default", "1m-sessions"];
  const scales: DashboardScale[] = [
    { name: "default", users: 10_000, days: 30 },
    { name: "1m-sessions", users: bigUsers, days: 30 },
  ].filter((s) => wanted.includes(s.name));
  const runs = Number(flags["dashboard-runs"] ?? 5);
  thinkMs = Number(flags["dashboard-think-ms"] ?? 1500);
  if (!Number.isFinite(thinkMs) || thinkMs < 0) {
    throw new Error(
      `--dashboard-think-ms must be a number of milliseconds ≥ 0, not ${flags["dashboard-think-ms"]}`,
    );
  }
  const port = flags["dashboard-port"] ? Number(flags["dashboard-port"]) : null;
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: install it (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  ensureBuild();
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const results: DashboardScaleResult[] = [];
  try {
    for (const scale of scales) {
      results.push(
        await benchScale(scale, browser, {
          runs,
          port,
          ...(flags["dashboard-data"] ? { dataDir: flags["dashboard-data"] } : {}),
          ...(flags.keep ? { keep: true } : {}),
          ...(flags["dashboard-profile"]
            ? {
                profile:
                  scales.length > 1
                    ? flags["dashboard-profile"].replace(/(\.cpuprofile)?$/, `-${scale.name}.cpuprofile`)
                    : flags["dashboard-profile"],
              }
            : {}),
        }),
      );
    }
  } finally {
    await browser.close();
  }
  for (const r of results) printScale(r);
  return results;
}
