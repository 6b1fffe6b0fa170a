import "server-only";
/**
 * Serves the DuckDB-WASM and parquet-wasm bundles that scripts/copy-duckdb-wasm.mjs copies
 * into public/duckdb/. Next serves public/ itself, but gzips a 34 MB module on every request
 * (1.4 s of the server's CPU, on the same machine as the browser) and sends max-age=0 without
 * a validator Chrome's wasm code cache can use; this route sends it as is with an ETag, so a
 * second visit revalidates with a 304 and reuses the compiled module.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { PACKAGE_ROOT } from "@/lib/server/paths";
import { SbdkError } from "@/lib/shared/errors";

export const ENGINE_FILES: Record<string, string> = {
  "duckdb-eh.wasm": "application/wasm",
  "duckdb-mvp.wasm": "application/wasm",
  "duckdb-browser-eh.worker.js": "text/javascript; charset=utf-8",
  "duckdb-browser-mvp.worker.js": "text/javascript; charset=utf-8",
  "parquet_wasm_bg.wasm": "application/wasm",
};

export interface EngineFile {
  status: 200 | 304;
  body: ReadableStream<Uint8Array> | null;
  headers: Record<string, string>;
}

export async function openEngineFile(name: string, ifNoneMatch: string | null): Promise<EngineFile> {
  const type = ENGINE_FILES[name];
  if (!type) throw new SbdkError("not_found:setup", `no engine file ${name}`);
  const file = join(PACKAGE_ROOT, "public", "duckdb", name);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    throw new SbdkError("not_found:setup", `public/duckdb/${name} is missing`, {
      hint: "run `node scripts/copy-duckdb-wasm.mjs` (npm run build and npm run dev do it first)",
    });
  }
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  // no-transform keeps Next's on-the-fly gzip off these files.
  const headers = { etag, "cache-control": "public, no-cache, no-transform", "content-type": type };
  if (ifNoneMatch === etag) return { status: 304, body: null, headers };
  return {
    status: 200,
    body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    headers: { ...headers, "content-length": String(info.size) },
  };
}
