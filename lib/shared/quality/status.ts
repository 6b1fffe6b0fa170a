/**
 * Test and model statuses as the quality page shows them: dbt's raw statuses grouped into the
 * four outcomes of the publish summary, and the colour of a model in the lineage graph from
 * its own build status combined with the statuses of its tests.
 */

/** dbt's test statuses, most urgent first (the order the tests table sorts by). */
export const TEST_STATUSES = ["error", "fail", "warn", "skipped", "pass"] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

/** The four outcomes the publish summary counts (manifest.json `dbt.tests`). */
export const TEST_OUTCOMES = ["failed", "warned", "passed", "skipped"] as const;
export type TestOutcome = (typeof TEST_OUTCOMES)[number];

/** The colour of a node: red, amber, green, grey, or none (a source, nothing ran on it). */
export type Health = "fail" | "warn" | "pass" | "skipped" | "none";

export interface TestCounts {
  total: number;
  passed: number;
  warned: number;
  failed: number;
  skipped: number;
}

/**
 * A run_results status as a test status. Anything dbt reports that is not pass, warn or
 * skipped ("fail", "error", "runtime error", …) did not pass: it counts as failed, as in the
 * publish summary.
 */
export function toTestStatus(raw: string): TestStatus {
  if (raw === "pass" || raw === "warn" || raw === "skipped" || raw === "fail") return raw;
  return "error";
}

export function outcomeOf(status: TestStatus): TestOutcome {
  switch (status) {
    case "pass":
      return "passed";
    case "warn":
      return "warned";
    case "skipped":
      return "skipped";
    default:
      return "failed";
  }
}

export function emptyCounts(): TestCounts {
  return { total: 0, passed: 0, warned: 0, failed: 0, skipped: 0 };
}

export function countTests(tests: readonly { status: TestStatus }[]): TestCounts {
  const counts = emptyCounts();
  for (const t of tests) {
    counts.total += 1;
    counts[outcomeOf(t.status)] += 1;
  }
  return counts;
}

/** Position of a status in the urgency order (0 = most urgent). */
export function statusRank(status: TestStatus): number {
  return TEST_STATUSES.indexOf(status);
}

/**
 * A node's colour from its last build status (null for a source, or a model dbt did not run)
 * and its tests: a model that errored or a failing test makes it red, a skipped model grey, a
 * warning amber, a built model (or an untested one whose tests all pass) green.
 */
export function nodeHealth(buildStatus: string | null, tests: TestCounts): Health {
  const built = buildStatus === "success" || buildStatus === "pass";
  if (buildStatus !== null && !built && buildStatus !== "skipped") return "fail";
  if (tests.failed > 0) return "fail";
  if (buildStatus === "skipped") return "skipped";
  if (tests.warned > 0) return "warn";
  if (built) return "pass";
  if (tests.total > 0) return tests.passed > 0 ? "pass" : "skipped";
  return "none";
}
