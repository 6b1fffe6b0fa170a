#!/usr/bin/env node
// `npm start`: serves the dashboard. Builds the app when the build is missing or older than
// its sources, runs the pipeline first when nothing is published yet, starts `next start`
// and prints the URL. Ctrl-C stops the server.
//   node scripts/start.mjs [--port 3000] [--hostname 127.0.0.1] [--skip-pipeline]
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { register } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "3000" },
    hostname: { type: "string", default: process.env.HOSTNAME_BIND ?? "127.0.0.1" },
    "skip-pipeline": { type: "boolean", default: false },
  },
});

const node = process.execPath;
const nextBin = join(root, "node_modules", "next", "dist", "bin", "next");

function step(message) {
  console.log(`sbdk start: ${message}`);
}

function runOrExit(what, args, okCodes = [0]) {
  const res = spawnSync(node, args, { cwd: root, stdio: "inherit", env: process.env });
  if (res.error || !okCodes.includes(res.status ?? -1)) {
    console.error(`sbdk start: ${what} failed (exit ${res.status ?? res.error?.message}).`);
    process.exit(res.status || 1);
  }
  return res.status;
}

/** Newest modification time under the app's sources (what a build depends on). */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const s = statSync(path, { throwIfNoEntry: false });
    if (!s) return;
    if (s.isDirectory()) {
      for (const e of readdirSync(path)) visit(join(path, e));
    } else if (s.mtimeMs > newest) newest = s.mtimeMs;
  };
  for (const p of [
    "app",
    "components",
    "lib",
    "package.json",
    "package-lock.json",
    "next.config.mjs",
    "postcss.config.mjs",
  ]) {
    visit(join(root, p));
  }
  return newest;
}

function buildIsCurrent() {
  const id = statSync(join(root, ".next", "BUILD_ID"), { throwIfNoEntry: false });
  return Boolean(id && id.mtimeMs >= newestSource());
}

async function publishPath() {
  // The config loader is TypeScript (lib/server): load it the way bin/sbdk.mjs loads the CLI.
  register(pathToFileURL(join(root, "bin", "server-only-hook.mjs")).href);
  const { register: registerTsx } = await import("tsx/esm/api");
  registerTsx();
  const { loadConfig } = await import(pathToFileURL(join(root, "lib", "server", "config.ts")).href);
  return loadConfig().publish_path;
}

// 1. The DuckDB-WASM bundles, then the build when it is missing or stale.
runOrExit("copying the DuckDB-WASM bundles", [join(root, "scripts", "copy-duckdb-wasm.mjs")]);
if (buildIsCurrent()) {
  step("the build is up to date");
} else {
  step("building the app (next build) …");
  runOrExit("next build", [nextBin, "build"]);
}

// 2. Data: the pipeline runs once when nothing is published.
if (!values["skip-pipeline"]) {
  const dir = await publishPath();
  if (existsSync(join(dir, "manifest.json"))) {
    step(`serving the publish in ${relative(root, dir) || dir}`);
  } else {
    step(`nothing is published in ${relative(root, dir) || dir}: running the pipeline (npm run pipeline) …`);
    // Exit 1 means a test failed; the data is still published and the dashboard shows it.
    runOrExit("the pipeline", [join(root, "bin", "sbdk.mjs"), "run"], [0, 1]);
  }
}

// 3. The server.
const server = spawn(node, [nextBin, "start", "--port", values.port, "--hostname", values.hostname], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  env: process.env,
});
const url = `http://${values.hostname === "0.0.0.0" ? "localhost" : values.hostname}:${values.port}/`;
let announced = false;
server.stdout.on("data", (chunk) => {
  const text = String(chunk);
  if (!announced && /Ready|started server|Local:/i.test(text)) {
    announced = true;
    console.log(`\n  sbdk-starter dashboard: ${url}\n`);
  }
  process.stdout.write(text);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.kill(signal);
  });
}
server.on("exit", (code, signal) => {
  process.exit(code ?? (signal ? 0 : 1));
});
