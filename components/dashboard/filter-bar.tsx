"use client";
/** The filters every view shares; each change goes to the one store (and from there the URL). */
import { useState } from "react";
import { DateRange } from "@/components/ui/date-range";
import { MultiSelect } from "@/components/ui/multi-select";
import { useDashboard, useFilters } from "@/lib/browser/dashboard-context";
import { datePresets, isFiltered } from "@/lib/shared/dashboard/filters";
import { MODELS, REGIONS, USER_TIERS } from "@/lib/shared/domain";

const label = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, " ");
const TIER_OPTIONS = USER_TIERS.map((t) => ({ value: t, label: label(t) }));
const REGION_OPTIONS = REGIONS.map((r) => ({
  value: r,
  label: r === "us-west" ? "US West" : r === "us-east" ? "US East" : label(r),
}));
const MODEL_OPTIONS = MODELS.map((m) => ({ value: m, label: m }));

export function FilterBar() {
  const { manifest, store } = useDashboard();
  const filters = useFilters((s) => s.filters);
  const setFilters = store.getState().setFilters;
  const [copied, setCopied] = useState(false);
  const range = manifest.date_range;

  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="filter-bar">
      {range ? (
        <DateRange
          from={filters.from}
          to={filters.to}
          min={range.start}
          max={range.end}
          presets={datePresets(range.start, range.end)}
          onChange={({ from, to }) => setFilters({ from, to })}
        />
      ) : null}
      <MultiSelect
        data-testid="filter-tier"
        label="Tier"
        options={TIER_OPTIONS}
        selected={filters.tiers}
        onChange={(tiers) => setFilters({ tiers: tiers as typeof filters.tiers })}
      />
      <MultiSelect
        data-testid="filter-region"
        label="Region"
        options={REGION_OPTIONS}
        selected={filters.regions}
        onChange={(regions) => setFilters({ regions: regions as typeof filters.regions })}
      />
      <MultiSelect
        data-testid="filter-model"
        label="Model"
        options={MODEL_OPTIONS}
        selected={filters.models}
        onChange={(models) => setFilters({ models: models as typeof filters.models })}
      />
      <div className="ml-auto flex items-center gap-2">
        {isFiltered(filters) ? (
          <button
            type="button"
            data-testid="filter-reset"
            onClick={() => store.getState().reset()}
            className="h-8 rounded-lg px-2.5 text-xs font-medium text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800"
          >
            Reset
          </button>
        ) : null}
        <button
          type="button"
          data-testid="copy-link"
          onClick={() => {
            void navigator.clipboard?.writeText(window.location.href).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            });
          }}
          className="flex h-8 items-center gap-1.5 rounded-lg border border-zinc-200 bg-white px-2.5 text-xs font-medium text-zinc-700 shadow-xs hover:bg-zinc-50"
        >
          <svg viewBox="0 0 16 16" className="h-3.5 w-3.5 text-zinc-400" fill="none" aria-hidden="true">
            <path
              d="M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 013.5 3.5l-1 1M9 11.5l-1 1A2.5 2.5 0 014.5 9l1-1"
              stroke="currentColor"
              strokeWidth="1.5"
              strokeLinecap="round"
            />
          </svg>
          {copied ? "Copied" : "Copy link"}
        </button>
      </div>
    </div>
  );
}
