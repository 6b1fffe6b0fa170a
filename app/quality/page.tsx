import { AppHeader } from "@/components/dashboard/app-header";
import { PublishError } from "@/components/dashboard/publish-error";
import { QualityReportView } from "@/components/quality/quality-report";
import { loadConfig } from "@/lib/server/config";
import { readQualityReport } from "@/lib/server/quality/report";
import { SbdkError } from "@/lib/shared/errors";
import type { QualityReport } from "@/lib/shared/quality/report";

// Reads the publish on every request: a pipeline run swaps it under a running server.
export const dynamic = "force-dynamic";

export const metadata = { title: "Data quality · sbdk-starter" };

/** Data quality: every dbt test with its failing rows, the lineage graph, model timings. */
export default async function QualityPage() {
  let report: QualityReport;
  try {
    report = await readQualityReport(loadConfig().publish_path);
  } catch (err) {
    return (
      <>
        <AppHeader current="quality" />
        <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
          <PublishError
            message={err instanceof Error ? err.message : String(err)}
            hint={err instanceof SbdkError ? err.hint : undefined}
          />
        </main>
      </>
    );
  }
  return (
    <>
      <AppHeader current="quality" />
      <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
        <QualityReportView report={report} />
      </main>
    </>
  );
}
