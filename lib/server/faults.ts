import "server-only";
/**
 * Named points where a job can be stopped on purpose, so the fault tests can kill it with
 * SIGKILL at an exact moment (inside a load transaction, just before a publish is swapped in)
 * rather than after a guessed delay. `SBDK_HALT_AT=<point>[:<n>]` makes the process stop the
 * n-th time (default the first) it reaches the point: it says so on stderr and waits to be
 * killed. Unset, as in every normal run, a halt point does nothing.
 */

/** `backfill`: a batch of a backfill's apply is built, its log record not yet rewritten. */
export const HALT_POINTS = ["generate", "load", "publish", "backfill"] as const;
export type HaltPoint = (typeof HALT_POINTS)[number];

/** What the process prints on stderr when it halts, for the test that waits for it. */
export const HALT_MESSAGE = "sbdk: halted at";

const arrivals = new Map<HaltPoint, number>();

export async function haltPoint(point: HaltPoint, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const spec = env.SBDK_HALT_AT;
  if (!spec) return;
  const [name, nth = "1"] = spec.split(":");
  if (name !== point) return;
  const count = (arrivals.get(point) ?? 0) + 1;
  arrivals.set(point, count);
  if (count !== Number(nth)) return;
  process.stderr.write(`${HALT_MESSAGE} ${point}:${count} (SBDK_HALT_AT), waiting to be killed\n`);
  // A timer keeps the event loop, and with it the process and its open files, alive.
  await new Promise<never>(() => setInterval(() => {}, 60_000));
}
