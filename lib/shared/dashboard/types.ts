/** Shapes the dashboard passes between the server's first render and the browser. */
import type { DashboardFilters } from "./filters";
import type { LineageNode, PublishManifest } from "@/lib/shared/manifest";

export interface Kpis {
  /** Distinct users with at least one session in the slice. */
  users: number;
  sessions: number;
  generations: number;
  /** Share of generations with status success, 0–1; null without generations. */
  success_rate: number | null;
  revenue_usd: number;
  /** Mean friction_score of the sessions, 0–100; null without sessions. */
  avg_friction: number | null;
}

export interface ModelTests {
  model: string;
  tests: number;
  failing: number;
  warning: number;
}

export interface Trust {
  /** The models whose tests count: the chart's own and everything upstream of them. */
  models: string[];
  tests: number;
  failing: number;
  warning: number;
}

/** The models a set of models reads from, themselves included (sources left out). */
export function upstreamModels(models: readonly string[], lineage: readonly LineageNode[]): string[] {
  const byName = new Map(lineage.map((n) => [n.name, n]));
  const byId = new Map(lineage.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const stack = [...models];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const dep of byName.get(name)?.depends_on ?? []) {
      const node = byId.get(dep);
      if (node && node.resource_type === "model") stack.push(node.name);
    }
  }
  return [...seen].sort();
}

/** The trust of a chart: the dbt tests of the models it reads and their upstream. */
export function trustFor(
  models: readonly string[],
  lineage: readonly LineageNode[],
  tests: readonly ModelTests[],
): Trust {
  const all = upstreamModels(models, lineage);
  const wanted = new Set(all);
  const trust: Trust = { models: all, tests: 0, failing: 0, warning: 0 };
  for (const t of tests) {
    if (!wanted.has(t.model)) continue;
    trust.tests += t.tests;
    trust.failing += t.failing;
    trust.warning += t.warning;
  }
  return trust;
}

/**
 * The results of the page's queries for one set of filters, by query id (DASHBOARD_QUERIES), as
 * each query's `rows` shapes them: what the server computes for its first render.
 */
export type ViewResults = Partial<Record<string, unknown>>;

/** The dashboard's first render, computed on the server (lib/server/dashboard/snapshot.ts). */
export type DashboardSnapshot =
  | { status: "missing"; publishPath: string }
  | {
      status: "ready";
      manifest: PublishManifest;
      /** null when the server could not compute them; the browser then does. */
      views: ViewResults | null;
      /** Milliseconds the server spent on the figures. */
      millis: number;
    };

/** What the overview page renders: the snapshot with its filters, or why there is none. */
export type OverviewData =
  | (Extract<DashboardSnapshot, { status: "ready" }> & { filters: DashboardFilters })
  | Extract<DashboardSnapshot, { status: "missing" }>
  | { status: "error"; message: string; hint?: string };
