/** What DuckDB-WASM is doing, for the status pill in the header. Browser-only state. */
import { createStore } from "zustand/vanilla";
import type { AsyncState } from "./async";

export type EngineState = AsyncState<{ version: string }>;

export const engineStore = createStore<{ engine: EngineState; startedAt: number | null }>()(() => ({
  engine: { status: "idle" },
  startedAt: null,
}));
