/**
 * The overview page's body, shared by the app (rendered per request) and the static site
 * (rendered once by `npm run export`): the publish line and the dashboard, what to run when
 * nothing is published, or why the publish could not be read.
 */
import type { ReactNode } from "react";
import type { OverviewData } from "@/lib/shared/dashboard/types";
import { AppHeader } from "./app-header";
import { Dashboard } from "./dashboard";
import { EngineStatus } from "./engine-status";
import { MissingPublish } from "./missing-publish";
import { PublishError } from "./publish-error";
import { PublishSummary } from "./publish-summary";

export function OverviewPage(props: {
  data: OverviewData;
  headerActions?: ReactNode;
  /** The static site links its simulation replay when it has one. */
  simulationLink?: boolean;
}) {
  const { data } = props;
  const ready = data.status === "ready" ? data : null;
  return (
    <>
      <AppHeader
        current="overview"
        status={ready ? <EngineStatus /> : null}
        actions={props.headerActions}
        simulation={props.simulationLink}
      />
      <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
        {data.status === "error" ? (
          <PublishError message={data.message} hint={data.hint} />
        ) : data.status === "missing" ? (
          <MissingPublish publishPath={data.publishPath} />
        ) : (
          <>
            <div className="pt-6 pb-3">
              <PublishSummary manifest={data.manifest} />
            </div>
            <Dashboard manifest={data.manifest} server={{ filters: data.filters, views: data.views }} />
          </>
        )}
      </main>
    </>
  );
}
