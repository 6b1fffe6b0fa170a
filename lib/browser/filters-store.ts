/**
 * The one filter store of the dashboard (zustand), mirrored in the URL: every change replaces
 * the query string, and back/forward restores the filters. One store per page, created from
 * the filters the server parsed from the URL, so the first render matches the link (the static
 * site, rendered ahead of any link, takes the link's filters when it mounts).
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import {
  EMPTY_FILTERS,
  FILTER_PARAMS,
  filtersToQuery,
  parseFilters,
  sameFilters,
  type DashboardFilters,
} from "@/lib/shared/dashboard/filters";

export interface FiltersState {
  filters: DashboardFilters;
  setFilters(patch: Partial<DashboardFilters>): void;
  reset(): void;
}

export type FiltersStore = StoreApi<FiltersState>;

export function createFiltersStore(initial: DashboardFilters): FiltersStore {
  return createStore<FiltersState>()((set, get) => ({
    filters: initial,
    setFilters(patch) {
      const next = parseFilters(new URLSearchParams(filtersToQuery({ ...get().filters, ...patch })));
      if (!sameFilters(next, get().filters)) set({ filters: next });
    },
    reset() {
      set({ filters: EMPTY_FILTERS });
    },
  }));
}

/** Keeps the URL and the store in step; returns the function that stops it. */
export function syncFiltersWithUrl(store: FiltersStore): () => void {
  const unsubscribe = store.subscribe((state, previous) => {
    if (sameFilters(state.filters, previous.filters)) return;
    // Other parameters of the page (the player's day) stay as they are, first.
    const others = new URLSearchParams(window.location.search);
    for (const key of Object.values(FILTER_PARAMS)) others.delete(key);
    const query = [others.toString(), filtersToQuery(state.filters)].filter(Boolean).join("&");
    const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
    if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
      window.history.pushState(null, "", url);
    }
  });
  const onPopState = () => {
    const filters = parseFilters(new URLSearchParams(window.location.search));
    if (!sameFilters(filters, store.getState().filters)) store.setState({ filters });
  };
  window.addEventListener("popstate", onPopState);
  // A static page was rendered without the query string: take the link's filters now.
  onPopState();
  return () => {
    unsubscribe();
    window.removeEventListener("popstate", onPopState);
  };
}
