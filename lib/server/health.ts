import "server-only";
/**
 * GET /api/health: whether the service can do its job, from what is on disk and in the queue,
 * cheaply enough to be polled. Nothing here opens the warehouse (a run may hold it) or starts
 * a process per request: the Python side's versions are looked up once and kept.
 */
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import type { Config } from "@/lib/shared/config";
import { isSbdkError } from "@/lib/shared/errors";
import type { Health } from "@/lib/shared/health";
import type { PublishManifest } from "@/lib/shared/manifest";
import type { RunRecord } from "@/lib/shared/runs";
import { loadConfig } from "./config";
import { locateDbt, locatePython } from "./dbt/locate";
import { nodeDuckdbVersion } from "./doctor";
import { readLock, type LockInfo } from "./lock";
import { PACKAGE_ROOT } from "./paths";
import { readPublishedManifest } from "./publish";
import { getRunQueue, type RunQueue } from "./runs/queue";
import { RunStore } from "./runs/store";
import { webhookSettings } from "./webhooks/github";

export interface PythonVersions {
  duckdb: string | null;
  dbt_core: string | null;
  dbt_duckdb: string | null;
  /** Why they could not be read (no dbt found, Python failed). */
  error: string | null;
}

export interface HealthEffects {
  loadConfig(): Config;
  queue: Pick<RunQueue, "length" | "activeRun" | "queuedRuns">;
  store(config: Config): Pick<RunStore, "list">;
  readLock(duckdbPath: string): LockInfo | null;
  readPublishedManifest(publishPath: string): Promise<PublishManifest | null>;
  pythonVersions(): Promise<PythonVersions>;
  now(): Date;
  env: Record<string, string | undefined>;
}

const VERSIONS_SCRIPT = `
import importlib.metadata as m, json
def v(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
print(json.dumps({"duckdb": v("duckdb"), "dbt_core": v("dbt-core"), "dbt_duckdb": v("dbt-duckdb")}))
`;

/** Reads the versions of duckdb, dbt-core and dbt-duckdb in the Python that runs dbt. */
export function lookUpPythonVersions(rootDir: string = PACKAGE_ROOT): Promise<PythonVersions> {
  const none = (error: string): PythonVersions => ({ duckdb: null, dbt_core: null, dbt_duckdb: null, error });
  let python: string;
  try {
    python = locatePython(locateDbt({ rootDir }));
  } catch (err) {
    return Promise.resolve(none(isSbdkError(err) ? err.message : String(err)));
  }
  return new Promise((resolve) => {
    execFile(python, ["-c", VERSIONS_SCRIPT], { timeout: 20_000, encoding: "utf8" }, (err, stdout) => {
      if (err) return resolve(none(`${python} failed: ${err.message.split("\n")[0]}`));
      try {
        const parsed = JSON.parse(stdout) as Omit<PythonVersions, "error">;
        resolve({ ...parsed, error: null });
      } catch {
        resolve(none(`${python} printed no versions`));
      }
    });
  });
}

/**
 * The versions, looked up once per process and kept: for ten minutes (so `npm run setup` shows
 * up without a restart), a failed lookup for one.
 */
export function cachedLookup(
  lookUp: () => Promise<PythonVersions>,
  clock: () => number = Date.now,
): () => Promise<PythonVersions> {
  let cached: { at: number; value: Promise<PythonVersions>; failed: boolean } | null = null;
  return () => {
    const now = clock();
    const ttl = cached?.failed ? 60_000 : 600_000;
    if (!cached || now - cached.at > ttl) {
      const entry = { at: now, value: lookUp(), failed: false };
      void entry.value.then((v) => (entry.failed = v.error !== null));
      cached = entry;
    }
    return cached.value;
  };
}

const GLOBAL_KEY = Symbol.for("sbdk.pythonVersions");

/** The server's cached lookup (on globalThis, so a dev-server reload keeps it). */
export function pythonVersions(): Promise<PythonVersions> {
  const holder = globalThis as { [GLOBAL_KEY]?: () => Promise<PythonVersions> };
  holder[GLOBAL_KEY] ??= cachedLookup(() => lookUpPythonVersions());
  return holder[GLOBAL_KEY]();
}

export function defaultHealthEffects(): HealthEffects {
  return {
    loadConfig: () => loadConfig(),
    queue: getRunQueue(),
    store: (config) => RunStore.forConfig(config),
    readLock,
    readPublishedManifest,
    pythonVersions,
    now: () => new Date(),
    env: process.env,
  };
}

function fileInfo(path: string): { bytes: number; modified_at: string } | null {
  try {
    const s = statSync(path);
    return s.isFile() ? { bytes: s.size, modified_at: s.mtime.toISOString() } : null;
  } catch {
    return null;
  }
}

function lastRunOf(run: RunRecord | undefined): Health["last_run"] {
  if (!run) return null;
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    trigger: run.trigger,
    created: run.created,
    finished: run.finished,
    error: run.error?.message ?? null,
  };
}

export async function readHealth(effects: HealthEffects = defaultHealthEffects()): Promise<Health> {
  const now = effects.now();
  const reasons: string[] = [];
  const versionsPromise = effects.pythonVersions();

  let config: Config | null = null;
  try {
    config = effects.loadConfig();
  } catch (err) {
    reasons.push(
      `the config is invalid: ${isSbdkError(err) ? [err.message, ...err.details].join("; ") : String(err)}`,
    );
  }

  let warehouse: Health["warehouse"] = { exists: false, bytes: null, modified_at: null, locked_by: null };
  let publish: Health["publish"] = {
    exists: false,
    generated_at: null,
    age_seconds: null,
    tables: 0,
    date_range: null,
    tests_failed: null,
  };
  let lastRun: Health["last_run"] = null;
  if (config) {
    const file = fileInfo(config.duckdb_path);
    const lock = effects.readLock(config.duckdb_path);
    warehouse = {
      exists: file !== null,
      bytes: file?.bytes ?? null,
      modified_at: file?.modified_at ?? null,
      locked_by: lock ? { job: lock.job, pid: lock.pid, started_at: lock.started_at } : null,
    };
    if (!file) reasons.push("no warehouse yet: run the pipeline (`npm run pipeline` or POST /api/runs)");

    try {
      const manifest = await effects.readPublishedManifest(config.publish_path);
      if (manifest) {
        publish = {
          exists: true,
          generated_at: manifest.generated_at,
          age_seconds: Math.max(0, (now.getTime() - Date.parse(manifest.generated_at)) / 1000),
          tables: manifest.tables.length,
          date_range: manifest.date_range,
          tests_failed: manifest.dbt.tests.failed,
        };
      } else {
        reasons.push("nothing is published yet: the dashboard has no data until a run succeeds");
      }
    } catch (err) {
      reasons.push(
        `the published manifest.json cannot be read: ${isSbdkError(err) ? err.message : "bad JSON"}`,
      );
    }

    try {
      // Not limit 1: ids sort by the second they were made in, and runs made in the same
      // second (a burst of requests) by their random ends; the list orders what it read by time.
      lastRun = lastRunOf(effects.store(config).list({ limit: 20 })[0]);
    } catch {
      lastRun = null;
    }
    if (lastRun && (lastRun.status === "failed" || lastRun.status === "interrupted")) {
      reasons.push(
        `the last run (${lastRun.id}) ${lastRun.status === "failed" ? "failed" : "was interrupted"}${lastRun.error ? `: ${lastRun.error}` : ""}; the last publish is still served`,
      );
    }
  }

  const python = await versionsPromise;
  let duckdbNode = "unknown";
  try {
    duckdbNode = nodeDuckdbVersion();
  } catch (err) {
    reasons.push(
      `the server's DuckDB version cannot be read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (python.error) reasons.push(`dbt cannot be found or run: ${python.error}; run \`npm run setup\``);
  else if (python.duckdb !== duckdbNode) {
    reasons.push(
      `DuckDB ${duckdbNode} (Node) and ${python.duckdb ?? "none"} (Python, dbt's) differ: one side cannot open the other's file; run \`npm run setup\``,
    );
  }

  const webhook = webhookSettings(effects.env);
  const active = effects.queue.activeRun;
  return {
    status: reasons.length ? "degraded" : "ok",
    reasons,
    checked_at: now.toISOString(),
    warehouse,
    publish,
    last_run: lastRun,
    queue: {
      length: effects.queue.length,
      active_run_id: active?.id ?? null,
      queued: effects.queue.queuedRuns.length,
    },
    versions: {
      node: process.versions.node,
      duckdb_node: duckdbNode,
      duckdb_python: python.duckdb,
      dbt_core: python.dbt_core,
      dbt_duckdb: python.dbt_duckdb,
    },
    webhook: { enabled: webhook !== null, branch: webhook?.branch ?? null },
  };
}
