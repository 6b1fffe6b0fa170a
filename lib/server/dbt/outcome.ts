import "server-only";
/**
 * What a dbt build's results mean for a job: it goes on (every model built; failing `warn`
 * tests are reported, not fatal) or it stops with a failed:dbt error that lists the failing
 * tests and the models that were not built.
 */
import { SbdkError } from "@/lib/shared/errors";
import type { DbtSummary } from "@/lib/shared/manifest";
import type { RunResult, RunResults } from "./artifacts";
import { dbtFailure, type DbtInvocation } from "./runner";

export interface BuildOutcome {
  results: RunResults;
  summary: DbtSummary;
}

const isTest = (r: RunResult) => r.unique_id.startsWith("test.");
const isFailure = (r: RunResult) => r.status === "fail" || r.status === "error";

/** A dbt summary from run_results.json. */
export function summarizeRun(runResults: RunResults): DbtSummary {
  const models = { total: 0, built: 0, failed: 0, skipped: 0 };
  const tests = { total: 0, passed: 0, failed: 0, warned: 0, skipped: 0 };
  for (const r of runResults.results) {
    const kind = r.unique_id.split(".")[0];
    if (kind === "model") {
      models.total += 1;
      if (r.status === "success") models.built += 1;
      else if (r.status === "skipped") models.skipped += 1;
      else models.failed += 1;
    } else if (kind === "test") {
      tests.total += 1;
      if (r.status === "pass") tests.passed += 1;
      else if (r.status === "warn") tests.warned += 1;
      else if (r.status === "skipped") tests.skipped += 1;
      else tests.failed += 1;
    }
  }
  return {
    dbt_version: String(runResults.metadata.dbt_version),
    invocation_id: String(runResults.metadata.invocation_id),
    elapsed_seconds: Math.round(runResults.elapsed_time * 1000) / 1000,
    models,
    tests,
  };
}

/**
 * The results of a build whose models all built, or a failed:dbt error: dbt could not run
 * (`what` names the command), a model errored, or a failing test made dbt skip what is downstream.
 */
export function checkBuild(invocation: DbtInvocation, what = "build", hint?: string): BuildOutcome {
  const results = invocation.results;
  if (!results || invocation.exitCode > 1) throw dbtFailure(invocation, what);
  const summary = summarizeRun(results);
  if (summary.models.failed === 0 && summary.models.skipped === 0) return { results, summary };
  const notBuilt = results.results.filter((r) => r.unique_id.startsWith("model.") && r.status !== "success");
  const failedTests = results.results.filter((r) => isTest(r) && isFailure(r));
  const why =
    summary.models.failed > 0
      ? `${summary.models.failed} model(s) errored`
      : `${failedTests.length} test(s) failed, so dbt skipped ${summary.models.skipped} downstream model(s)`;
  throw new SbdkError("failed:dbt", `dbt ${what} failed: ${why}`, {
    details: [
      ...failedTests
        .slice(0, 10)
        .map((r) => `FAIL ${r.unique_id}${r.failures ? ` (${r.failures} rows)` : ""}`),
      ...notBuilt
        .slice(0, 10)
        .map((r) => `${r.status.toUpperCase()} ${r.unique_id}${r.message ? `: ${r.message}` : ""}`),
      ...invocation.outputTail.slice(-10),
    ],
    hint: hint ?? "the last publish is unchanged; fix the model or the data and run again",
  });
}

/** Tests that failed or errored, by unique_id. */
export function failingTests(results: RunResults): RunResult[] {
  return results.results.filter((r) => isTest(r) && isFailure(r));
}
