/**
 * The quality page's body, shared by the app (rendered per request) and the static site
 * (rendered once by `npm run export`).
 */
import type { ReactNode } from "react";
import { AppHeader } from "@/components/dashboard/app-header";
import { PublishError } from "@/components/dashboard/publish-error";
import type { QualityPageData } from "@/lib/shared/quality/report";
import { QualityReportView } from "./quality-report";

export function QualityPage(props: {
  data: QualityPageData;
  headerActions?: ReactNode;
  /** The static site links its simulation replay when it has one. */
  simulationLink?: boolean;
}) {
  const { data } = props;
  return (
    <>
      <AppHeader current="quality" actions={props.headerActions} simulation={props.simulationLink} />
      <main className="mx-auto max-w-7xl px-4 pb-16 sm:px-6">
        {data.status === "error" ? (
          <PublishError message={data.message} hint={data.hint} />
        ) : (
          <QualityReportView report={data} />
        )}
      </main>
    </>
  );
}
