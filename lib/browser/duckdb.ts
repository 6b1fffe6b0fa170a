/**
 * The browser's DuckDB (DuckDB-WASM), the twin of lib/server/warehouse/duckdb.ts: one
 * database per page, `query(sql)` returning plain-object rows. The bundles come from our own
 * origin (public/duckdb/, copied from node_modules by scripts/copy-duckdb-wasm.mjs): the
 * dashboard must work with no network beyond it.
 */
import * as duckdb from "@duckdb/duckdb-wasm";
import { ENGINE_URL, STATIC_SITE } from "@/lib/shared/dashboard/constants";
import { plainRow, type PlainRow } from "@/lib/shared/rows";
import { engineStore } from "./engine";

/**
 * The schema tables live in and queries read from: "main" for the current publish; the player
 * keeps each simulated day's tables in a schema of its own, so scrubbing between days swaps
 * nothing and every day's results stay cached.
 */
export const MAIN_SCHEMA = "main";

export interface BrowserDb {
  /** Runs `sql` with `schema` (default main) as the schema unqualified names resolve in. */
  query<T extends object = PlainRow>(sql: string, options?: { schema?: string }): Promise<T[]>;
  /** Creates (or replaces) a table from an Arrow IPC stream; `append` adds to it instead. */
  insertArrowIPC(
    table: string,
    ipc: Uint8Array,
    options?: { append?: boolean; schema?: string },
  ): Promise<void>;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

let instance: Promise<BrowserDb> | null = null;

/** The absolute URL of an engine file. */
export function engineFileUrl(name: string): string {
  return `${window.location.origin}${ENGINE_URL}/${name}`;
}

/**
 * The static site ships the 34–39 MB modules gzipped (static hosts cap files at 25 MB): the
 * page inflates one in memory and hands DuckDB-WASM a blob URL. The app's own server sends
 * them as they are, with an ETag, so Chrome's compiled-module cache can be reused.
 */
async function moduleUrl(url: string): Promise<string> {
  if (!url.endsWith(".gz")) return url;
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
  const inflated = await new Response(res.body.pipeThrough(new DecompressionStream("gzip"))).blob();
  return URL.createObjectURL(new Blob([inflated], { type: "application/wasm" }));
}

async function open(): Promise<BrowserDb> {
  const gz = STATIC_SITE ? ".gz" : "";
  const bundle = await duckdb.selectBundle({
    mvp: {
      mainModule: engineFileUrl(`duckdb-mvp.wasm${gz}`),
      mainWorker: engineFileUrl("duckdb-browser-mvp.worker.js"),
    },
    eh: {
      mainModule: engineFileUrl(`duckdb-eh.wasm${gz}`),
      mainWorker: engineFileUrl("duckdb-browser-eh.worker.js"),
    },
  });
  const worker = new Worker(bundle.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  performance.mark("sbdk:duckdb-worker");
  await db.instantiate(await moduleUrl(bundle.mainModule), bundle.pthreadWorker);
  performance.mark("sbdk:duckdb-instantiated");
  await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  performance.mark("sbdk:duckdb-opened");
  const conn = await db.connect();
  // One connection per schema, whose default schema it is (DuckDB's USE).
  const connections = new Map<string, Promise<duckdb.AsyncDuckDBConnection>>([
    [MAIN_SCHEMA, Promise.resolve(conn)],
  ]);
  const connectionFor = (schema: string) => {
    let c = connections.get(schema);
    if (!c) {
      c = (async () => {
        await conn.query(`create schema if not exists ${quoteIdent(schema)}`);
        const own = await db.connect();
        await own.query(`use ${quoteIdent(schema)}`);
        return own;
      })();
      c.catch(() => connections.delete(schema));
      connections.set(schema, c);
    }
    return c;
  };
  // Tables inserted so far: a later publish replaces one; a first insert needs no drop.
  const created = new Set<string>();
  return {
    async query<T extends object = PlainRow>(sql: string, options?: { schema?: string }): Promise<T[]> {
      const table = await (await connectionFor(options?.schema ?? MAIN_SCHEMA)).query(sql);
      return table
        .toArray()
        .map((r) => plainRow((r as { toJSON(): Record<string, unknown> }).toJSON())) as T[];
    },
    async insertArrowIPC(
      name: string,
      ipc: Uint8Array,
      options?: { append?: boolean; schema?: string },
    ): Promise<void> {
      const schema = options?.schema ?? MAIN_SCHEMA;
      await connectionFor(schema); // the schema exists
      const key = `${schema}.${name}`;
      if (!options?.append && created.has(key)) {
        await conn.query(`drop table if exists ${quoteIdent(schema)}.${quoteIdent(name)}`);
      }
      await conn.insertArrowFromIPCStream(ipc, { name, schema, create: !options?.append });
      created.add(key);
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
