#!/usr/bin/env node
// Runs a TypeScript entry (bench, scripts) the way bin/sbdk.mjs runs the CLI.
import { register } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { register as registerTsx } from "tsx/esm/api";

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node bin/run-ts.mjs <file.ts> [args...]");
  process.exit(2);
}
process.argv.splice(2, 1);
register("./server-only-hook.mjs", import.meta.url);
registerTsx();
await import(pathToFileURL(resolve(entry)).href);
