/**
 * The dashboard's filters (date range, tier, region, model) and their query-string form, so a
 * filtered view can be linked: the server parses the URL for its first render and the browser
 * store writes every change back to it.
 */
import { z } from "zod";
import { MODELS, REGIONS, USER_TIERS, type Model, type Region, type UserTier } from "@/lib/shared/domain";

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD");

export const dashboardFiltersSchema = z.object({
  /** First day included (YYYY-MM-DD); null = from the first day with data. */
  from: isoDay.nullable(),
  /** Last day included (YYYY-MM-DD); null = up to the last day with data. */
  to: isoDay.nullable(),
  /** Empty = every tier. */
  tiers: z.array(z.enum(USER_TIERS)),
  regions: z.array(z.enum(REGIONS)),
  models: z.array(z.enum(MODELS)),
});

export type DashboardFilters = z.infer<typeof dashboardFiltersSchema>;

export const EMPTY_FILTERS: DashboardFilters = { from: null, to: null, tiers: [], regions: [], models: [] };

/** Query-string keys, one per filter. */
export const FILTER_PARAMS = {
  from: "from",
  to: "to",
  tiers: "tier",
  regions: "region",
  models: "model",
} as const;

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function getAll(source: ParamSource, key: string): string[] {
  const raw =
    source instanceof URLSearchParams ? source.getAll(key) : ([] as string[]).concat(source[key] ?? []);
  // `tier=free,pro` and `tier=free&tier=pro` both work.
  return raw
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

function pick<T extends string>(values: string[], allowed: readonly T[]): T[] {
  // Kept in the vocabulary's order, so the same selection always gives the same URL and SQL.
  const wanted = new Set(values);
  return allowed.filter((a) => wanted.has(a));
}

function day(value: string | undefined): string | null {
  if (!value || !isoDay.safeParse(value).success) return null;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || !d.toISOString().startsWith(value) ? null : value;
}

/**
 * Filters from a query string. Unknown values are dropped rather than refused: a link from an
 * older publish (a model that no longer exists) still opens, with what is left of its filters.
 */
export function parseFilters(source: ParamSource): DashboardFilters {
  let from = day(getAll(source, FILTER_PARAMS.from)[0]);
  let to = day(getAll(source, FILTER_PARAMS.to)[0]);
  if (from && to && from > to) [from, to] = [to, from];
  return {
    from,
    to,
    tiers: pick<UserTier>(getAll(source, FILTER_PARAMS.tiers), USER_TIERS),
    regions: pick<Region>(getAll(source, FILTER_PARAMS.regions), REGIONS),
    models: pick<Model>(getAll(source, FILTER_PARAMS.models), MODELS),
  };
}

/** The query string of some filters (without "?"); empty when nothing is filtered. */
export function filtersToQuery(filters: DashboardFilters): string {
  const params = new URLSearchParams();
  if (filters.from) params.set(FILTER_PARAMS.from, filters.from);
  if (filters.to) params.set(FILTER_PARAMS.to, filters.to);
  if (filters.tiers.length) params.set(FILTER_PARAMS.tiers, filters.tiers.join(","));
  if (filters.regions.length) params.set(FILTER_PARAMS.regions, filters.regions.join(","));
  if (filters.models.length) params.set(FILTER_PARAMS.models, filters.models.join(","));
  // Commas read better than %2C in a shared link and URLSearchParams accepts them back.
  return params.toString().replace(/%2C/g, ",");
}

export function isFiltered(filters: DashboardFilters): boolean {
  return filtersToQuery(filters) !== "";
}

export function sameFilters(a: DashboardFilters, b: DashboardFilters): boolean {
  return filtersToQuery(a) === filtersToQuery(b);
}

/** A quick choice of dates in the filter bar. */
export interface DatePreset {
  label: string;
  from: string | null;
  to: string | null;
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The filter bar's date presets for data from `start` to `end`: all days, the last 7 and 14 when shorter. */
export function datePresets(start: string, end: string): DatePreset[] {
  const out: DatePreset[] = [{ label: "All", from: null, to: null }];
  for (const days of [7, 14]) {
    const from = addDays(end, -(days - 1));
    if (from > start) out.push({ label: `Last ${days} days`, from, to: null });
  }
  return out;
}

function toggled<T extends string>(selected: readonly T[], value: T, vocabulary: readonly T[]): T[] {
  const next = new Set(selected);
  if (next.has(value)) next.delete(value);
  else next.add(value);
  return vocabulary.filter((v) => next.has(v));
}

/**
 * Every filter state one click away from `filters` in the filter bar, each once and never
 * `filters` itself: the reset, a date preset, one tier, region or model ticked or unticked.
 * In the order the dashboard prepares their figures in: the way back first, then the bar's order.
 */
export function oneClickAway(filters: DashboardFilters, presets: readonly DatePreset[]): DashboardFilters[] {
  const candidates: DashboardFilters[] = [
    EMPTY_FILTERS,
    ...presets.map((p) => ({ ...filters, from: p.from, to: p.to })),
    ...USER_TIERS.map((t) => ({ ...filters, tiers: toggled(filters.tiers, t, USER_TIERS) })),
    ...REGIONS.map((r) => ({ ...filters, regions: toggled(filters.regions, r, REGIONS) })),
    ...MODELS.map((m) => ({ ...filters, models: toggled(filters.models, m, MODELS) })),
  ];
  const seen = new Set([filtersToQuery(filters)]);
  return candidates.filter((c) => {
    const key = filtersToQuery(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
