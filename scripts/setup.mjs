#!/usr/bin/env node
// Set-up run by `npm install` (postinstall): creates the Python virtual environment with the
// pinned dbt-core, dbt-duckdb and duckdb from requirements.lock. Re-running is quick: the venv
// is only reinstalled when the lock file changes.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const venv = join(root, ".venv");
const venvPython = join(venv, "bin", "python");
const lockFile = join(root, "requirements.lock");
const stampFile = join(venv, ".sbdk-lock-sha256");

function fail(step, detail, fix) {
  console.error(`\nsbdk setup: ${step} failed.\n${detail ? detail.trim() + "\n" : ""}How to fix: ${fix}\n`);
  process.exit(1);
}

function run(step, cmd, args, fix) {
  const res = spawnSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (res.error) fail(step, String(res.error.message), fix);
  if (res.status !== 0) {
    const tail = `${res.stdout}\n${res.stderr}`.trim().split("\n").slice(-15).join("\n");
    fail(step, tail, fix);
  }
  return res.stdout;
}

if (process.env.SBDK_SKIP_PYTHON_SETUP === "1") {
  console.log("sbdk setup: SBDK_SKIP_PYTHON_SETUP=1, skipping the Python environment.");
  process.exit(0);
}

const python = process.env.SBDK_PYTHON ?? "python3";
const lockHash = createHash("sha256").update(readFileSync(lockFile)).digest("hex");

if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === lockHash && existsSync(venvPython)) {
  console.log("sbdk setup: Python environment (.venv) is up to date.");
} else {
  if (!existsSync(venvPython)) {
    console.log(`sbdk setup: creating .venv with ${python} ...`);
    run(
      "creating the Python virtual environment",
      python,
      ["-m", "venv", venv],
      `install Python 3.10+ with the venv module (Debian: apt-get install python3-venv), or point SBDK_PYTHON at one, then run npm run setup.`,
    );
  }
  console.log("sbdk setup: installing dbt-core, dbt-duckdb and duckdb from requirements.lock ...");
  run(
    "installing the Python packages",
    venvPython,
    ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", lockFile],
    "check that PyPI is reachable (pip install needs it once), then run npm run setup. Delete .venv to start over.",
  );
  writeFileSync(stampFile, lockHash + "\n");
}

// The DuckDB file is shared by Node and dbt: both must speak the same storage version.
const pyDuck = run(
  "reading the Python duckdb version",
  venvPython,
  ["-c", "import duckdb; print(duckdb.__version__)"],
  "delete .venv and run npm run setup.",
).trim();
const nodePkg = join(root, "node_modules", "@duckdb", "node-api", "package.json");
if (existsSync(nodePkg)) {
  const nodeVersion = JSON.parse(readFileSync(nodePkg, "utf8")).version.split("-")[0];
  if (nodeVersion !== pyDuck) {
    fail(
      "checking DuckDB versions",
      `@duckdb/node-api bundles DuckDB ${nodeVersion} but .venv has duckdb ${pyDuck}.`,
      `pin duckdb==${nodeVersion} in requirements.txt and requirements.lock, then run npm run setup.`,
    );
  }
}
console.log(`sbdk setup: ready (dbt in .venv, duckdb ${pyDuck} on both sides).`);
