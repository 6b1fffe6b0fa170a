import "server-only";
/**
 * Reads the data-quality report of a publish: manifest.json (dbt summary, lineage) and the
 * published dbt test results, through the same in-memory DuckDB the dashboard's first render
 * uses. Reads files only, no request data, so the live page and the static export share it.
 */
import { loadConfig } from "@/lib/server/config";
import { snapshotDb, forgetSnapshotDb } from "@/lib/server/dashboard/snapshot";
import { readPublishedManifest, TEST_RESULTS_TABLE } from "@/lib/server/publish";
import { SbdkError } from "@/lib/shared/errors";
import {
  buildQualityReport,
  type QualityPageData,
  type QualityReport,
  type TestResultRow,
} from "@/lib/shared/quality/report";

const TEST_RESULTS_SQL = `select
  unique_id, test_name, test_type, status, failures, model, column_name, message,
  execution_seconds, failing_rows_json
from ${TEST_RESULTS_TABLE}
order by unique_id`;

/**
 * The report of the publish in `publishPath`, or `{ status: "missing" }` when nothing is
 * published there yet. A publish without test results, or whose files cannot be read, is a
 * `failed:publish` error that says to publish again.
 */
export async function readQualityReport(publishPath: string): Promise<QualityReport> {
  const manifest = await readPublishedManifest(publishPath);
  if (!manifest) return { status: "missing", publishPath };
  if (!manifest.tables.some((t) => t.name === TEST_RESULTS_TABLE)) {
    throw new SbdkError(
      "failed:publish",
      `the publish in ${publishPath} has no ${TEST_RESULTS_TABLE} table`,
      {
        hint: "run the pipeline again to publish fresh test results:",
      },
    );
  }
  let rows: TestResultRow[];
  try {
    const db = await snapshotDb(publishPath, manifest);
    rows = await db.query<TestResultRow>(TEST_RESULTS_SQL);
  } catch (err) {
    forgetSnapshotDb();
    throw new SbdkError(
      "failed:publish",
      `the test results of the publish in ${publishPath} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      {
        hint: "reload the page; if it persists, run the pipeline again to publish fresh test results:",
        cause: err,
      },
    );
  }
  return buildQualityReport(manifest, rows);
}

/** The quality page's data for the config's publish; a publish that cannot be read says why. */
export async function loadQualityPage(): Promise<QualityPageData> {
  try {
    return await readQualityReport(loadConfig().publish_path);
  } catch (err) {
    return {
      status: "error",
      message: err instanceof Error ? err.message : String(err),
      hint: err instanceof SbdkError ? err.hint : undefined,
    };
  }
}
