import "server-only";
/**
 * Loads sbdk_config.json: reads the file, applies SBDK_* environment overrides, validates
 * with zod, resolves paths (relative to the config file's folder, `~` expanded) and checks
 * they can be used — all before anything is written.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ZodObject, type z } from "zod";
import { CONFIG_ENV, NUMERIC_KEYS, configSchema, type Config, type ConfigValues } from "@/lib/shared/config";
import { SbdkError } from "@/lib/shared/errors";

export const DEFAULT_CONFIG_FILE = "sbdk_config.json";

export interface LoadConfigOptions {
  /** Path of the config file; default: $SBDK_CONFIG, else ./sbdk_config.json when it exists. */
  file?: string;
  /** Environment to read overrides from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Folder to look for sbdk_config.json in (default the working directory). */
  cwd?: string;
  /** Values that win over file and environment (CLI flags). */
  overrides?: Partial<Record<keyof ConfigValues, unknown>>;
}

export function expandHome(p: string): string {
  if (p === "~") return homedir();
  if (p.startsWith("~/")) return join(homedir(), p.slice(2));
  return p;
}

function resolvePath(p: string, rootDir: string): string {
  const expanded = expandHome(p);
  return isAbsolute(expanded) ? expanded : resolve(rootDir, expanded);
}

function invalid(message: string, hint: string, details: string[] = []): SbdkError {
  return new SbdkError("invalid:config", message, { hint, details });
}

function formatIssues(error: z.ZodError, source: string): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.join(".") : "(top level)";
    if (issue.code === "unrecognized_keys") {
      const where = issue.path.length ? ` in "${issue.path.join(".")}"` : "";
      return `${source}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}${where} — expected only ${knownKeys(issue.path).join(", ")}`;
    }
    return `${source}: "${field}": ${issue.message}`;
  });
}

/** The keys the config accepts at `path` (the top level, `growth`, `growth.tier_activity`, …). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = configSchema;
  for (const key of path) {
    const shape = objectShape(schema);
    const next = shape?.[String(key)];
    if (!next) return [];
    schema = next;
  }
  return Object.keys(objectShape(schema) ?? {});
}

/** The shape of an object schema, looking through defaults and optionals. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  let current: unknown = schema;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof ZodObject) return current.shape as Record<string, z.ZodType>;
    const def = (current as { def?: { innerType?: unknown } }).def;
    current = def?.innerType ?? null;
  }
  return null;
}

function readEnvOverrides(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(CONFIG_ENV) as [keyof typeof CONFIG_ENV, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    if (NUMERIC_KEYS.has(key)) {
      const n = Number(raw);
      if (!/^\s*-?\d+(\.\d+)?\s*$/.test(raw) || !Number.isFinite(n)) {
        throw invalid(
          `${name}="${raw}" is not a number`,
          `set ${name} to a number (it overrides "${key}"), or unset it`,
        );
      }
      out[key] = n;
    } else {
      out[key] = raw;
    }
  }
  return out;
}

/** Loads and validates the config. Throws SbdkError("invalid:config") naming the field. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env.SBDK_CONFIG;
  const file = explicit ? resolve(cwd, expandHome(explicit)) : join(cwd, DEFAULT_CONFIG_FILE);

  let fromFile: unknown = {};
  let configFile: string | null = null;
  if (existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw invalid(
        `cannot read the config file ${file}: ${(err as Error).message}`,
        "check its permissions",
      );
    }
    try {
      fromFile = JSON.parse(text);
    } catch (err) {
      throw invalid(
        `${file} is not valid JSON: ${(err as Error).message}`,
        "fix the JSON syntax (a stray comma or quote)",
      );
    }
    if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile)) {
      throw invalid(`${file} must hold a JSON object`, `write it as {"seed": 42, "users": 10000, ...}`);
    }
    configFile = file;
  } else if (explicit) {
    throw invalid(`config file ${file} does not exist`, "check the path given with --config or SBDK_CONFIG");
  }

  const fileResult = configSchema.safeParse(fromFile);
  if (!fileResult.success) {
    throw invalid(
      `the config is invalid (${configFile})`,
      "fix the fields listed above; see README.md § Configuration",
      formatIssues(fileResult.error, configFile ?? "config"),
    );
  }
  const merged = { ...(fromFile as object), ...readEnvOverrides(env), ...(options.overrides ?? {}) };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw invalid(
      "the config is invalid after applying environment variables and flags",
      `check the SBDK_* variables and command-line flags (${Object.values(CONFIG_ENV).join(", ")})`,
      formatIssues(result.error, "config"),
    );
  }

  const values = result.data;
  const rootDir = configFile ? dirname(configFile) : cwd;
  const config: Config = {
    ...values,
    duckdb_path: resolvePath(values.duckdb_path, rootDir),
    dbt_path: resolvePath(values.dbt_path, rootDir),
    profiles_dir: resolvePath(values.profiles_dir, rootDir),
    publish_path: resolvePath(values.publish_path, rootDir),
    configFile,
    rootDir,
  };
  checkPaths(config);
  return config;
}

/** The base user count of the growth model. */
export function baseUsers(config: Pick<ConfigValues, "users" | "scale">): number {
  return Math.max(1, Math.round(config.users * config.scale));
}

function nearestExisting(p: string): string {
  let dir = p;
  while (!existsSync(dir)) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dir;
}

function checkWritableTarget(field: string, p: string, what: string): void {
  if (existsSync(p)) {
    const st = statSync(p);
    if (field === "duckdb_path" && st.isDirectory()) {
      throw invalid(
        `"duckdb_path": ${p} is a folder`,
        "point duckdb_path at a file such as data/sbdk.duckdb",
      );
    }
    if (field === "publish_path" && !st.isDirectory()) {
      throw invalid(`"publish_path": ${p} is a file`, "point publish_path at a folder such as public/data");
    }
  }
  const probe =
    field === "duckdb_path" && existsSync(p) ? p : nearestExisting(field === "duckdb_path" ? dirname(p) : p);
  try {
    accessSync(probe, constants.W_OK);
  } catch {
    throw invalid(`"${field}": ${p} is not writable (${probe})`, `choose a ${what} you can write to`);
  }
  if (!statSync(probe).isDirectory() && probe !== p) {
    throw invalid(`"${field}": ${probe} is a file, so ${p} cannot be created`, `choose another ${what}`);
  }
}

function checkPaths(config: Config): void {
  const dbtProject = join(config.dbt_path, "dbt_project.yml");
  if (!existsSync(dbtProject)) {
    throw invalid(
      `"dbt_path": no dbt_project.yml in ${config.dbt_path}`,
      "point dbt_path at the dbt project folder (default: dbt)",
    );
  }
  const profiles = join(config.profiles_dir, "profiles.yml");
  if (!existsSync(profiles)) {
    throw invalid(
      `"profiles_dir": no profiles.yml in ${config.profiles_dir}`,
      "point profiles_dir at the folder holding profiles.yml (default: dbt)",
    );
  }
  for (const [field, p] of [
    ["dbt_project.yml", dbtProject],
    ["profiles.yml", profiles],
  ] as const) {
    try {
      accessSync(p, constants.R_OK);
    } catch {
      throw invalid(`${p} is not readable`, `check the permissions of ${field}`);
    }
  }
  checkWritableTarget("duckdb_path", config.duckdb_path, "DuckDB file path");
  checkWritableTarget("publish_path", config.publish_path, "publish folder");
}
