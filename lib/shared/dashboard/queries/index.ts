/** Every query of the overview page: the browser runs them live, the server for its first render. */
import { backfillMetricsQuery } from "./backfills";
import {
  frictionByRegionQuery,
  frictionByTierQuery,
  frictionHistogramQuery,
  frictionOverTimeQuery,
  topFrictionSessionsQuery,
} from "./friction";
import { weeklyGrowthQuery } from "./growth";
import { kpiQuery, testsQuery } from "./kpis";
import { tierOverTimeQuery, tierSummaryQuery } from "./tiers";
import type { ViewQuery } from "./types";

export const DASHBOARD_QUERIES: readonly ViewQuery<unknown>[] = [
  kpiQuery,
  testsQuery,
  frictionHistogramQuery,
  frictionByTierQuery,
  frictionByRegionQuery,
  frictionOverTimeQuery,
  topFrictionSessionsQuery,
  tierSummaryQuery,
  tierOverTimeQuery,
  weeklyGrowthQuery,
  backfillMetricsQuery,
] as readonly ViewQuery<unknown>[];
