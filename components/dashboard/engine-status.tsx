"use client";
/** The header's pill: is the page showing server figures, or live DuckDB-WASM queries? */
import { useEffect } from "react";
import { useStore } from "zustand";
import { Spinner } from "@/components/ui/skeleton";
import { getBrowserDb } from "@/lib/browser/duckdb";
import { engineStore } from "@/lib/browser/engine";

// Start compiling DuckDB-WASM (about 2 s) as soon as the page's code runs, before React has
// hydrated the page, when the server rendered a dashboard (the pill is in the HTML). The
// effect below starts it otherwise; starting twice returns the same database.
if (typeof document !== "undefined" && document.querySelector('[data-testid="engine-status"]')) {
  void getBrowserDb().catch(() => undefined);
}

export function EngineStatus() {
  const engine = useStore(engineStore, (s) => s.engine);
  useEffect(() => {
    // Start compiling DuckDB-WASM at once, even before a panel asks for it.
    void getBrowserDb().catch(() => undefined);
  }, []);
  const base = "inline-flex items-center gap-1.5 rounded-full border px-2.5 py-1 text-[11px] font-medium";
  if (engine.status === "ready") {
    return (
      <span
        className={`${base} border-emerald-200 bg-emerald-50 text-emerald-700`}
        data-testid="engine-status"
        data-status="ready"
        title={`DuckDB-WASM ${engine.data.version} started in ${engine.millis} ms; every figure is computed in your browser`}
      >
        <span className="h-1.5 w-1.5 rounded-full bg-emerald-500" />
        Live · DuckDB-WASM
      </span>
    );
  }
  if (engine.status === "error") {
    return (
      <span
        className={`${base} border-rose-200 bg-rose-50 text-rose-700`}
        data-testid="engine-status"
        data-status="error"
        title={engine.error}
      >
        DuckDB-WASM failed to start
      </span>
    );
  }
  return (
    <span
      className={`${base} border-zinc-200 bg-white text-zinc-500`}
      data-testid="engine-status"
      data-status="loading"
    >
      <Spinner className="h-3 w-3" />
      Starting DuckDB-WASM
    </span>
  );
}
