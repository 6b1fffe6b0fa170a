import { OverviewPage } from "@/components/dashboard/overview-page";
import { RunButton } from "@/components/runs/run-button";
import { loadOverview } from "@/lib/server/dashboard/snapshot";
import { parseFilters } from "@/lib/shared/dashboard/filters";

// Reads the publish on every request: a pipeline run swaps it under a running server.
export const dynamic = "force-dynamic";

export default async function OverviewRoute(props: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const filters = parseFilters(await props.searchParams);
  return <OverviewPage data={await loadOverview(filters)} headerActions={<RunButton />} />;
}
