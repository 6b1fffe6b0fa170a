/**
 * The /simulate page, shared by the app (rendered per request, with the player's buttons) and
 * the static site (rendered once by `npm run export`, a read-only replay).
 */
import type { ReactNode } from "react";
import { AppHeader } from "@/components/dashboard/app-header";
import { EngineStatus } from "@/components/dashboard/engine-status";
import { PublishError } from "@/components/dashboard/publish-error";
import type { SimulationPageData } from "@/lib/shared/simulation";
import { SimulationPlayer } from "./player";

export function SimulationPage(props: {
  data: SimulationPageData;
  mode: "live" | "replay";
  headerActions?: ReactNode;
}) {
  const { data } = props;
  return (
    <>
      <AppHeader
        current="simulate"
        status={data.status === "ready" ? <EngineStatus /> : null}
        actions={props.headerActions}
        simulation
      />
      {data.status === "error" ? (
        <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
          <PublishError message={data.message} hint={data.hint} />
        </main>
      ) : (
        <SimulationPlayer data={data} mode={props.mode} />
      )}
    </>
  );
}
