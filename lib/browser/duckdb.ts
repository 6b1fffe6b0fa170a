/**
 * The browser's DuckDB (DuckDB-WASM), the twin of lib/server/warehouse/duckdb.ts: one
 * database per page, `query(sql)` returning plain-object rows. The bundles come from our own
 * origin (public/duckdb/, copied from node_modules by scripts/copy-duckdb-wasm.mjs): the
 * dashboard must work with no network beyond it.
 */
import * as duckdb from "@duckdb/duckdb-wasm";
import { plainRow, type PlainRow } from "@/lib/shared/rows";
import { engineStore } from "./engine";

/** Served by app/engine/[file]/route.ts from public/duckdb/. */
export const DUCKDB_ASSETS = "/engine";

export interface BrowserDb {
  query<T extends object = PlainRow>(sql: string): Promise<T[]>;
  /** Creates (or replaces) a table from an Arrow IPC stream. */
  insertArrowIPC(table: string, ipc: Uint8Array): Promise<void>;
}

let instance: Promise<BrowserDb> | null = null;

async function open(): Promise<BrowserDb> {
  const origin = window.location.origin;
  const bundle = await duckdb.selectBundle({
    mvp: {
      mainModule: `${origin}${DUCKDB_ASSETS}/duckdb-mvp.wasm`,
      mainWorker: `${origin}${DUCKDB_ASSETS}/duckdb-browser-mvp.worker.js`,
    },
    eh: {
      mainModule: `${origin}${DUCKDB_ASSETS}/duckdb-eh.wasm`,
      mainWorker: `${origin}${DUCKDB_ASSETS}/duckdb-browser-eh.worker.js`,
    },
  });
  const worker = new Worker(bundle.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  performance.mark("sbdk:duckdb-worker");
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  performance.mark("sbdk:duckdb-instantiated");
  await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  performance.mark("sbdk:duckdb-opened");
  const conn = await db.connect();
  return {
    async query<T extends object = PlainRow>(sql: string): Promise<T[]> {
      const table = await conn.query(sql);
      return table
        .toArray()
        .map((r) => plainRow((r as { toJSON(): Record<string, unknown> }).toJSON())) as T[];
    },
    async insertArrowIPC(name: string, ipc: Uint8Array): Promise<void> {
      await conn.query(`drop table if exists "${name.replace(/"/g, '""')}"`);
      await conn.insertArrowFromIPCStream(ipc, { name, create: true });
    },
  };
}

/** The page's DuckDB-WASM, instantiated on first use (about 2 s to compile the module). */
export function getBrowserDb(): Promise<BrowserDb> {
  if (!instance) {
    const started = performance.now();
    engineStore.setState({ engine: { status: "loading", previous: null }, startedAt: started });
    instance = open();
    instance.then(
      () => {
        performance.mark("sbdk:duckdb-ready");
        engineStore.setState({
          engine: {
            status: "ready",
            data: { version: duckdb.PACKAGE_VERSION },
            source: "live",
            millis: Math.round(performance.now() - started),
          },
        });
      },
      (err: unknown) => {
        instance = null;
        engineStore.setState({
          engine: { status: "error", error: err instanceof Error ? err.message : String(err) },
        });
      },
    );
  }
  return instance;
}
