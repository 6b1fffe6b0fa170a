import { RunButton } from "@/components/runs/run-button";
import { SimulationPage } from "@/components/simulation/simulation-page";
import { loadSimulationPage } from "@/lib/server/simulation/player";
import { parseFilters } from "@/lib/shared/dashboard/filters";
import { parseDayParam } from "@/lib/shared/simulation";

// Reads simulation.json on every request: a simulation job adds days under a running server.
export const dynamic = "force-dynamic";

export const metadata = { title: "Simulation · sbdk-starter" };

export default async function SimulateRoute(props: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await props.searchParams;
  const data = await loadSimulationPage({ day: parseDayParam(params.day), filters: parseFilters(params) });
  return <SimulationPage data={data} mode="live" headerActions={<RunButton />} />;
}
