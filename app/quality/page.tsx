import { AppHeader } from "@/components/dashboard/app-header";
import { QualityPlaceholder } from "@/components/quality/quality-placeholder";
import { RunButton } from "@/components/runs/run-button";
import { loadConfig } from "@/lib/server/config";
import { readPublishedManifest } from "@/lib/server/publish";

export const dynamic = "force-dynamic";

/** Data quality (test results with failing rows, lineage): for now the dbt summary of the publish. */
export default async function QualityPage() {
  const manifest = await readPublishedManifest(loadConfig().publish_path).catch(() => null);
  return (
    <>
      <AppHeader current="quality" actions={<RunButton />} />
      <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
        <QualityPlaceholder manifest={manifest} />
      </main>
    </>
  );
}
