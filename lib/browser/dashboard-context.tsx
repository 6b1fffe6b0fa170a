"use client";
/**
 * What every panel of the dashboard shares: the publish manifest, the one filter store and
 * the server's first-render figures. Provided once by components/dashboard/dashboard.tsx.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useStore } from "zustand";
import type { DashboardFilters } from "@/lib/shared/dashboard/filters";
import type { ViewResults } from "@/lib/shared/dashboard/types";
import type { PublishManifest } from "@/lib/shared/manifest";
import { MAIN_SCHEMA } from "./duckdb";
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
  /** The DuckDB-WASM schema the publish's tables are loaded into (main, or a simulated day's). */
  schema: string;
}

const DashboardContext = createContext<DashboardContextValue | null>(null);

export function DashboardProvider(props: {
  manifest: PublishManifest;
  server: ServerFigures;
  /** Where the publish's tables go in DuckDB-WASM (default main): the player gives each day its own. */
  schema?: string;
  children: ReactNode;
}) {
  const [store] = useState(() => createFiltersStore(props.server.filters));
  useEffect(() => syncFiltersWithUrl(store), [store]);
  const schema = props.schema ?? MAIN_SCHEMA;
  const value = useMemo(
    () => ({ manifest: props.manifest, store, server: props.server, schema }),
    [props.manifest, store, props.server, schema],
  );
  return <DashboardContext.Provider value={value}>{props.children}</DashboardContext.Provider>;
}

export function useDashboard(): DashboardContextValue {
  const value = useContext(DashboardContext);
  if (!value) throw new Error("useDashboard outside <DashboardProvider>");
  return value;
}

export function useFilters<T>(selector: (state: FiltersState) => T): T {
  return useStore(useDashboard().store, selector);
}
