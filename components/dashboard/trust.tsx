"use client";
/** The dbt test outcomes of the publish, shared by every chart's trust badge. */
import { createContext, memo, useContext, type ReactNode } from "react";
import { TrustBadge } from "@/components/ui/trust-badge";
import { useDashboard } from "@/lib/browser/dashboard-context";
import { testsQuery } from "@/lib/shared/dashboard/queries/kpis";
import { useViewQuery } from "@/lib/browser/use-view-query";
import { trustFor, type ModelTests } from "@/lib/shared/dashboard/types";

const TestsContext = createContext<ModelTests[] | null>(null);

export function TestsProvider(props: { children: ReactNode }) {
  const { state } = useViewQuery(testsQuery);
  return (
    <TestsContext.Provider value={state.status === "ready" ? state.data : null}>
      {props.children}
    </TestsContext.Provider>
  );
}

/**
 * The trust badge of a chart that reads `models`. Drawn again only when the test results or
 * the models change, not with every new result of its chart.
 */
export const ModelsTrustBadge = memo(
  function ModelsTrustBadge(props: { models: readonly string[] }) {
    const tests = useContext(TestsContext);
    const { manifest } = useDashboard();
    const trust = tests ? trustFor(props.models, manifest.lineage, tests) : null;
    const href = `/quality?models=${encodeURIComponent(props.models.join(","))}`;
    return (
      <TrustBadge
        tests={trust ? trust.tests : null}
        failing={trust?.failing ?? 0}
        warning={trust?.warning ?? 0}
        models={trust?.models ?? props.models}
        href={href}
      />
    );
  },
  (a, b) => a.models.join(",") === b.models.join(","),
);
