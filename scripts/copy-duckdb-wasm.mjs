#!/usr/bin/env node
// Copies the DuckDB-WASM bundles and parquet-wasm's module from node_modules into
// public/duckdb/, so the dashboard loads them from its own origin (no CDN; it must work
// offline). Runs before `next build` and `next dev`; files already up to date are skipped.
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const duckdbDist = dirname(require.resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm"));
const parquetWasm = require.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm");
const out = join(root, "public", "duckdb");

const files = [
  [join(duckdbDist, "duckdb-eh.wasm"), "duckdb-eh.wasm"],
  [join(duckdbDist, "duckdb-browser-eh.worker.js"), "duckdb-browser-eh.worker.js"],
  [join(duckdbDist, "duckdb-mvp.wasm"), "duckdb-mvp.wasm"],
  [join(duckdbDist, "duckdb-browser-mvp.worker.js"), "duckdb-browser-mvp.worker.js"],
  [parquetWasm, "parquet_wasm_bg.wasm"],
];

mkdirSync(out, { recursive: true });
let copied = 0;
for (const [from, name] of files) {
  const to = join(out, name);
  const src = statSync(from);
  if (existsSync(to)) {
    const dst = statSync(to);
    if (dst.size === src.size && dst.mtimeMs >= src.mtimeMs) continue;
  }
  copyFileSync(from, to);
  copied += 1;
}
console.log(`duckdb-wasm: ${copied ? `copied ${copied} file(s)` : "up to date"} in public/duckdb/`);
