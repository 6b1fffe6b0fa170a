import "server-only";
/**
 * One writer per warehouse. DuckDB allows one writing process per file, and a pipeline run
 * hands the file from Node to dbt and back, so the DuckDB lock alone cannot say "a run is in
 * progress". A lock file beside the warehouse (`<duckdb_path>.lock`) records who holds it;
 * a lock left by a process that no longer exists (killed, crashed) is taken over.
 */
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { SbdkError } from "@/lib/shared/errors";

const lockSchema = z.object({ pid: z.number().int(), started_at: z.string(), job: z.string() });
export type LockInfo = z.infer<typeof lockSchema>;

export function lockPath(duckdbPath: string): string {
  return `${duckdbPath}.lock`;
}

/** Whether a process with this id exists (a process we may not signal still exists). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The current holder of the warehouse, or null when it is free (stale locks count as free). */
export function readLock(duckdbPath: string): LockInfo | null {
  let text: string;
  try {
    text = readFileSync(lockPath(duckdbPath), "utf8");
  } catch {
    return null;
  }
  let parsed: ReturnType<typeof lockSchema.safeParse>;
  try {
    parsed = lockSchema.safeParse(JSON.parse(text));
  } catch {
    return null;
  }
  if (!parsed.success) return null;
  return isAlive(parsed.data.pid) ? parsed.data : null;
}

export interface WarehouseLock {
  info: LockInfo;
  release(): void;
}

/** Takes the warehouse for one job, or throws conflict:pipeline naming the running job. */
export function acquireLock(
  duckdbPath: string,
  job: string,
  now: () => Date = () => new Date(),
): WarehouseLock {
  const file = lockPath(duckdbPath);
  mkdirSync(dirname(file), { recursive: true });
  const info: LockInfo = { pid: process.pid, started_at: now().toISOString(), job };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readLock(duckdbPath);
      if (holder) {
        throw new SbdkError(
          "conflict:pipeline",
          `a run is in progress (${holder.job}, started at ${holder.started_at}, pid ${holder.pid})`,
          { hint: "wait for it to finish, or stop it; only one job writes the warehouse at a time" },
        );
      }
      // The holder is gone (killed or crashed): the lock is stale.
      rmSync(file, { force: true });
      continue;
    }
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
    let released = false;
    return {
      info,
      release() {
        if (released) return;
        released = true;
        const current = (() => {
          try {
            return lockSchema.parse(JSON.parse(readFileSync(file, "utf8")));
          } catch {
            return null;
          }
        })();
        if (current && current.pid === info.pid && current.started_at === info.started_at)
          rmSync(file, { force: true });
      },
    };
  }
  throw new SbdkError("conflict:pipeline", `could not take the warehouse lock ${file}`, {
    hint: "another job took it at the same moment; try again",
  });
}

/**
 * Takes the warehouse, waiting while another job holds it (looking again every `pollMs`).
 * `onWait` is told once who holds it. For a run the server queued: the queue saw the warehouse
 * free, and a job started meanwhile (in a terminal) is waited for, as the queue would have.
 */
export async function waitForLock(
  duckdbPath: string,
  job: string,
  options: { pollMs?: number; onWait?: (holder: LockInfo) => void } = {},
): Promise<WarehouseLock> {
  let told = false;
  for (;;) {
    try {
      return acquireLock(duckdbPath, job);
    } catch (err) {
      if (!(err instanceof SbdkError && err.kind === "conflict")) throw err;
      const holder = readLock(duckdbPath);
      if (holder && !told) {
        told = true;
        options.onWait?.(holder);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
  }
}
