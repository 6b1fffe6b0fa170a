"use client";
/**
 * What every panel of the dashboard shares: the publish manifest, the one filter store and
 * the server's first-render figures. Provided once by components/dashboard/dashboard.tsx.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useStore } from "zustand";
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import type { ViewResults } from "@/lib/shared/dashboard/types";
import type { PublishManifest } from "@/lib/shared/manifest";
import {
  createFiltersStore,
  syncFiltersWithUrl,
  type FiltersState,
  type FiltersStore,
} from "./filters-store";

export interface ServerFigures {
  /** The filters the server computed them for. */
  filters: DashboardFilters;
  /** Results of the page's queries for those filters, by query id; null when it has none. */
  views: ViewResults | null;
}

interface DashboardContextValue {
  manifest: PublishManifest;
  store: FiltersStore;
  server: ServerFigures;
}

const DashboardContext = createContext<DashboardContextValue | null>(null);

export function DashboardProvider(props: {
  manifest: PublishManifest;
  server: ServerFigures;
  children: ReactNode;
}) {
  const [store] = useState(() => createFiltersStore(props.server.filters));
  useEffect(() => syncFiltersWithUrl(store), [store]);
  return (
    <DashboardContext.Provider value={{ manifest: props.manifest, store, server: props.server }}>
      {props.children}
    </DashboardContext.Provider>
  );
}

export function useDashboard(): DashboardContextValue {
  const value = useContext(DashboardContext);
  if (!value) throw new Error("useDashboard outside <DashboardProvider>");
  return value;
}

export function useFilters<T>(selector: (state: FiltersState) => T): T {
  return useStore(useDashboard().store, selector);
}
