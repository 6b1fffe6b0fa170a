/**
 * The data-quality report of a publish: every dbt test with its outcome and a sample of its
 * failing rows, and every model and source of the lineage with its build status, timing and
 * test counts. Plain JSON, built once on the server from manifest.json and the published test
 * results, so the same report renders the live page and the static export.
 */
import type { DbtSummary, LineageNode, PublishManifest } from "@/lib/shared/manifest";
import { plainValue, type PlainValue } from "@/lib/shared/rows";
import {
  countTests,
  emptyCounts,
  nodeHealth,
  statusRank,
  toTestStatus,
  type Health,
  type TestCounts,
  type TestStatus,
} from "./status";

/** A row of the published dbt_test_results table, as DuckDB reads it. */
export interface TestResultRow {
  unique_id: string;
  test_name: string;
  test_type: string;
  status: string;
  failures: number | null;
  model: string | null;
  column_name: string | null;
  message: string | null;
  execution_seconds: number;
  failing_rows_json: string | null;
}

/** The sample of failing rows the publish kept for a test, as a table. */
export interface FailingRows {
  columns: string[];
  rows: PlainValue[][];
}

export interface QualityTest {
  /** dbt's unique_id of the test. */
  id: string;
  name: string;
  /** The generic test (unique, not_null, relationships, accepted_values, accepted_range, …) or "singular". */
  type: string;
  status: TestStatus;
  /** The model the test checks (for a singular test: the first model it reads). */
  model: string | null;
  column: string | null;
  /** Rows that broke the rule; null when dbt did not count them (an error). */
  failures: number | null;
  message: string | null;
  seconds: number;
  failingRows: FailingRows | null;
}

export interface QualityNode extends LineageNode {
  tests: TestCounts;
  health: Health;
}

export interface ReadyQualityReport {
  status: "ready";
  project: string;
  publishedAt: string;
  seed: number;
  dateRange: PublishManifest["date_range"];
  dbt: DbtSummary;
  /** Every test, the most urgent first (error, fail, warn, skipped, pass), then by model and name. */
  tests: QualityTest[];
  /** Sources and models of the lineage, in manifest order. */
  nodes: QualityNode[];
}

export type QualityReport = { status: "missing"; publishPath: string } | ReadyQualityReport;

/** What the quality page renders: the report, or why the publish could not be read. */
export type QualityPageData = QualityReport | { status: "error"; message: string; hint?: string };

/**
 * The failing-rows sample of the publish (a JSON array of row objects) as columns and rows.
 * Columns are the keys in the order they first appear. null when there is no sample or it
 * cannot be read, so a damaged sample never hides the test itself.
 */
export function parseFailingRows(json: string | null): FailingRows | null {
  if (json === null || json === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const objects = parsed.filter(
    (r): r is Record<string, unknown> => typeof r === "object" && r !== null && !Array.isArray(r),
  );
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of objects) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return { columns, rows: objects.map((row) => columns.map((c) => plainValue(row[c]))) };
}

export function toQualityTest(row: TestResultRow): QualityTest {
  const status = toTestStatus(row.status);
  return {
    id: row.unique_id,
    name: row.test_name,
    type: row.test_type,
    status,
    model: row.model,
    column: row.column_name,
    failures: row.failures === null ? null : Number(row.failures),
    message: row.message,
    seconds: Number(row.execution_seconds),
    failingRows: status === "pass" ? null : parseFailingRows(row.failing_rows_json),
  };
}

/** Most urgent first, then by model and test name; tests on no model last in their group. */
export function compareTests(a: QualityTest, b: QualityTest): number {
  return (
    statusRank(a.status) - statusRank(b.status) ||
    (a.model ?? "\uffff").localeCompare(b.model ?? "\uffff") ||
    a.name.localeCompare(b.name) ||
    a.id.localeCompare(b.id)
  );
}

export function buildQualityReport(
  manifest: PublishManifest,
  rows: readonly TestResultRow[],
): ReadyQualityReport {
  const tests = rows.map(toQualityTest).sort(compareTests);
  const byModel = new Map<string, QualityTest[]>();
  for (const t of tests) {
    if (t.model === null) continue;
    const list = byModel.get(t.model) ?? [];
    list.push(t);
    byModel.set(t.model, list);
  }
  const nodes: QualityNode[] = manifest.lineage.map((node) => {
    const counts = node.resource_type === "model" ? countTests(byModel.get(node.name) ?? []) : emptyCounts();
    return { ...node, tests: counts, health: nodeHealth(node.status, counts) };
  });
  return {
    status: "ready",
    project: manifest.project,
    publishedAt: manifest.generated_at,
    seed: manifest.seed,
    dateRange: manifest.date_range,
    dbt: manifest.dbt,
    tests,
    nodes,
  };
}
