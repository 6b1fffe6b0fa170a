/**
 * Where a filter change's main-thread time goes: a CPU profile (V8's sampling profiler) and a
 * Chromium trace of the filter walk, read together. JavaScript is attributed to the package
 * (or the app's own folder) its code comes from, through the chunks' source maps when the
 * build has them (`productionBrowserSourceMaps`), to the chunk otherwise; the browser's own
 * work comes from the trace (style, layout, paint, garbage collection). Only the time between
 * a change's input and the frame that shows its result counts.
 *
 *   npm run bench -- --only dashboard --dashboard-scales default --dashboard-runs 1 \
 *     --dashboard-profile /tmp/walk.cpuprofile
 *
 * The .cpuprofile and the .trace.json beside it open in Chrome DevTools (Performance → Load profile).
 */
import { writeFileSync } from "node:fs";
import type { Page } from "playwright-core";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  id?: string;
  dur?: number;
  tdur?: number;
  args?: {
    name?: string;
    data?: {
      startTime?: number;
      cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
      timeDeltas?: number[];
    };
  };
}

// ---- source maps (enough of them to name the source of a position) ----

const B64 = new Map(
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]),
);

/** Per generated line, the segments' [column, source index] (-1: no source). */
type Lines = [number, number][][];

function decodeMappings(mappings: string): Lines {
  const lines: Lines = [];
  let source = 0;
  for (const line of mappings.split(";")) {
    const out: [number, number][] = [];
    let column = 0;
    for (const segment of line.split(",")) {
      if (!segment) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const c of segment) {
        const digit = B64.get(c) ?? 0;
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0] ?? 0;
      if (values.length >= 4) {
        source += values[1]!;
        out.push([column, source]);
      } else out.push([column, -1]);
    }
    lines.push(out);
  }
  return lines;
}

interface RawMap {
  sources?: string[];
  mappings?: string;
  sections?: { offset: { line: number; column: number }; map: RawMap }[];
}

/** A lookup from a generated position (0-based line and column) to its source file. */
function sourceLookup(raw: RawMap): (line: number, column: number) => string | null {
  if (raw.sections) {
    const sections = raw.sections.map((s) => ({ ...s.offset, find: sourceLookup(s.map) }));
    return (line, column) => {
      let hit: (typeof sections)[number] | undefined;
      for (const s of sections) {
        if (s.line < line || (s.line === line && s.column <= column)) hit = s;
        else break;
      }
      if (!hit) return null;
      return hit.find(line - hit.line, line === hit.line ? column - hit.column : column);
    };
  }
  const lines = decodeMappings(raw.mappings ?? "");
  const sources = raw.sources ?? [];
  return (line, column) => {
    const segments = lines[line];
    if (!segments) return null;
    let found = -1;
    for (const [c, s] of segments) {
      if (c <= column) found = s;
      else break;
    }
    return found >= 0 ? (sources[found] ?? null) : null;
  };
}

/** The package a source path belongs to ("recharts", "react-dom", "d3-shape"), or the app's folder. */
function owner(source: string): string {
  const nm = source.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = source.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /(?:^|\/)(app|components|lib)\/(.*)$/.exec(source.replace(/^.*\]\/|^turbopack:\/\/\/?/, ""));
  if (m) return `${m[1]}/${m[2]!.split("/")[0]}`;
  return source;
}

// ---- the walk ----

export interface ProfileBreakdown {
  /** Main-thread CPU milliseconds per change, by what spent them. */
  perChange: Record<string, number>;
  changes: number;
}

/**
 * Attributes the profile's samples inside the change windows: JavaScript to its package;
 * a native function called from JavaScript (a forced layout, a DOM call) to the package that
 * called it; the rest by the trace's event at that moment (style, layout, paint, GC).
 */
export async function breakdown(
  page: Page,
  profile: CpuProfile,
  trace: TraceEvent[],
  windows: readonly [number, number][],
): Promise<ProfileBreakdown> {
  const lookups = new Map<string, ((line: number, column: number) => string | null) | null>();
  for (const url of new Set(profile.nodes.map((n) => n.callFrame.url))) {
    if (!/\/_next\/static\/.*\.js$/.test(url)) continue;
    // The chunk names its map in its last line (Turbopack's map names differ from the chunk's).
    const raw = await page
      .evaluate(async (u) => {
        const js = await (await fetch(u)).text();
        const name = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(js)?.[1];
        if (!name) return null;
        const res = await fetch(new URL(name, u));
        return res.ok ? res.text() : null;
      }, url)
      .catch(() => null);
    lookups.set(url, raw ? sourceLookup(JSON.parse(raw) as RawMap) : null);
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const ownerCache = new Map<number, string>();
  const frameOwner = (f: CallFrame): string | null => {
    if (!f.url) return null;
    const file = f.url.replace(/^.*\/_next\/static\/chunks\//, "");
    const find = lookups.get(f.url);
    if (find === undefined) return f.url.startsWith("http") ? `other: ${file}` : `native`;
    if (find === null) return `chunk ${file}`;
    const source = find(f.lineNumber, f.columnNumber);
    return source ? owner(source) : `chunk ${file}`;
  };
  const nodeOwner = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    let out: string;
    if (name === "(garbage collector)") out = "garbage collection";
    else if (name === "(program)" || name === "(idle)" || name === "(root)") out = name;
    else {
      out = frameOwner(node.callFrame) ?? "";
      if (!out) {
        // A native function: counted with the code that called it.
        let p = parentOf.get(id);
        while (p !== undefined && !frameOwner(byId.get(p)!.callFrame)) p = parentOf.get(p);
        out = p === undefined ? `native ${name}` : `${frameOwner(byId.get(p)!.callFrame)!} (native calls)`;
      }
    }
    ownerCache.set(id, out);
    return out;
  };

  // The main thread's browser work from the trace, to name the (program) samples.
  const mainPid = trace.find((e) => e.name === "sbdk:bench:input")?.pid;
  const mainTid = trace.find(
    (e) => e.ph === "M" && e.pid === mainPid && e.args?.name === "CrRendererMain",
  )?.tid;
  const KINDS: Record<string, string> = {
    UpdateLayoutTree: "style",
    RecalculateStyles: "style",
    Layout: "layout",
    PrePaint: "paint",
    Paint: "paint",
    PaintImage: "paint",
    Layerize: "paint",
    UpdateLayer: "paint",
    Commit: "paint",
    MinorGC: "garbage collection",
    MajorGC: "garbage collection",
    "V8.GC_SCAVENGER": "garbage collection",
    HitTest: "hit test",
    ParseHTML: "parse",
  };
  const spans = trace
    .filter((e) => e.ph === "X" && e.pid === mainPid && e.tid === mainTid && e.dur)
    .map((e) => ({ from: e.ts, to: e.ts + e.dur!, kind: KINDS[e.name] ?? `browser: ${e.name}` }))
    .sort((a, b) => a.from - b.from);
  // The innermost event at that moment (the latest to start of those still running); asked
  // with ever later moments, so one sweep over the events serves every sample.
  let next = 0;
  let active: typeof spans = [];
  const kindAt = (ts: number): string => {
    while (next < spans.length && spans[next]!.from <= ts) active.push(spans[next++]!);
    active = active.filter((s) => s.to >= ts);
    return active[active.length - 1]?.kind ?? "other browser work";
  };

  const totals: Record<string, number> = {};
  let ts = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    ts += profile.timeDeltas[i] ?? 0;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (!windows.some(([from, to]) => ts >= from && ts < to)) continue;
    let who = nodeOwner(profile.samples[i]!);
    if (who === "(idle)") continue;
    if (who === "(program)" || who === "(root)") who = kindAt(ts);
    totals[who] = (totals[who] ?? 0) + dt;
  }
  // The samples count wall time (a thread waiting for a core is sampled too): their shares,
  // applied to the thread's CPU time in the windows, give CPU milliseconds.
  let cpu = 0;
  for (const e of trace) {
    if (e.ph !== "X" || e.pid !== mainPid || e.tid !== mainTid || e.name !== "ThreadControllerImpl::RunTask")
      continue;
    const end = e.ts + (e.dur ?? 0);
    for (const [from, to] of windows) {
      const overlap = Math.min(to, end) - Math.max(from, e.ts);
      if (overlap > 0) cpu += (e.tdur ?? 0) * (e.dur ? overlap / e.dur : 1);
    }
  }
  const sampled = Object.values(totals).reduce((a, v) => a + v, 0);
  const perChange: Record<string, number> = {};
  for (const [k, v] of Object.entries(totals).sort((a, b) => b[1] - a[1])) {
    perChange[k] = (v / sampled) * (cpu / 1000 / windows.length);
  }
  return { perChange, changes: windows.length };
}

/** The input → painted windows of the walk, in the trace's clock (µs). */
export function changeWindows(trace: TraceEvent[], keys: readonly string[]): [number, number][] {
  const marks = trace.filter((e) => e.name.startsWith("sbdk:bench:")).sort((a, b) => a.ts - b.ts);
  const out: [number, number][] = [];
  let i = 0;
  for (const key of keys) {
    const input = marks.findIndex((m, j) => j >= i && m.name === "sbdk:bench:input");
    const live = marks.findIndex((m, j) => j > input && m.name === `sbdk:bench:live ${key}`);
    if (input < 0 || live < 0) break;
    out.push([marks[input]!.ts, marks[live]!.ts]);
    i = live + 1;
  }
  return out;
}

export function printBreakdown(b: ProfileBreakdown, file: string, profile: CpuProfile): void {
  writeFileSync(file, JSON.stringify(profile));
  const total = Object.values(b.perChange).reduce((a, v) => a + v, 0);
  console.log(
    `\nmain-thread CPU per filter change, by what spent it (${b.changes} changes, profile in ${file}):`,
  );
  for (const [k, v] of Object.entries(b.perChange)) {
    if (v < 0.5) continue;
    console.log(
      `  ${k.padEnd(44)} ${v.toFixed(1).padStart(7)} ms  ${((100 * v) / total).toFixed(0).padStart(3)} %`,
    );
  }
  console.log(`  ${"total".padEnd(44)} ${total.toFixed(1).padStart(7)} ms`);
}

/**
 * Where the workers' time goes (DuckDB-WASM, by function), from the samples V8's profiler puts
 * in the trace ("disabled-by-default-v8.cpu_profiler"): the share of the sampled time in the
 * change windows per function, and per part of DuckDB (parser, binder, planner and optimizer,
 * execution, results).
 */
export function workerBreakdown(
  trace: TraceEvent[],
  windows: readonly [number, number][],
): { functions: [string, number][]; parts: [string, number][]; sampledMs: number } {
  const workers = new Set<number>();
  for (const e of trace) {
    if (e.ph === "M" && e.name === "thread_name" && e.args?.name?.startsWith("DedicatedWorker"))
      workers.add(e.tid);
  }
  const profiles = new Map<string, { tid: number; start: number; nodes: Map<number, ProfileNode> }>();
  for (const e of trace) {
    if (e.name === "Profile" && e.id) {
      profiles.set(`${e.pid}:${e.id}`, {
        tid: e.tid,
        start: e.args?.data?.startTime ?? e.ts,
        nodes: new Map(),
      });
    }
  }
  const byFunction = new Map<string, number>();
  let sampled = 0;
  const last = new Map<string, number>();
  for (const e of trace) {
    if (e.name !== "ProfileChunk" || !e.id) continue;
    const p = profiles.get(`${e.pid}:${e.id}`);
    const data = e.args?.data;
    if (!p || !data?.cpuProfile) continue;
    for (const n of data.cpuProfile.nodes ?? []) p.nodes.set(n.id, n);
    if (!workers.has(p.tid)) continue;
    let ts = last.get(e.id) ?? p.start;
    const samples = data.cpuProfile.samples ?? [];
    const deltas = data.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const dt = deltas[i] ?? 0;
      ts += dt;
      if (!windows.some(([from, to]) => ts >= from && ts < to)) continue;
      const name = p.nodes.get(samples[i]!)?.callFrame.functionName || "(anonymous)";
      if (name === "(idle)" || name === "(program)" || name === "(root)") continue;
      byFunction.set(name, (byFunction.get(name) ?? 0) + dt / 1000);
      sampled += dt / 1000;
    }
    last.set(e.id, ts);
  }
  const PARTS: [string, RegExp][] = [
    ["parser", /Parser|Transformer|PGParser|base_yyparse|duckdb_libpgquery/],
    ["binder", /Binder|Bind[A-Z]|ExpressionBinder|Catalog/],
    [
      "planner and optimizer",
      /Planner|Optimizer|Optimize|JoinOrder|FilterPushdown|Statistics|PhysicalPlanGenerator|Rewriter|ColumnBinding|LogicalOperator/,
    ],
    [
      "execution",
      /Physical|Executor|Pipeline|Vector|Aggregate|HashTable|Sort|Scan|Execute|Sink|Source|Operator/,
    ],
    ["results (Arrow)", /[Aa]rrow|IPC|Serializ/],
    ["memory", /malloc|free|dlmalloc|memcpy|memset|operator new|operator delete/],
  ];
  const parts = new Map<string, number>();
  for (const [name, ms] of byFunction) {
    const part = PARTS.find(([, re]) => re.test(name))?.[0] ?? "other";
    parts.set(part, (parts.get(part) ?? 0) + ms);
  }
  const perChange = (m: Map<string, number>) =>
    [...m.entries()]
      .map(([k, v]) => [k, v / Math.max(1, windows.length)] as [string, number])
      .sort((a, b) => b[1] - a[1]);
  return {
    functions: perChange(byFunction).slice(0, 25),
    parts: perChange(parts),
    sampledMs: sampled / Math.max(1, windows.length),
  };
}

export function printWorkerBreakdown(b: ReturnType<typeof workerBreakdown>): void {
  if (!b.sampledMs) {
    console.log("no worker samples in the trace");
    return;
  }
  console.log(
    `\nworkers (DuckDB-WASM) per filter change, sampled time by part (${b.sampledMs.toFixed(1)} ms sampled):`,
  );
  for (const [k, v] of b.parts)
    console.log(
      `  ${k.padEnd(44)} ${v.toFixed(1).padStart(7)} ms  ${((100 * v) / b.sampledMs).toFixed(0).padStart(3)} %`,
    );
  console.log("top functions:");
  for (const [k, v] of b.functions)
    console.log(`  ${k.slice(0, 90).padEnd(90)} ${v.toFixed(1).padStart(6)} ms`);
}
