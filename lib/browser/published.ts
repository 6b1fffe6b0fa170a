/**
 * Puts published Parquet files into DuckDB-WASM. DuckDB-WASM 1.32 has no Parquet reader of its
 * own: `read_parquet` tries to download the parquet extension and fails offline ("function
 * signature mismatch"). parquet-wasm decodes each file into an Arrow IPC stream instead (in a
 * worker, see parquet.worker.ts), which DuckDB-WASM inserts as a table with its types kept.
 * Chosen over hyparquet + apache-arrow, which took 3–10× longer to decode and build Arrow
 * for fct_sessions and fct_generations at the default scale.
 */
import type { PublishManifest } from "@/lib/shared/manifest";
import { PUBLISHED_URL } from "@/lib/shared/dashboard/constants";
import { engineFileUrl, getBrowserDb, MAIN_SCHEMA } from "./duckdb";
import type { DecodeRequest, DecodeResponse } from "./parquet.worker";

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve(r: DecodeResponse): void }>();

function decoder(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./parquet.worker.ts", import.meta.url), {
      type: "module",
      name: "parquet-decoder",
    });
    worker.onmessage = (e: MessageEvent<DecodeResponse>) => {
      pending.get(e.data.id)?.resolve(e.data);
      pending.delete(e.data.id);
    };
    worker.onerror = (e) => {
      for (const p of pending.values()) p.resolve({ id: -1, error: `parquet decoder failed: ${e.message}` });
      pending.clear();
      worker = null;
    };
  }
  return worker;
}

/** Decodes one Parquet file (in the worker) into an Arrow IPC stream. */
function decodeParquet(bytes: ArrayBuffer): Promise<{ ipc: Uint8Array; decodeMs: number }> {
  const id = ++nextId;
  const request: DecodeRequest = {
    id,
    bytes,
    wasmUrl: engineFileUrl("parquet_wasm_bg.wasm"),
  };
  return new Promise((resolve, reject) => {
    pending.set(id, {
      resolve: (r) => ("error" in r ? reject(new Error(r.error)) : resolve(r)),
    });
    decoder().postMessage(request, [bytes]);
  });
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

const loaded = new Map<string, Promise<void>>();
/** Per table, the newest publish asked for: after a new run, an older load must not win. */
const newest = new Map<string, string>();
/** Per table, the last insert: inserts of one table happen one after another. */
const inserts = new Map<string, Promise<void>>();

/**
 * Loads one published table (once per publish) into `schema` and resolves when it can be
 * queried. A new publish (another generated_at) replaces the table; a load of an older publish
 * that finishes after it is dropped. The player loads each simulated day into a schema of its own.
 */
export function loadPublishedTable(
  manifest: PublishManifest,
  name: string,
  schema: string = MAIN_SCHEMA,
): Promise<void> {
  const table = `${schema}.${name}`;
  const key = `${manifest.generated_at}/${table}`;
  if ((newest.get(table) ?? "") < manifest.generated_at) newest.set(table, manifest.generated_at);
  let p = loaded.get(key);
  if (!p) {
    const found = manifest.tables.find((t) => t.name === name);
    p = found
      ? (async () => {
          // Download and decode overlap DuckDB-WASM's compile; only the insert waits for it. The
          // dashboard's tables are aggregates of a few hundred kB, tens of milliseconds to
          // decode. (When the page read the marts, seconds of decoding at 1M sessions slowed
          // the compile 2–4× on two busy cores, so the decoding waited.)
          const files = found.parts?.map((part) => part.file) ?? [found.file];
          const decoded = await Promise.all(
            files.map(async (file) => decodeParquet(await fetchBytes(`${PUBLISHED_URL}/${file}`))),
          );
          const db = await getBrowserDb();
          const insert = (inserts.get(table) ?? Promise.resolve()).then(async () => {
            if (newest.get(table) !== manifest.generated_at) return;
            const started = performance.now();
            for (const [i, part] of decoded.entries()) {
              await db.insertArrowIPC(name, part.ipc, { append: i > 0, schema });
            }
            // Timings for the performance figures (read from the Performance API, never asserted).
            performance.mark(`sbdk:table:${name}`, {
              detail: {
                decodeMs: decoded.reduce((a, d) => a + d.decodeMs, 0),
                insertMs: performance.now() - started,
                rows: found.rows,
              },
            });
          });
          inserts.set(
            table,
            insert.catch(() => undefined),
          );
          await insert;
        })()
      : Promise.reject(new Error(`the publish has no table ${name}; run \`npm run pipeline\` again`));
    p.catch(() => loaded.delete(key));
    loaded.set(key, p);
  }
  return p;
}

export function loadPublishedTables(
  manifest: PublishManifest,
  names: readonly string[],
  schema: string = MAIN_SCHEMA,
): Promise<void> {
  return Promise.all(names.map((n) => loadPublishedTable(manifest, n, schema))).then(() => undefined);
}
