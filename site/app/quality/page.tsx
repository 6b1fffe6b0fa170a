import { QualityPage } from "@/components/quality/quality-page";
import { loadQualityPage } from "@/lib/server/quality/report";
import { hasSimulation } from "@/lib/server/simulation/player";

export const metadata = { title: "Data quality · sbdk-starter" };

// Rendered once, at export time; a link's filters (?models=…) apply in the browser.
export default async function StaticQualityRoute() {
  return <QualityPage data={await loadQualityPage()} simulationLink={await hasSimulation()} />;
}
