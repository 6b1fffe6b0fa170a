import { SimulationPage } from "@/components/simulation/simulation-page";
import { loadSimulationPage } from "@/lib/server/simulation/player";
import { EMPTY_FILTERS } from "@/lib/shared/dashboard/filters";

export const metadata = { title: "Simulation replay · sbdk-starter" };

// Rendered once, at export time, on the last day; a link's ?day= and filters apply in the browser.
export default async function StaticSimulateRoute() {
  return (
    <SimulationPage data={await loadSimulationPage({ day: null, filters: EMPTY_FILTERS })} mode="replay" />
  );
}
