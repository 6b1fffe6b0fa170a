"use client";
/**
 * The quality page's filters live in the URL, so a trust badge on the dashboard can link to a
 * filtered view and back/forward undo a filter. They are read from `window.location` in the
 * browser only: the server's render (and a static export's build-time render) is unfiltered,
 * the same HTML for every link, and the browser applies the URL's filters as it takes over.
 *
 * Not useSearchParams: it needs a <Suspense> boundary around the table for a prerendered
 * page, and a streamed boundary is revealed by a requestAnimationFrame callback, which a
 * background tab or a busy headless browser may hold back; the whole page then stays stuck
 * in its fallback.
 */
import { useCallback, useMemo, useSyncExternalStore } from "react";
import {
  EMPTY_QUALITY_FILTERS,
  parseQualityFilters,
  qualityFiltersToQuery,
  type QualityFilters,
} from "@/lib/shared/quality/filters";

export type SetQualityFilters = (patch: Partial<QualityFilters>, history?: "push" | "replace") => void;

/** Fired on window after this module changed the URL (pushState fires no event of its own). */
const CHANGED = "sbdk:quality-filters";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

const browserSearch = () => window.location.search;
const serverSearch = () => "";

export function useQualityFilters(): [QualityFilters, SetQualityFilters] {
  const search = useSyncExternalStore(subscribe, browserSearch, serverSearch);
  const filters = useMemo(
    () => (search ? parseQualityFilters(new URLSearchParams(search)) : EMPTY_QUALITY_FILTERS),
    [search],
  );
  const setFilters = useCallback<SetQualityFilters>((patch, history = "push") => {
    const current = parseQualityFilters(new URLSearchParams(window.location.search));
    const query = qualityFiltersToQuery({ ...current, ...patch });
    const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
    if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
    if (history === "replace") window.history.replaceState(window.history.state, "", url);
    else window.history.pushState(window.history.state, "", url);
    window.dispatchEvent(new Event(CHANGED));
  }, []);
  return [filters, setFilters];
}
