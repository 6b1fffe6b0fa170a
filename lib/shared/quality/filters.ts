/**
 * The filters of the tests table (outcome, model, a search) and their query-string form, so a
 * filtered view can be linked: the dashboard's trust badges open `/quality?models=a,b`.
 */
import type { QualityTest } from "./report";
import { outcomeOf, TEST_OUTCOMES, type TestOutcome } from "./status";

export interface QualityFilters {
  /** Empty = every outcome. */
  outcomes: TestOutcome[];
  /** Models whose tests are shown; empty = every model. */
  models: string[];
  /** Case-insensitive search in the test's name, type, model and column. */
  q: string;
}

export const EMPTY_QUALITY_FILTERS: QualityFilters = { outcomes: [], models: [], q: "" };

/** Query-string keys, one per filter. */
export const QUALITY_PARAMS = { outcomes: "status", models: "models", q: "q" } as const;

type ParamSource = URLSearchParams | { getAll(key: string): string[] };

function list(source: ParamSource, key: string): string[] {
  // `models=a,b` and `models=a&models=b` both work.
  return source
    .getAll(key)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * Filters from a query string. Unknown outcomes are dropped; model names are kept as given
 * (a link from an older publish may name a model that is gone: the table then says nothing
 * matches rather than silently showing everything).
 */
export function parseQualityFilters(source: ParamSource): QualityFilters {
  const outcomes = new Set(list(source, QUALITY_PARAMS.outcomes));
  return {
    outcomes: TEST_OUTCOMES.filter((o) => outcomes.has(o)),
    models: [...new Set(list(source, QUALITY_PARAMS.models))],
    q: (source.getAll(QUALITY_PARAMS.q)[0] ?? "").trim(),
  };
}

/** The query string of some filters (without "?"); empty when nothing is filtered. */
export function qualityFiltersToQuery(filters: QualityFilters): string {
  const params = new URLSearchParams();
  if (filters.outcomes.length) params.set(QUALITY_PARAMS.outcomes, filters.outcomes.join(","));
  if (filters.models.length) params.set(QUALITY_PARAMS.models, filters.models.join(","));
  if (filters.q.trim()) params.set(QUALITY_PARAMS.q, filters.q.trim());
  // Commas read better than %2C in a shared link, and URLSearchParams accepts them back.
  return params.toString().replace(/%2C/g, ",");
}

export function matchesSearch(test: QualityTest, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return [test.name, test.type, test.model ?? "", test.column ?? ""].some((s) =>
    s.toLowerCase().includes(needle),
  );
}

/** The tests that pass the filters, in the order given. */
export function filterTests(tests: readonly QualityTest[], filters: QualityFilters): QualityTest[] {
  const outcomes = new Set(filters.outcomes);
  const models = new Set(filters.models);
  return tests.filter(
    (t) =>
      (outcomes.size === 0 || outcomes.has(outcomeOf(t.status))) &&
      (models.size === 0 || (t.model !== null && models.has(t.model))) &&
      matchesSearch(t, filters.q),
  );
}
