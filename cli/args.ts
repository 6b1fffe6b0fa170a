/**
 * The options of each `sbdk` command, parsed and checked before the command does anything:
 * an unknown or malformed flag is a usage error (exit code 2) naming it. Pure, so every flag
 * combination can be tried without running a command. Values the config also checks (a
 * negative --users, say) are left to loadConfig, which names the field.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SbdkError } from "@/lib/shared/errors";
import { isRunId, type RunParams } from "@/lib/shared/runs";
import { normalizeBasePath } from "@/lib/server/export";

export class UsageError extends SbdkError {
  constructor(message: string) {
    super("invalid:cli", message, { hint: "run `sbdk help` for the commands and their options" });
  }
}

export const RUN_OPTIONS = {
  config: { type: "string" },
  seed: { type: "string" },
  users: { type: "string" },
  days: { type: "string" },
  "start-date": { type: "string" },
  scale: { type: "string" },
  json: { type: "boolean" },
  events: { type: "boolean" },
  "run-id": { type: "string" },
} satisfies ParseArgsConfig["options"];

export const SIMULATE_OPTIONS = {
  config: { type: "string" },
  days: { type: "string" },
  reset: { type: "boolean" },
  seed: { type: "string" },
  "skip-dbt": { type: "boolean" },
  "skip-tests": { type: "boolean" },
  "seconds-per-day": { type: "string" },
  json: { type: "boolean" },
  events: { type: "boolean" },
  "run-id": { type: "string" },
} satisfies ParseArgsConfig["options"];

export const DOCTOR_OPTIONS = { config: { type: "string" } } satisfies ParseArgsConfig["options"];

export const EXPORT_OPTIONS = {
  config: { type: "string" },
  out: { type: "string" },
  "base-path": { type: "string" },
  json: { type: "boolean" },
} satisfies ParseArgsConfig["options"];

export function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(value.trim()))
    throw new UsageError(`--${name} expects a number, got "${value}"`);
  return Number(value);
}

/** A whole-number flag at least `min`, or a usage error naming it. */
export function wholeFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UsageError(`--${name} expects a whole number of ${min} or more, got "${value}"`);
  }
  return Number(value);
}

/** `sbdk run`: its flags, the config overrides they make, and the queued run it executes. */
export function parseRunArgs(args: string[]) {
  const flags = parse(args, RUN_OPTIONS);
  const runId = flags["run-id"];
  if (flags.events && flags.json) throw new UsageError("--events and --json cannot be combined");
  const params = Object.fromEntries(
    Object.entries({
      seed: numberFlag("seed", flags.seed),
      users: numberFlag("users", flags.users),
      days: numberFlag("days", flags.days),
      scale: numberFlag("scale", flags.scale),
      start_date: flags["start-date"],
    }).filter(([, v]) => v !== undefined),
  ) as RunParams;
  if (runId !== undefined) {
    if (!isRunId(runId))
      throw new UsageError(`--run-id expects an id like r-20261123-025801-ab12, got "${runId}"`);
    if (Object.keys(params).length)
      throw new UsageError("--run-id takes the run's settings from its record; drop --seed, --users, … ");
  }
  return { flags, params, runId };
}

/** `sbdk simulate`, and the queued simulation job it executes. */
export function parseSimulateArgs(args: string[]) {
  const flags = parse(args, SIMULATE_OPTIONS);
  const runId = flags["run-id"];
  const days = wholeFlag("days", flags.days, 1);
  const seed = wholeFlag("seed", flags.seed, 0);
  const secondsFlag = flags["seconds-per-day"];
  const secondsPerDay = numberFlag("seconds-per-day", secondsFlag);
  if (secondsPerDay !== undefined && (secondsPerDay < 0 || secondsPerDay > 86_400)) {
    throw new UsageError(`--seconds-per-day expects 0 to 86400 seconds, got "${secondsFlag}"`);
  }
  if (flags["skip-dbt"] && flags["skip-tests"]) {
    throw new UsageError("--skip-dbt already skips the tests: give one of --skip-dbt and --skip-tests");
  }
  if (flags.events && flags.json) throw new UsageError("--events and --json cannot be combined");
  if (runId !== undefined) {
    if (!isRunId(runId))
      throw new UsageError(`--run-id expects an id like r-20261123-025801-ab12, got "${runId}"`);
    const given = ["days", "reset", "seed", "skip-dbt", "skip-tests", "seconds-per-day"].filter(
      (f) => flags[f as keyof typeof flags] !== undefined,
    );
    if (given.length)
      throw new UsageError(`--run-id takes the job's settings from its record; drop --${given.join(", --")}`);
  }
  return { flags, days, seed, runId, secondsPerDay };
}

/** `sbdk doctor`. */
export function parseDoctorArgs(args: string[]) {
  return { flags: parse(args, DOCTOR_OPTIONS) };
}

/** `sbdk export`: the base path is checked here, before the site is built. */
export function parseExportArgs(args: string[]) {
  const flags = parse(args, EXPORT_OPTIONS);
  if (flags["base-path"] !== undefined) normalizeBasePath(flags["base-path"]);
  if (flags.out !== undefined && flags.out.trim() === "") {
    throw new UsageError("--out expects a folder, got an empty value");
  }
  return { flags };
}
