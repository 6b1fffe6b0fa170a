"use client";
/**
 * The interactive part of the quality page: the lineage graph and the tests table share the
 * filters in the URL, so clicking a model in the graph filters the table, and a link such as
 * `/quality?models=fct_sessions` opens filtered.
 */
import { useEffect, useState } from "react";
import { Panel } from "@/components/ui/panel";
import { useQualityFilters, type SetQualityFilters } from "@/lib/browser/quality/use-quality-filters";
import type { QualityFilters } from "@/lib/shared/quality/filters";
import type { ReadyQualityReport } from "@/lib/shared/quality/report";
import { LineageGraph, LineageLegend } from "./lineage-graph";
import { ModelTimings } from "./model-timings";
import { TestsTable } from "./tests-table";

function Explorer(props: {
  report: ReadyQualityReport;
  filters: QualityFilters;
  setFilters: SetQualityFilters;
  /** False until the browser has taken over (clicks do nothing before). */
  interactive: boolean;
}) {
  const { report, filters, setFilters } = props;
  const models = report.nodes.filter((n) => n.resource_type === "model").length;
  const sources = report.nodes.length - models;
  return (
    <div
      className="flex flex-col gap-4"
      data-testid="quality-explorer"
      data-interactive={props.interactive ? "true" : "false"}
    >
      <Panel
        title="Lineage"
        description={`${models} models and ${sources} sources from the dbt manifest, coloured by their last build and tests. Click a model to see its tests.`}
        actions={<LineageLegend className="hidden lg:flex" />}
        data-testid="panel-lineage"
      >
        <LineageLegend className="mb-3 flex-wrap lg:hidden" />
        <LineageGraph
          nodes={report.nodes}
          selected={filters.models}
          onSelect={(model) =>
            setFilters({ models: filters.models.length === 1 && filters.models[0] === model ? [] : [model] })
          }
        />
      </Panel>
      <Panel
        title="Tests"
        description="Every dbt test of the last build. Open a failing or warned test to see the rows that broke it."
        data-testid="panel-tests"
      >
        <TestsTable tests={report.tests} nodes={report.nodes} filters={filters} setFilters={setFilters} />
      </Panel>
      <Panel
        title="Model timings"
        description="Build time of each model in the last dbt build, the slowest first."
        data-testid="panel-timings"
      >
        <ModelTimings nodes={report.nodes} tests={report.tests} elapsedSeconds={report.dbt.elapsed_seconds} />
      </Panel>
    </div>
  );
}

/**
 * The lineage graph, the tests table and the timings, with the filters of the URL. The server
 * renders it unfiltered; the browser applies the URL's filters as it takes over.
 */
export function QualityExplorer(props: { report: ReadyQualityReport }) {
  const [filters, setFilters] = useQualityFilters();
  const [interactive, setInteractive] = useState(false);
  useEffect(() => setInteractive(true), []);
  return (
    <Explorer report={props.report} filters={filters} setFilters={setFilters} interactive={interactive} />
  );
}
