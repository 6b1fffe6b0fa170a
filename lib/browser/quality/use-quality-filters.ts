"use client";
/**
 * The quality page's filters live in the URL (so a trust badge on the dashboard can link to a
 * filtered view, and back/forward undo a filter): read with useSearchParams, written with the
 * History API, which Next.js folds into its router without a request to the server.
 */
import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import {
  parseQualityFilters,
  qualityFiltersToQuery,
  type QualityFilters,
} from "@/lib/shared/quality/filters";

export type SetQualityFilters = (patch: Partial<QualityFilters>, history?: "push" | "replace") => void;

export function useQualityFilters(): [QualityFilters, SetQualityFilters] {
  const params = useSearchParams();
  const filters = useMemo(() => parseQualityFilters(params), [params]);
  const setFilters = useCallback<SetQualityFilters>((patch, history = "push") => {
    const current = parseQualityFilters(new URLSearchParams(window.location.search));
    const query = qualityFiltersToQuery({ ...current, ...patch });
    const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
    if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
    if (history === "replace") window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
  }, []);
  return [filters, setFilters];
}
