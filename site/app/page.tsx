import { OverviewPage } from "@/components/dashboard/overview-page";
import { loadOverview } from "@/lib/server/dashboard/snapshot";
import { hasSimulation } from "@/lib/server/simulation/player";
import { EMPTY_FILTERS } from "@/lib/shared/dashboard/filters";

// Rendered once, at export time: the unfiltered figures; a link's filters apply in the browser.
export default async function StaticOverviewRoute() {
  return <OverviewPage data={await loadOverview(EMPTY_FILTERS)} simulationLink={await hasSimulation()} />;
}
