import "server-only";
/**
 * `sbdk export` (npm run export): a static copy of the dashboard and quality pages with the
 * Parquet they read, for any static file server, under any base path. No run button, no API:
 * the pages are rendered once from the current publish (site/, built with `next build site`)
 * and query the Parquet in the browser like the app does. When the publish folder holds a
 * simulation (simulation.json), its per-day snapshots go along and the site gets a read-only
 * replay page.
 *
 * Static hosts cap a file's size (25 MiB is common), so every file is kept under
 * MAX_FILE_BYTES: a Parquet file over the limit is split into parts listed in the exported
 * manifest, and the DuckDB-WASM modules (34–39 MB) are gzipped. The site is assembled in a
 * temporary folder next to the destination and renamed into place: a failed export leaves
 * the previous one as it was.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Config } from "@/lib/shared/config";
import { DASHBOARD_TABLES } from "@/lib/shared/dashboard/constants";
import { SbdkError } from "@/lib/shared/errors";
import {
  MANIFEST_FILE,
  manifestSchema,
  type PublishedTable,
  type PublishManifest,
} from "@/lib/shared/manifest";
import { SIMULATION_DIR, SIMULATION_MANIFEST_FILE, type SimulationManifest } from "@/lib/shared/simulation";
import { ENGINE_FILES } from "./dashboard/engine-files";
import { PACKAGE_ROOT } from "./paths";
import { readPublishedManifest } from "./publish";
import { readDayManifest } from "./simulation/player";
import { readSimulationManifest } from "./simulation/snapshot";
import { openWarehouse } from "./warehouse/duckdb";

/** The largest file the export writes (Cloudflare Pages and others refuse bigger ones). */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;
/** The size a Parquet part aims at: well under the limit, since rows compress unevenly. */
const PART_TARGET_BYTES = 16 * 1024 * 1024;
/** Marks a folder as an export, so a later export may replace it (and nothing else). */
const MARKER_FILE = ".sbdk-export.json";

export interface ExportOptions {
  /** Destination folder (replaced as a whole). */
  out: string;
  /** The path the site will be served under: "" or "/" for the root, "/team/sbdk" for a sub-path. */
  basePath: string;
  /** Environment of the build (the config's SBDK_* variables); default process.env. */
  env?: Record<string, string | undefined>;
  onStep?: (message: string) => void;
  /** Lines of `next build`. */
  onBuildOutput?: (line: string) => void;
}

export interface ExportedFile {
  path: string;
  bytes: number;
}

export interface ExportResult {
  out: string;
  basePath: string;
  manifest: PublishManifest;
  /** The simulation the replay page shows, or null when the publish holds none. */
  simulation: { id: string; days: number; bytes: number } | null;
  files: ExportedFile[];
  totalBytes: number;
  largest: ExportedFile;
  seconds: number;
}

/** "", "/", "/demo/", "demo" → "", "", "/demo", error: a base path is "" or /segment[/segment…]. */
export function normalizeBasePath(input: string): string {
  const trimmed = input.trim();
  if (trimmed === "" || trimmed === "/") return "";
  const path = trimmed.replace(/\/+$/, "");
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path) || path.split("/").some((s) => s === "." || s === "..")) {
    throw new SbdkError(
      "invalid:export",
      `--base-path "${input}" is not a URL path: expected "/" or /segment[/segment…] with letters, digits, . _ ~ -`,
      { hint: "for a site served at https://example.org/team/sbdk/ pass --base-path /team/sbdk" },
    );
  }
  return path;
}

/** The tables the static pages read: the dashboard's, the metric tables and the test results. */
export function exportedTables(manifest: PublishManifest): PublishedTable[] {
  const wanted = new Set<string>(DASHBOARD_TABLES);
  return manifest.tables.filter((t) => wanted.has(t.name) || t.layer === "metrics" || t.layer === "quality");
}

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** Refuses a destination that holds anything but an earlier export (or is where we read from). */
async function checkDestination(out: string, config: Config): Promise<void> {
  const inside = (child: string, parent: string) => {
    const r = relative(parent, child);
    return r === "" || (!r.startsWith("..") && !r.startsWith(sep) && r !== "..");
  };
  for (const [what, path] of [
    ["the project folder", PACKAGE_ROOT],
    ["the publish folder", config.publish_path],
    ["the warehouse's folder", dirname(config.duckdb_path)],
  ] as const) {
    if (inside(path, out)) {
      throw new SbdkError(
        "invalid:export",
        `--out ${out} contains ${what} (${path}); the export replaces its --out folder`,
        {
          hint: "export into a folder of its own, e.g. --out out/site",
        },
      );
    }
  }
  const entries = await readdir(out).catch(() => null);
  if (entries && entries.length > 0 && !entries.includes(MARKER_FILE)) {
    throw new SbdkError("invalid:export", `--out ${out} is not empty and is not an earlier export`, {
      hint: "choose an empty or new folder: the export replaces the whole folder",
    });
  }
}

/**
 * Copies a simulation's replay into the staged publish: simulation.json, and for every day its
 * snapshot's files and its manifest (a table over the size limit split as the publish's are).
 * Returns null, and copies nothing, when the publish holds no simulation or a day's snapshot is
 * incomplete (the export goes on without the replay, and says why).
 */
export async function stageSimulation(
  publishPath: string,
  stageDir: string,
  step: (message: string) => void = () => {},
): Promise<{ manifest: SimulationManifest; bytes: number } | null> {
  const simulation = await readSimulationManifest(publishPath);
  if (!simulation || simulation.days.length === 0) return null;
  let bytes = 0;
  try {
    for (const day of simulation.days) {
      const dayManifest = await readDayManifest(publishPath, day);
      if (!dayManifest || !day.manifest) {
        throw new Error(`day ${day.day} has no dashboard snapshot (simulated before snapshots carried one)`);
      }
      const tables: PublishedTable[] = [];
      for (const table of dayManifest.tables) {
        const copy = await stageTable(table, publishPath, stageDir);
        tables.push(copy);
        bytes += table.bytes;
      }
      const inManifest = new Set(tables.map((t) => t.file));
      for (const file of day.files) {
        if (inManifest.has(file.file)) continue;
        const target = join(stageDir, file.file);
        await mkdir(dirname(target), { recursive: true });
        await cp(join(publishPath, file.file), target);
        bytes += file.bytes;
      }
      const target = join(stageDir, day.manifest);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(
        target,
        JSON.stringify(manifestSchema.parse({ ...dayManifest, tables }), null, 2) + "\n",
      );
    }
  } catch (err) {
    await rm(join(stageDir, SIMULATION_DIR), { recursive: true, force: true });
    step(
      `the simulation ${simulation.simulation_id} is left out (${err instanceof Error ? err.message : String(err)}); run \`sbdk simulate\` again to export its replay`,
    );
    return null;
  }
  await writeFile(join(stageDir, SIMULATION_MANIFEST_FILE), JSON.stringify(simulation, null, 2) + "\n");
  return { manifest: simulation, bytes };
}

/**
 * Copies one table's Parquet into the staged publish, split into parts of about `partBytes`
 * (in row order) when it is bigger. A table published in parts (one per day) keeps them.
 */
export async function stageTable(
  table: PublishedTable,
  publishPath: string,
  stageDir: string,
  partBytes = PART_TARGET_BYTES,
): Promise<PublishedTable> {
  if (table.parts) {
    for (const part of table.parts) {
      await mkdir(dirname(join(stageDir, part.file)), { recursive: true });
      await cp(join(publishPath, part.file), join(stageDir, part.file));
    }
    return table;
  }
  const source = join(publishPath, table.file);
  const target = join(stageDir, table.file);
  await mkdir(dirname(target), { recursive: true });
  if (table.bytes <= partBytes) {
    await cp(source, target);
    return table;
  }
  const count = Math.ceil(table.bytes / partBytes);
  const rowsPerPart = Math.ceil(table.rows / count);
  const db = await openWarehouse(":memory:", { threads: 2 });
  try {
    const parts: NonNullable<PublishedTable["parts"]> = [];
    for (let i = 0; i < count; i += 1) {
      const file = table.file.replace(/\.parquet$/, `.part-${String(i + 1).padStart(3, "0")}.parquet`);
      const path = join(stageDir, file);
      const quoted = (p: string) => `'${p.replace(/'/g, "''")}'`;
      await db.run(
        `copy (select * from read_parquet(${quoted(source)}) limit ${rowsPerPart} offset ${i * rowsPerPart})
         to ${quoted(path)} (format parquet, compression zstd)`,
      );
      const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
        `select count(*)::bigint as n from read_parquet(${quoted(path)})`,
      );
      const { size } = await stat(path);
      parts.push({ file, rows: Number(n), bytes: size, sha256: await sha256(path) });
    }
    const rows = parts.reduce((a, p) => a + p.rows, 0);
    if (rows !== table.rows) {
      throw new SbdkError(
        "failed:export",
        `splitting ${table.name}: ${rows} rows in the parts, ${table.rows} in the table`,
      );
    }
    return { ...table, parts };
  } finally {
    await db.close();
  }
}

async function gzipFile(from: string, to: string): Promise<void> {
  await pipeline(createReadStream(from), createGzip({ level: 9 }), createWriteStream(to));
}

/** The engine bundles: the worker scripts and parquet-wasm as they are, the DuckDB modules gzipped. */
async function stageEngine(engineDir: string): Promise<void> {
  await mkdir(engineDir, { recursive: true });
  for (const name of Object.keys(ENGINE_FILES)) {
    const source = join(PACKAGE_ROOT, "public", "duckdb", name);
    if (!existsSync(source)) {
      throw new SbdkError("missing:export", `public/duckdb/${name} is missing`, {
        hint: "run `node scripts/copy-duckdb-wasm.mjs` (npm install and npm run build do it)",
      });
    }
    if (/^duckdb-(eh|mvp)\.wasm$/.test(name)) await gzipFile(source, join(engineDir, `${name}.gz`));
    else await cp(source, join(engineDir, name));
  }
}

function runNextBuild(
  env: Record<string, string | undefined>,
  onLine: (line: string) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const nextBin = join(PACKAGE_ROOT, "node_modules", "next", "dist", "bin", "next");
    const child = spawn(process.execPath, [nextBin, "build", "site"], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tail: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of String(chunk).split("\n")) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new SbdkError("failed:export", `next build of the static site exited ${code}`, {
            details: tail.slice(-20),
            hint: "the lines above are the end of next build's output",
          }),
        );
    });
  });
}

async function listFiles(dir: string, prefix = ""): Promise<ExportedFile[]> {
  const out: ExportedFile[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path, rel)));
    else out.push({ path: rel, bytes: (await stat(path)).size });
  }
  return out;
}

export async function exportSite(config: Config, options: ExportOptions): Promise<ExportResult> {
  const started = performance.now();
  const step = options.onStep ?? (() => {});
  const basePath = normalizeBasePath(options.basePath);
  const out = resolve(options.out);
  await checkDestination(out, config);

  const manifest = await readPublishedManifest(config.publish_path);
  if (!manifest) {
    throw new SbdkError("missing:export", `nothing is published in ${config.publish_path}`, {
      hint: "run the pipeline first (npm run pipeline), then export",
    });
  }

  await mkdir(dirname(out), { recursive: true });
  const staging = join(dirname(out), `.${basename(out)}.export-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    // 1. The publish the pages read, pinned: a pipeline run may swap the live one meanwhile.
    step(`publish of ${manifest.generated_at} (seed ${manifest.seed})`);
    const publishDir = join(staging, "published");
    const tables: PublishedTable[] = [];
    for (const table of exportedTables(manifest)) {
      tables.push(await stageTable(table, config.publish_path, publishDir));
    }
    const exported = manifestSchema.parse({ ...manifest, tables });
    await writeFile(join(publishDir, MANIFEST_FILE), JSON.stringify(exported, null, 2) + "\n");
    // The simulation's days, for the replay page.
    const simulation = await stageSimulation(config.publish_path, publishDir, step);
    if (simulation) {
      step(
        `replay of ${simulation.manifest.simulation_id}: ${simulation.manifest.days.length} day(s), ${(simulation.bytes / 1e6).toFixed(1)} MB of snapshots`,
      );
    }

    // 2. The pages, rendered from that publish.
    step(`building the pages (next build site, base path "${basePath || "/"}") …`);
    await runNextBuild(
      { ...(options.env ?? process.env), SBDK_BASE_PATH: basePath, SBDK_PUBLISH_PATH: publishDir },
      options.onBuildOutput ?? (() => {}),
    );
    await cp(join(PACKAGE_ROOT, "site", "out"), staging, { recursive: true });

    // 3. The engine.
    step("DuckDB-WASM and parquet-wasm bundles (DuckDB modules gzipped) …");
    await stageEngine(join(staging, "engine"));

    const files = (await listFiles(staging)).sort((a, b) => b.bytes - a.bytes);
    const tooBig = files.filter((f) => f.bytes > MAX_FILE_BYTES);
    if (tooBig.length) {
      throw new SbdkError(
        "failed:export",
        `${tooBig.length} file(s) over ${MAX_FILE_BYTES / 1024 / 1024} MiB: ${tooBig.map((f) => f.path).join(", ")}`,
      );
    }
    await writeFile(
      join(staging, MARKER_FILE),
      JSON.stringify({
        exported_at: new Date().toISOString(),
        base_path: basePath,
        publish: manifest.generated_at,
      }) + "\n",
    );

    // 4. Into place: the old export goes only once the new one is whole.
    const old = `${staging}.old`;
    if (existsSync(out)) await rename(out, old);
    await rename(staging, out);
    await rm(old, { recursive: true, force: true });
    return {
      out,
      basePath,
      manifest: exported,
      simulation: simulation
        ? {
            id: simulation.manifest.simulation_id,
            days: simulation.manifest.days.length,
            bytes: simulation.bytes,
          }
        : null,
      files,
      totalBytes: files.reduce((a, f) => a + f.bytes, 0),
      largest: files[0]!,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
