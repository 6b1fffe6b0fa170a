import { QualityPage } from "@/components/quality/quality-page";
import { RunButton } from "@/components/runs/run-button";
import { loadQualityPage } from "@/lib/server/quality/report";

// Reads the publish on every request: a pipeline run swaps it under a running server.
export const dynamic = "force-dynamic";

export const metadata = { title: "Data quality · sbdk-starter" };

/** Data quality: every dbt test with its failing rows, the lineage graph, model timings. */
export default async function QualityRoute() {
  return <QualityPage data={await loadQualityPage()} headerActions={<RunButton />} />;
}
