/**
 * Runs the dashboard's queries on DuckDB-WASM in batches. The queries a filter change asks for
 * go to DuckDB-WASM together and their results are handed back together, in one task, so React
 * draws every chart once, in one frame, instead of once per result as each arrives. Results are
 * kept by SQL, so filters seen before answer at once.
 *
 * While nothing is asked for, it prepares the results of what may be asked next (`prefetch`,
 * the filters one click away): one statement at a time, so a real change waits for at most the
 * one statement under way, and the next click is answered from what is kept.
 */
import type { PlainRow } from "@/lib/shared/rows";
import { getBrowserDb } from "./duckdb";

/**
 * Results kept; each is a few dozen rows at most (a few MB in all). Room for the filters one
 * click away from about twenty states (each about 17 states of 6 statements), so that the way
 * back to filters seen a while ago is still kept too.
 */
const CACHE_SIZE = 2500;

const cache = new Map<string, PlainRow[]>();
/** Prefetched statements under way, by key: a change that asks for one waits for it. */
const prefetching = new Map<string, Promise<PlainRow[]>>();
/** Statements to prefetch, first first; replaced by every call of prefetch(). */
let speculative: { key: string; sql: string; schema: string | undefined }[] = [];
let speculating = false;
let queue: {
  key: string;
  sql: string;
  schema: string | undefined;
  label: string;
  resolve(rows: PlainRow[]): void;
  reject(e: unknown): void;
}[] = [];
let flushing = false;

/** The kept result of `sql` in `scope` (the publish), or undefined. */
export function cachedRows(scope: string, sql: string): PlainRow[] | undefined {
  const key = `${scope}\n${sql}`;
  const rows = cache.get(key);
  if (rows) {
    // Most recently used last, so the oldest go first.
    cache.delete(key);
    cache.set(key, rows);
  }
  return rows;
}

function keep(key: string, rows: PlainRow[]): void {
  cache.set(key, rows);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

async function flush(): Promise<void> {
  flushing = true;
  try {
    const db = await getBrowserDb();
    while (queue.length) {
      const batch = queue;
      queue = [];
      // All sent at once: DuckDB-WASM's worker runs them back to back, without a round trip
      // to this thread between them (each costs a wait for a time slice on a busy machine).
      const sent = new Map<string, Promise<PlainRow[]>>();
      // Views that read the same statement (the friction charts, the headline figures and the
      // tier summary) share one run of it.
      const labels = new Map<string, string[]>();
      for (const item of batch) labels.set(item.key, [...(labels.get(item.key) ?? []), item.label]);
      for (const item of batch) {
        if (sent.has(item.key)) continue;
        const kept = cache.get(item.key);
        if (kept) {
          sent.set(item.key, Promise.resolve(kept));
          continue;
        }
        const underWay = prefetching.get(item.key);
        if (underWay) {
          sent.set(item.key, underWay);
          continue;
        }
        const started = performance.now();
        sent.set(
          item.key,
          db.query(item.sql, item.schema ? { schema: item.schema } : undefined).then((rows) => {
            // Timings for the performance figures (read from the Performance API, never asserted).
            performance.mark(`sbdk:query:${labels.get(item.key)!.join("+")}`, {
              detail: { millis: performance.now() - started },
            });
            keep(item.key, rows);
            return rows;
          }),
        );
      }
      const keys = [...sent.keys()];
      const settled = await Promise.allSettled(sent.values());
      const results = new Map(keys.map((key, i) => [key, settled[i]!]));
      // Handed back together, in this one task, so React renders every chart in one go.
      for (const item of batch) {
        const r = results.get(item.key)!;
        if (r.status === "fulfilled") item.resolve(r.value);
        else item.reject(r.reason);
      }
    }
  } catch (err) {
    for (const item of queue.splice(0)) item.reject(err);
  } finally {
    flushing = false;
    schedulePrefetch();
  }
}

function schedulePrefetch(): void {
  if (speculating || flushing || queue.length || !speculative.length) return;
  speculating = true;
  // A task of its own, after whatever the page does with the results it was just handed.
  setTimeout(() => void runPrefetch(), 0);
}

function hidden(): boolean {
  return typeof document !== "undefined" && document.visibilityState === "hidden";
}

async function runPrefetch(): Promise<void> {
  try {
    const db = await getBrowserDb();
    while (speculative.length && !flushing && !queue.length) {
      if (hidden()) {
        // A page nobody looks at prepares nothing; it goes on when it is shown again.
        document.addEventListener("visibilitychange", schedulePrefetch, { once: true });
        return;
      }
      const item = speculative.shift()!;
      if (cache.has(item.key) || prefetching.has(item.key)) continue;
      const started = performance.now();
      const rows = db.query(item.sql, item.schema ? { schema: item.schema } : undefined);
      prefetching.set(item.key, rows);
      try {
        keep(item.key, await rows);
        performance.mark("sbdk:prefetch", { detail: { millis: performance.now() - started } });
      } catch {
        // Not kept: if the filters are ever chosen, the statement runs again and says what failed.
      } finally {
        prefetching.delete(item.key);
      }
      // Between two statements, the page handles what the user did meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (!speculative.length) performance.mark("sbdk:prefetch-done");
    }
  } catch {
    // No engine: nothing to prepare; the views say why.
    speculative = [];
  } finally {
    speculating = false;
  }
  if (!hidden()) schedulePrefetch();
}

/**
 * Prepares the results of statements the page may ask for next, in this order, while it asks
 * for nothing; each replaces the statements of the previous call that were not run yet.
 */
export function prefetch(scope: string, statements: readonly { sql: string; schema?: string }[]): void {
  speculative = statements
    .map((s) => ({ key: `${scope}\n${s.sql}`, sql: s.sql, schema: s.schema }))
    .filter((s) => !cache.has(s.key));
  schedulePrefetch();
}

/**
 * Runs `sql` with the queries asked for in the same moment and resolves with them. `label`
 * names the query in the performance marks; `schema` is where its tables are (default main).
 */
export function runQuery(scope: string, sql: string, label: string, schema?: string): Promise<PlainRow[]> {
  return new Promise((resolve, reject) => {
    queue.push({ key: `${scope}\n${sql}`, sql, schema, label, resolve, reject });
    // Every view asks in the same task (a filter change notifies them one after another), so
    // a microtask gathers them all and sends them before React renders the filter bar: DuckDB-WASM
    // runs them meanwhile. A running flush picks up what comes later when it is done.
    if (!flushing) {
      flushing = true;
      queueMicrotask(() => void flush());
    }
  });
}
